"""Readers' error reports and tips, read and marked handled in the admin; never written there.

Reporters may read the error reports on stories (they fix their own copy); only editors may
mark them handled. Tips may expose whoever sent them, so, like sources' contact details, only
editors see them at all (migration ``0002_editors_handle_feedback``).
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from stories.admin.base import NewsroomAdmin

from .models import ErrorReport, Tip


class FeedbackAdmin(NewsroomAdmin):
    list_filter = [("handled_at", admin.EmptyFieldListFilter), "received_at"]
    date_hierarchy = "received_at"
    actions = ["mark_handled"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Mark selected as handled", permissions=["change"])
    def mark_handled(self, request, queryset):
        count = queryset.mark_handled(by=request.user)
        self.message_user(request, f"{count} marked as handled.")

    @admin.display(description="handled", boolean=True, ordering="handled_at")
    def handled(self, item):
        return item.is_handled


@admin.register(ErrorReport)
class ErrorReportAdmin(FeedbackAdmin):
    list_display = ["received_at", "story_link", "excerpt", "changed_since", "handled"]
    list_select_related = ["story"]
    search_fields = ["story__headline", "text"]
    fields = [
        "story_link",
        "story_version",
        "changed_since",
        "text",
        "name",
        "email",
        "received_at",
        "handled_at",
        "handled_by",
    ]
    readonly_fields = fields

    @admin.display(description="story", ordering="story__headline")
    def story_link(self, report):
        url = reverse("admin:stories_story_change", args=[report.story_id])
        return format_html('<a href="{}">{}</a>', url, report.story.headline)

    @admin.display(description="what is wrong")
    def excerpt(self, report):
        return Truncator(report.text).chars(80)

    @admin.display(description="story changed since", boolean=True)
    def changed_since(self, report):
        return report.story_changed_since


@admin.register(Tip)
class TipAdmin(FeedbackAdmin):
    list_display = ["received_at", "excerpt", "has_contact", "handled"]
    fields = ["message", "contact", "received_at", "handled_at", "handled_by"]
    readonly_fields = fields

    @admin.display(description="tip")
    def excerpt(self, tip):
        return Truncator(tip.message).chars(80)

    @admin.display(description="may be contacted", boolean=True)
    def has_contact(self, tip):
        return bool(tip.contact)
