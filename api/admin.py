"""Partner keys, issued and revoked by editors; the log of reads under embargo, read-only."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse

from stories.admin.base import NewsroomAdmin, RecordAdminMixin

from .models import ApiKey, EmbargoedRead, Scope


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="What the key may read; anything else answers 403.",
    )

    class Meta:
        model = ApiKey
        fields = ["name", "rate_limit", "scopes", "embargo_access"]


@admin.register(ApiKey)
class ApiKeyAdmin(NewsroomAdmin):
    form = ApiKeyForm
    list_display = ["name", "prefix", "rate_limit", "embargo_access", "created_at", "revoked_at"]
    list_filter = ["embargo_access", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_at", "created_by", "revoked_at", "revoked_by"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        fields = ["name", "rate_limit", "scopes", "embargo_access"]
        return fields if obj is None else [*fields, *self.readonly_fields]

    def has_delete_permission(self, request, obj=None):
        # A key is revoked, never deleted: its reads under embargo stay on record.
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            request.issued_key = obj.set_secret()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        # The key is shown on this page once, never stored in a message or the database.
        response = TemplateResponse(
            request,
            "admin/api/apikey/issued.html",
            {
                **self.admin_site.each_context(request),
                "title": "Key issued",
                "opts": self.opts,
                "key": obj,
                "presented": request.issued_key,
            },
        )
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(description="Revoke the selected keys", permissions=["change"])
    def revoke(self, request, queryset):
        revoked = 0
        for key in queryset.active():
            key.revoke(by=request.user)
            revoked += 1
        self.message_user(request, f"{revoked} key(s) revoked.", messages.SUCCESS)


@admin.register(EmbargoedRead)
class EmbargoedReadAdmin(RecordAdminMixin, NewsroomAdmin):
    list_display = ["read_at", "key", "headline", "embargo_until", "path"]
    list_select_related = ["key"]
    list_filter = ["key"]
    date_hierarchy = "read_at"
    search_fields = ["headline", "key__name"]
    fields = ["read_at", "key", "story", "headline", "embargo_until", "path"]
