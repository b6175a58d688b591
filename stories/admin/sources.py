from django.contrib import admin

from stories.models import Source, Story

from .base import LockedOncePublishedMixin, NewsroomAdmin


@admin.register(Source)
class SourceAdmin(LockedOncePublishedMixin, NewsroomAdmin):
    list_display = ["name", "kind", "affiliation"]
    list_filter = ["kind"]
    search_fields = ["name", "affiliation"]
    # Without the permission to see contact details, the second fieldset is left out.
    fieldsets = [
        (None, {"fields": ["kind", "name", "affiliation", "url", "document"]}),
        ("Editor-only", {"fields": ["contact_details", "private_notes"]}),
    ]

    def stories_showing(self, source):
        return Story.objects.filter(citations__source=source)
