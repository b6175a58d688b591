from django.contrib import admin, messages
from django.db import models

from stories import access
from stories.forms import DocumentField
from stories.models import Source, SourceAccess

from .base import LockedOncePublishedMixin, NewsroomAdmin, RecordAdminMixin
from .versions import VersionedAdminMixin


@admin.register(Source)
class SourceAdmin(VersionedAdminMixin, LockedOncePublishedMixin, NewsroomAdmin):
    list_display = ["name", "kind", "affiliation", "has_contact_details"]
    list_filter = ["kind", "has_contact_details"]
    search_fields = ["name", "affiliation"]
    formfield_overrides = {models.FileField: {"form_class": DocumentField}}
    # Without the permission to see contact details, the second fieldset is left out.
    fieldsets = [
        (
            None,
            {"fields": ["kind", "name", "affiliation", "url", "document", "document_is_public"]},
        ),
        ("Editor-only", {"fields": ["contact_details", "private_notes"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        # What no key opens is kept as it is stored, not overwritten with a blank.
        if obj is not None:
            readonly += obj.unreadable_fields
        return [*readonly, *Source.fields_for_editors_only(request.user)]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and access.may_see_contacts(request.user):
            SourceAccess.record(obj, request.user)
            if obj.unreadable_fields:
                messages.error(
                    request,
                    "None of the keys in SOURCE_ENCRYPTION_KEYS opens this source's "
                    f"{' and '.join(f.replace('_', ' ') for f in obj.unreadable_fields)}. "
                    "They are kept as they are; ask whoever runs the site to add back the key "
                    "they were encrypted with.",
                )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # The database does not know which sources anonymous citations rely on.
        anonymous = [
            f"An anonymous citation in “{citation.cited_in}”"
            for source in objs
            for citation in source.anonymous_citations()
        ]
        return deleted, counts, perms_needed, [*protected, *anonymous]


@admin.register(SourceAccess)
class SourceAccessAdmin(RecordAdminMixin, NewsroomAdmin):
    """Who was shown which source's contact details, and when: read-only, for everyone."""

    list_display = ["viewed_at", "user", "source", "shown"]
    list_select_related = ["user", "source"]
    list_filter = ["user"]
    date_hierarchy = "viewed_at"
    search_fields = ["source__name", "user__username"]
    fields = ["viewed_at", "user", "source", "shown"]

    def has_view_permission(self, request, obj=None):
        return access.may_see_contacts(request.user)
