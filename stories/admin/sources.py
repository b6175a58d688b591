from django.contrib import admin

from stories import workflow
from stories.models import Source, Story

from .base import LockedOncePublishedMixin, NewsroomAdmin
from .versions import VersionedAdminMixin


@admin.register(Source)
class SourceAdmin(VersionedAdminMixin, LockedOncePublishedMixin, NewsroomAdmin):
    list_display = ["name", "kind", "affiliation"]
    list_filter = ["kind"]
    search_fields = ["name", "affiliation"]
    # Without the permission to see contact details, the second fieldset is left out.
    fieldsets = [
        (
            None,
            {"fields": ["kind", "name", "affiliation", "url", "document", "document_is_public"]},
        ),
        ("Editor-only", {"fields": ["contact_details", "private_notes"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Putting a document before readers is a publishing decision.
        readonly = super().get_readonly_fields(request, obj)
        if workflow.can_publish(request.user):
            return readonly
        return [*readonly, "document_is_public"]

    def stories_showing(self, source):
        return Story.objects.filter(citations__source=source)
