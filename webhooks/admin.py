"""Webhook endpoints, registered by editors; each one's delivery log, read-only."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from stories.admin.base import NewsroomAdmin, RecordAdminMixin

from .models import Delivery, Endpoint, Event


class EndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Unpublished, scheduled and embargoed stories are never sent: a scheduled "
        "story's “published” event goes out when readers can see it. Removals carry only the "
        "story's id and address.",
    )

    class Meta:
        model = Endpoint
        fields = ["name", "url", "secret", "events", "is_active"]


@admin.register(Endpoint)
class EndpointAdmin(NewsroomAdmin):
    form = EndpointForm
    list_display = ["name", "url", "is_active", "disabled_reason", "log"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    readonly_fields = ["disabled_reason", "consecutive_failures", "created_at", "created_by"]

    def get_fields(self, request, obj=None):
        fields = ["name", "url", "secret", "events", "is_active"]
        return fields if obj is None else [*fields, *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="deliveries")
    def log(self, endpoint):
        url = reverse("admin:webhooks_delivery_changelist")
        query = urlencode({"endpoint__id__exact": endpoint.pk})
        return format_html('<a href="{}?{}">Delivery log</a>', url, query)


@admin.register(Delivery)
class DeliveryAdmin(RecordAdminMixin, NewsroomAdmin):
    list_display = [
        "created_at",
        "endpoint",
        "event",
        "story_id",
        "status",
        "attempts",
        "response_code",
        "duration_ms",
        "error",
    ]
    list_select_related = ["endpoint"]
    list_filter = ["status", "event", "endpoint"]
    date_hierarchy = "created_at"
    fields = [
        "endpoint",
        "event",
        "story_id",
        "story_url",
        "due_at",
        "status",
        "attempts",
        "last_attempt_at",
        "response_code",
        "duration_ms",
        "error",
        "created_at",
    ]
    readonly_fields = fields
