"""Live coverage in the admin: editors make a story live; reporters file updates on it.

Every save and action goes through ``live.workflow``, which checks who is acting.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django_prose_editor.widgets import AdminProseEditorWidget

from stories.admin.base import NewsroomAdmin
from stories.admin.stories import BODY_EXTENSIONS, CitationInline
from stories.admin.versions import VersionedAdminMixin
from stories.forms import VersionedForm
from stories.models import Story

from . import revision_views, workflow
from .models import (
    LiveCoverage,
    LiveUpdate,
    LiveUpdateCitation,
    LiveUpdateCorrection,
    LiveUpdateRevision,
)


@admin.register(LiveCoverage)
class LiveCoverageAdmin(NewsroomAdmin):
    list_display = ["story", "started_at", "closed_at", "order", "requires_approval"]
    list_filter = ["requires_approval", "order"]
    list_select_related = ["story"]
    search_fields = ["story__headline"]
    autocomplete_fields = ["story"]
    fields = ["story", "order", "requires_approval", "summary", "started_at", "closed_at"]
    readonly_fields = ["closed_at"]
    actions = ["close"]

    class Media:
        css = {"all": ["css/admin-rich-text.css"]}
        js = ["js/admin-rich-text-label.js"]

    formfield_overrides = {
        LiveCoverage._meta.get_field("summary").__class__: {
            "widget": AdminProseEditorWidget(config={"extensions": BODY_EXTENSIONS})
        }
    }

    @admin.action(description="Close the selected live coverage", permissions=["publish"])
    def close(self, request, queryset):
        for coverage in queryset.select_related("story"):
            workflow.close_coverage(coverage.story, by=request.user)
        self.message_user(request, f"{queryset.count()} closed.", messages.SUCCESS)

    def has_publish_permission(self, request):
        return workflow.is_editor(request.user)


class UpdateForm(VersionedForm):
    # Who is saving: set for each request by LiveUpdateAdmin.get_form.
    user = None

    class Meta:
        model = LiveUpdate
        fields = "__all__"
        widgets = {
            "body": AdminProseEditorWidget(
                config={"extensions": BODY_EXTENSIONS}, preset="configurable"
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "story" in self.fields:
            # Updates are filed on open live coverage only.
            self.fields["story"].queryset = Story.objects.filter(
                live_coverage__isnull=False, live_coverage__closed_at__isnull=True
            ).order_by("-published_at")

    def clean(self):
        cleaned = super().clean()
        story = cleaned.get("story") or getattr(self.instance, "story", None)
        status = cleaned.get("status")
        changed = status and status != self.instance.status
        if story is not None and changed and status not in workflow.statuses_for(self.user, story):
            self.add_error(
                "status",
                "This live coverage needs an editor's approval: save the update as "
                "submitted, and an editor publishes it.",
            )
        return cleaned


class CorrectionInline(admin.StackedInline):
    # Stacked rather than tabular: a tabular inline heads its first column with nothing.
    model = LiveUpdateCorrection
    extra = 0
    fields = ["text", "published_at"]

    def _editor(self, request, obj=None):
        return workflow.is_editor(request.user)

    has_add_permission = has_change_permission = has_delete_permission = _editor


class UpdateCitationInline(CitationInline):
    """The sources an update cites, edited as a story's are, by whoever may edit the update."""

    model = LiveUpdateCitation

    def has_view_permission(self, request, obj=None):
        return workflow.can_file(request.user)

    def _may_edit(self, request, obj=None):
        if obj is None:
            return workflow.can_file(request.user)
        return workflow.can_change(request.user, obj)

    has_add_permission = has_change_permission = has_delete_permission = _may_edit


@admin.register(LiveUpdate)
class LiveUpdateAdmin(VersionedAdminMixin, NewsroomAdmin):
    form = UpdateForm
    list_display = ["__str__", "story", "status", "published_at", "pinned", "key_event"]
    list_filter = ["status", "pinned", "key_event"]
    list_select_related = ["story"]
    search_fields = ["headline", "body", "story__headline"]
    autocomplete_fields = ["authors"]
    date_hierarchy = "published_at"
    inlines = [UpdateCitationInline, CorrectionInline]
    fieldsets = [
        (None, {"fields": ["story", "headline", "body", "authors"]}),
        ("Publishing", {"fields": ["status", "published_at", "embargo_until"]}),
        ("Editors", {"fields": ["pinned", "key_event"]}),
    ]
    actions = ["publish", "pin", "mark_key_event"]

    class Media:
        css = {"all": ["css/admin-rich-text.css"]}
        js = ["js/admin-autocomplete-labels.js", "js/admin-rich-text-label.js"]

    def get_urls(self):
        return [*revision_views.urls(self), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        update = self.get_object(request, object_id)
        editable = update is not None and revision_views.may_see_history(self, request, update)
        if editable and request.method == "GET":
            # So that the first recorded change can be compared with the update as opened.
            LiveUpdateRevision.baseline(update)
        context = {"can_see_revisions": editable}
        return super().change_view(request, object_id, form_url, context | (extra_context or {}))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_readonly_fields(self, request, obj=None):
        fields = [] if workflow.is_editor(request.user) else list(workflow.EDITOR_SET_FIELDS)
        if obj is not None:
            fields.append("story")  # An update stays with the story it was filed on.
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and not workflow.can_change(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_publish_permission(self, request):
        return workflow.is_editor(request.user)

    def save_model(self, request, obj, form, change):
        # The update is saved with its authors, through the workflow, in save_related.
        request.live_update = obj

    def save_related(self, request, form, formsets, change):
        def save_inlines():
            for formset in formsets:
                self.save_formset(request, form, formset, change)

        workflow.save_update(
            request.live_update,
            by=request.user,
            authors=form.cleaned_data["authors"],
            save_related=save_inlines,
        )

    @admin.action(description="Publish the selected updates", permissions=["publish"])
    def publish(self, request, queryset):
        self._each(request, queryset, workflow.publish)

    @admin.action(description="Pin the selected update", permissions=["publish"])
    def pin(self, request, queryset):
        self._each(request, queryset[:1], workflow.pin)

    @admin.action(description="Mark as key events", permissions=["publish"])
    def mark_key_event(self, request, queryset):
        self._each(request, queryset, workflow.mark_key_event)

    def _each(self, request, queryset, action):
        done = 0
        for update in queryset.select_related("story"):
            try:
                action(update, by=request.user)
                done += 1
            except (PermissionDenied, ValidationError) as error:
                self.message_user(request, f"“{update}”: {error}", messages.ERROR)
        if done:
            self.message_user(request, f"{done} updated.", messages.SUCCESS)
