from django.contrib import admin
from django.contrib.auth import get_user_model

from stories.models import Person

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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, *Person.fields_for_editors_only(request.user)]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.may_be_changed_by(request.user))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.may_be_changed_by(request.user))
