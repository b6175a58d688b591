from django.contrib import admin

from stories.models import Person, Story

from .base import LockedOncePublishedMixin, NewsroomAdmin
from .images import thumbnail
from .versions import VersionedAdminMixin


@admin.register(Person)
class PersonAdmin(VersionedAdminMixin, LockedOncePublishedMixin, NewsroomAdmin):
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
