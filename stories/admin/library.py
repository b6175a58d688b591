from django.contrib import admin

from stories import workflow
from stories.models import Person, Section, Source, Story

from .base import LockedOncePublishedMixin, NewsroomAdmin
from .images import thumbnail


@admin.register(Section)
class SectionAdmin(NewsroomAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Person)
class PersonAdmin(LockedOncePublishedMixin, NewsroomAdmin):
    list_display = ["name", "photo_thumbnail", "title", "organization", "is_staff_member"]
    list_filter = ["is_staff_member"]
    list_select_related = ["photo"]
    search_fields = ["name", "title", "organization"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["photo"]

    @admin.display(description="photo")
    def photo_thumbnail(self, person):
        return thumbnail(person.photo)

    def stories_showing(self, person):
        return Story.objects.by_or_about(person)


@admin.register(Source)
class SourceAdmin(LockedOncePublishedMixin, NewsroomAdmin):
    list_display = ["name", "kind", "affiliation"]
    list_filter = ["kind"]
    search_fields = ["name", "affiliation"]
    fieldsets = [
        (
            None,
            {"fields": ["kind", "name", "affiliation", "url", "document", "document_is_public"]},
        ),
        ("Editor-only", {"fields": ["contact_details", "private_notes"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        # Without the permission the fields are not in the form at all, so a forged POST
        # can neither read nor overwrite them.
        if request.user.has_perm("stories.view_source_contacts"):
            return self.fieldsets
        return self.fieldsets[:1]

    def get_readonly_fields(self, request, obj=None):
        # Putting a document before readers is a publishing decision.
        readonly = super().get_readonly_fields(request, obj)
        if workflow.can_publish(request.user):
            return readonly
        return [*readonly, "document_is_public"]

    def stories_showing(self, source):
        return Story.objects.filter(citations__source=source)
