"""What the story admin adds for editorial safety: roles, transitions, previews, revisions."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import format_html
from django_prose_editor.widgets import AdminProseEditorWidget

from stories import workflow
from stories.models import (
    Correction,
    EditingPresence,
    PreviewLink,
    Revision,
    Story,
)
from stories.models.revisions import (
    BASELINE_SUMMARY,
    CONTENT_FIELDS,
    PUBLICATION_FIELDS,
)
from stories.previews import render_preview
from stories.revisions import RestoreError, restore_revision

from .base import NewsroomAdmin, parse_id
from .revisions import describe_changes, diff_rows

# What the editor toolbar offers; stories/sanitize.py allows all of it and removes anything else.
BODY_EXTENSIONS = {
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    # Numbering styles (a, b, c / i, ii, iii) are not offered: the sanitizer keeps plain lists.
    "OrderedList": {"enableListAttributes": False},
    "ListItem": True,
    "Blockquote": True,
    "Bold": True,
    "Italic": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    # Pictures come from the image library only: "Browse…" in the figure dialog opens it.
    "Figure": {"pickerUrl": reverse_lazy("admin:stories_image_picker")},
    "Image": True,
    "Caption": True,
}
# The status changes only through the workflow buttons, so that each change is deliberate,
# permission-checked and recorded.
WORKFLOW_FIELDS = ["status"]
EDITOR_ONLY_FIELDS = ["published_at", "last_significant_update"]


class StoryForm(forms.ModelForm):
    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # Set for each request by StoryWorkflowAdmin.get_form.
    can_publish = False

    class Meta:
        model = Story
        fields = [
            *CONTENT_FIELDS,
            *PUBLICATION_FIELDS,
            "tags",
            "people",
            "related_stories",
        ]
        widgets = {
            "body": AdminProseEditorWidget(
                config={"extensions": BODY_EXTENSIONS}, preset="configurable"
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["base_revision"] = Revision.latest_id(self.instance)

    def clean_embargo_until(self):
        new = self.cleaned_data.get("embargo_until")
        old = self.instance.embargo_until if self.instance.pk else None
        if self.can_publish or old is None or old <= timezone.now():
            return new
        if new is None or new < old:
            raise ValidationError(
                "Only an editor can lift or shorten an embargo. Leave the time as it was, "
                "or move it later."
            )
        return new

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self.check_for_conflicting_changes()
        return cleaned

    def check_for_conflicting_changes(self):
        """Refuse the save if the story was saved by anyone since this form was opened.

        The story row stays locked until the admin's transaction ends, so a concurrent
        save waits and then sees the revision this one records.
        """
        Story.objects.select_for_update().filter(pk=self.instance.pk).exists()
        Revision.baseline(self.instance)
        base = self.cleaned_data.get("base_revision") or 0
        later = list(
            Revision.objects.filter(story=self.instance, pk__gt=base)
            .exclude(summary=BASELINE_SUMMARY)
            .select_related("created_by")
            .order_by("pk")
        )
        if not later:
            return
        latest = later[-1]
        # Saving the same form again is the deliberate choice to replace their version.
        self.data = self.data.copy()
        self.data[self.add_prefix("base_revision")] = latest.pk
        changes = "; ".join(
            f"{rev.author_name} changed {describe_changes(rev.changed_fields)} "
            f"({rev.summary or 'saved'}) at "
            f"{timezone.localtime(rev.created_at):%H:%M:%S on %b %-d, %Y %Z}"
            for rev in later
        )
        compare = reverse("admin:stories_story_compare", args=[self.instance.pk])
        compare += f"?a={base or Revision.objects.filter(story=self.instance).last().pk}"
        compare += f"&b={latest.pk}"
        raise ValidationError(
            format_html(
                "Your changes were not saved: this story changed after you opened it. {} "
                "Your version is kept below. "
                '<a href="{}" target="_blank" rel="noopener">Compare their changes '
                "(opens in a new tab)</a>; to replace them with your version, save again.",
                changes + ".",
                compare,
            ),
            code="conflict",
        )


def _utc(value):
    return value.astimezone(datetime.UTC) if value else None


class StoryWorkflowAdmin(NewsroomAdmin):
    """Permission rules, transition buttons, previews, revisions and corrections for stories."""

    form = StoryForm
    change_form_template = "admin/stories/story/change_form.html"
    change_list_template = "admin/stories/story/change_list.html"
    actions = ["submit_for_review", "publish_stories", "unpublish_stories"]

    # --- permissions -----------------------------------------------------------------------

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and workflow.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and workflow.can_delete(
            request.user, obj
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), *WORKFLOW_FIELDS]
        if not workflow.can_publish(request.user):
            readonly += EDITOR_ONLY_FIELDS
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and self.has_change_permission(request, obj):
            fieldsets.append((None, {"fields": ["base_revision"], "classes": ["hidden"]}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.can_publish = workflow.can_publish(request.user)
        return form

    # --- saving records a revision -----------------------------------------------------------

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        Revision.record(form.instance, request.user, summary="Edited" if change else "Created")

    # --- change page ---------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        story = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if story is not None and self.has_view_or_change_permission(request, story):
            if request.method == "GET" and self.has_change_permission(request, story):
                Revision.baseline(story)
            context.update(self.workflow_context(request, story))
        return super().change_view(request, object_id, form_url, context)

    def workflow_context(self, request, story):
        user = request.user
        editable = self.has_change_permission(request, story)
        return {
            "transitions": [
                (t.name, t.label_for(story)) for t in workflow.available_transitions(user, story)
            ],
            "embargo_in_force": story.is_embargoed,
            "embargo_utc": _utc(story.embargo_until),
            "scheduled": story.is_scheduled,
            "published_utc": _utc(story.published_at),
            "can_lift_embargo": editable and workflow.can_publish(user),
            "can_correct": editable
            and user.has_perm("stories.add_correction")
            and story.status == Story.Status.PUBLISHED,
            "others_editing": EditingPresence.others_editing(story, user) if editable else [],
            "preview_links": list(story.preview_links.active()) if editable else [],
            "status_changes": list(story.status_changes.select_related("changed_by")[:5]),
            "can_preview": editable,
        }

    # --- changelist ----------------------------------------------------------------------

    @admin.display(description="publication")
    def publication(self, story):
        if story.is_embargoed:
            local = timezone.localtime(story.embargo_until)
            return format_html("<strong>EMBARGOED</strong> until {}", f"{local:%b %-d, %H:%M %Z}")
        if story.is_scheduled:
            return f"Scheduled for {timezone.localtime(story.published_at):%b %-d, %H:%M %Z}"
        if story.status == Story.Status.PUBLISHED:
            return "Live"
        return "Not public"

    def _bulk_transition(self, request, queryset, name):
        moved, refused = [], []
        for story in queryset:
            try:
                workflow.apply_transition(story, name, request.user)
                moved.append(story)
            except (PermissionDenied, workflow.TransitionNotAllowed):
                refused.append(story)
        label = workflow.TRANSITIONS[name].label
        if moved:
            messages.success(request, f"{label}: {len(moved)} stories.")
        if refused:
            names = ", ".join(f"“{s}”" for s in refused)
            messages.warning(request, f"{label} does not apply to {names}; left unchanged.")

    @admin.action(description="Submit selected stories for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._bulk_transition(request, queryset, "submit")

    @admin.action(description="Publish or schedule selected stories", permissions=["publish"])
    def publish_stories(self, request, queryset):
        self._bulk_transition(request, queryset, "publish")

    @admin.action(description="Unpublish selected stories", permissions=["publish"])
    def unpublish_stories(self, request, queryset):
        self._bulk_transition(request, queryset, "unpublish")

    # --- extra admin views ---------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view

        def url(route, view, name):
            return path(route, wrap(view), name=f"stories_story_{name}")

        return [
            url("scheduled/", self.scheduled_view, "scheduled"),
            url("<int:object_id>/transition/<slug:name>/", self.transition_view, "transition"),
            url("<int:object_id>/lift-embargo/", self.lift_embargo_view, "lift_embargo"),
            url("<int:object_id>/preview/", self.preview_view, "preview"),
            url("<int:object_id>/preview-links/", self.create_preview_link_view, "share"),
            url(
                "<int:object_id>/preview-links/<int:link_id>/revoke/",
                self.revoke_preview_link_view,
                "revoke_preview",
            ),
            url("<int:object_id>/revisions/", self.revisions_view, "revisions"),
            url("<int:object_id>/revisions/compare/", self.compare_view, "compare"),
            url(
                "<int:object_id>/revisions/<int:revision_id>/restore/",
                self.restore_view,
                "restore",
            ),
            url("<int:object_id>/correct/", self.correction_view, "correct"),
            *super().get_urls(),
        ]

    def get_story(self, request, object_id, *, change=False):
        story = self.get_object(request, str(object_id))
        if story is None:
            raise Http404("No story with that id.")
        allowed = (
            self.has_change_permission(request, story)
            if change
            else self.has_view_or_change_permission(request, story)
        )
        if not allowed:
            raise PermissionDenied
        return story

    def back_to(self, story):
        return redirect("admin:stories_story_change", story.pk)

    def render_admin(self, request, template, context, story=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": story,
            **context,
        }
        return TemplateResponse(request, f"admin/stories/story/{template}", context)

    def scheduled_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        stories = Story.objects.waiting().select_related("section").order_by("published_at")
        rows = [
            {
                "story": story,
                "publish": story.published_at,
                "publish_utc": _utc(story.published_at),
                "embargo": story.embargo_until if story.embargo_until else None,
                "embargo_utc": _utc(story.embargo_until),
                "embargo_in_force": story.is_embargoed,
            }
            for story in stories
        ]
        return self.render_admin(
            request,
            "scheduled.html",
            {
                "title": "Scheduled and embargoed stories",
                "rows": rows,
                "newsroom_tz": timezone.get_current_timezone_name(),
            },
        )

    @staticmethod
    def _post_only(request):
        if request.method != "POST":
            return HttpResponseBadRequest("Use the button on the story's page.")
        return None

    def transition_view(self, request, object_id, name):
        if bad := self._post_only(request):
            return bad
        if name not in workflow.TRANSITIONS:
            raise Http404("No such transition.")
        story = self.get_story(request, object_id, change=True)
        try:
            story = workflow.apply_transition(story, name, request.user)
        except workflow.TransitionNotAllowed as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"“{story}” is now {story.get_status_display().lower()}.")
        return self.back_to(story)

    def lift_embargo_view(self, request, object_id):
        if bad := self._post_only(request):
            return bad
        story = self.get_story(request, object_id, change=True)
        try:
            workflow.lift_embargo(story, request.user)
        except workflow.TransitionNotAllowed as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"The embargo on “{story}” is lifted.")
        return self.back_to(story)

    def preview_view(self, request, object_id):
        return render_preview(request, self.get_story(request, object_id, change=True))

    def create_preview_link_view(self, request, object_id):
        if bad := self._post_only(request):
            return bad
        story = self.get_story(request, object_id, change=True)
        link = PreviewLink.objects.create(story=story, created_by=request.user)
        address = request.build_absolute_uri(link.get_absolute_url())
        expires = timezone.localtime(link.expires_at)
        messages.success(
            request,
            f"Preview link for reviewers, valid until {expires:%b %-d, %H:%M %Z}: {address}",
        )
        return self.back_to(story)

    def revoke_preview_link_view(self, request, object_id, link_id):
        if bad := self._post_only(request):
            return bad
        story = self.get_story(request, object_id, change=True)
        link = story.preview_links.filter(pk=link_id).first()
        if link is None:
            raise Http404("No such preview link.")
        link.revoke()
        messages.success(request, "The preview link is revoked; it no longer opens the story.")
        return self.back_to(story)

    def revisions_view(self, request, object_id):
        story = self.get_story(request, object_id)
        revisions = story.revisions.select_related("created_by")
        return self.render_admin(
            request,
            "revisions.html",
            {
                "title": f"Revisions of “{story}”",
                "revisions": [(rev, describe_changes(rev.changed_fields)) for rev in revisions],
                "can_restore": self.has_change_permission(request, story),
            },
            story,
        )

    def compare_view(self, request, object_id):
        story = self.get_story(request, object_id)
        chosen = [request.GET.get("a", ""), request.GET.get("b", "")]
        if not all(pk.isascii() and pk.isdigit() for pk in chosen):
            return HttpResponseBadRequest("Choose two revisions to compare.")
        ids = {parse_id(pk) for pk in chosen}
        if None in ids:  # a number no database holds as an id
            raise Http404("No such revision of this story.")
        ids = sorted(ids)
        revisions = {rev.pk: rev for rev in story.revisions.filter(pk__in=ids)}
        if len(revisions) != len(ids):
            raise Http404("No such revision of this story.")
        older, newer = revisions[ids[0]], revisions[ids[-1]]
        return self.render_admin(
            request,
            "revision_compare.html",
            {
                "title": f"Changes to “{story}”",
                "older": older,
                "newer": newer,
                "rows": diff_rows(older.snapshot, newer.snapshot),
                "can_restore": self.has_change_permission(request, story),
            },
            story,
        )

    def restore_view(self, request, object_id, revision_id):
        if bad := self._post_only(request):
            return bad
        story = self.get_story(request, object_id, change=True)
        revision = story.revisions.filter(pk=revision_id).first()
        if revision is None:
            raise Http404("No such revision of this story.")
        try:
            restore_revision(revision, request.user)
        except RestoreError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Revision {revision.pk} is restored as a new revision.")
        return self.back_to(story)

    def correction_view(self, request, object_id):
        story = self.get_story(request, object_id, change=True)
        if not request.user.has_perm("stories.add_correction"):
            raise PermissionDenied
        if story.status != Story.Status.PUBLISHED:
            messages.error(request, "Corrections are added to published stories only.")
            return self.back_to(story)
        form = CorrectionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            correction = workflow.add_correction(
                story, request.user, form.cleaned_data["kind"], form.cleaned_data["text"]
            )
            messages.success(
                request,
                f"{correction.get_kind_display()} added; readers now see the story as updated.",
            )
            return self.back_to(story)
        return self.render_admin(
            request,
            "correction_form.html",
            {"title": f"Correct “{story}”", "form": form},
            story,
        )


class CorrectionForm(forms.ModelForm):
    class Meta:
        model = Correction
        fields = ["kind", "text"]
        help_texts = {"text": "What was wrong and what is right; readers see this text."}
