"""The story admin's pages and buttons beyond the change form.

A button is a POST from the story's change page: it acts through ``stories.workflow`` and
goes back to the story with a message saying what happened or why not. A page renders a
template under ``admin/stories/story/`` that extends ``admin/stories/_base.html``.
"""

import datetime
from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, router
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.shortcuts import redirect
from django.utils import timezone

from newsroom.database import is_lock_timeout
from stories import autosaves, workflow
from stories.models import Autosave, Correction, EditingPresence, PreviewLink, Revision, Story
from stories.previews import render_preview

from .base import admin_pages, parse_id
from .revisions import describe_changes, diff_rows


def urls(model_admin):
    return admin_pages(
        model_admin,
        ("scheduled/", scheduled, "scheduled"),
        ("<int:object_id>/transition/<slug:name>/", transition, "transition"),
        ("<int:object_id>/lift-embargo/", lift_embargo, "lift_embargo"),
        ("<int:object_id>/preview/", preview, "preview"),
        ("<int:object_id>/preview-links/", share, "share"),
        ("<int:object_id>/preview-links/<int:link_id>/revoke/", revoke_preview, "revoke_preview"),
        ("<int:object_id>/revisions/", revisions, "revisions"),
        ("<int:object_id>/revisions/compare/", compare, "compare"),
        ("<int:object_id>/revisions/<int:revision_id>/restore/", restore, "restore"),
        ("<int:object_id>/correct/", correct, "correct"),
        ("<int:object_id>/retract/", retract, "retract"),
        ("<int:object_id>/autosave/", autosave, "autosave"),
        ("<int:object_id>/autosave/discard/", discard_autosave, "discard_autosave"),
        ("autosave/", autosave, "autosave_new"),
        ("autosave/discard/", discard_autosave, "discard_autosave_new"),
        ("<int:object_id>/presence/", still_open, "still_open"),
        ("<int:object_id>/presence/leave/", leave, "leave"),
    )


def get_story(model_admin, request, object_id, *, change=False, bare=False):
    """The story, if the user may see it (or change it): else a 404 or a 403.

    ``bare``: without what the admin's pages show with it (bylines, tags), for the calls the
    change page's scripts make every few seconds.
    """
    if bare:
        queryset = model_admin.get_queryset(request).prefetch_related(None)
        story = queryset.filter(pk=object_id).first()
    else:
        story = model_admin.get_object(request, str(object_id))
    if story is None:
        raise Http404("No story with that id.")
    if change:
        allowed = model_admin.has_change_permission(request, story)
    else:
        allowed = model_admin.has_view_or_change_permission(request, story)
    if not allowed:
        raise PermissionDenied
    return story


def render(model_admin, request, template, title, story=None, **context):
    return model_admin.render_page(request, template, title, original=story, **context)


def back_to(story):
    return redirect("admin:stories_story_change", story.pk)


def button(act):
    """Make ``act(request, story, ...)``, which returns a success message, a button's view."""

    @wraps(act)
    def view(model_admin, request, object_id, **kwargs):
        if request.method != "POST":
            return HttpResponseBadRequest("Use the button on the story's page.")
        story = get_story(model_admin, request, object_id, change=True)
        try:
            message = act(request, story, **kwargs)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.success(request, message)
        return back_to(story)

    return view


def change_page_context(model_admin, request, object_id):
    """What the change page shows around the form: the workflow, previews, who else is in."""
    story = model_admin.get_object(request, object_id)
    if story is None or not model_admin.has_view_or_change_permission(request, story):
        return {}
    user = request.user
    editable = model_admin.has_change_permission(request, story)
    # Corrections and a retraction are for stories readers can see: asked once.
    public = editable and story.is_public
    if editable and request.method == "GET":
        # So that the first recorded change can be compared with the story as it was opened.
        Revision.baseline(story)
    return {
        "note_length": NOTE_LENGTH,
        "transitions": [
            (t.name, t.label_for(story)) for t in workflow.available_transitions(user, story)
        ],
        "embargo_in_force": story.is_embargoed,
        "embargo_utc": _utc(story.embargo_until),
        "scheduled": story.is_scheduled,
        "published_utc": _utc(story.published_at),
        "can_lift_embargo": editable and workflow.can_publish(user),
        "can_correct": public and workflow.can_correct(user, story),
        "can_retract": public and workflow.can_retract(user, story),
        "others_editing": (
            EditingPresence.others_editing(story, user, opening=request.method == "GET")
            if editable
            else []
        ),
        "preview_links": list(story.preview_links.active()) if editable else [],
        # Offered on opening the page; a form shown again after a refused save holds the text.
        **(autosave_context(user, story) if editable and request.method == "GET" else {}),
        "status_changes": list(story.status_changes.select_related("changed_by")[:5]),
        "can_preview": editable,
    }


def autosave_context(user, story=None):
    """The change or add page's unsaved changes of ``user``, to offer back, if any."""
    waiting = Autosave.waiting_for(user, story)
    return {
        "autosave": waiting,
        # Saved since: restoring brings back the revision it started from, and a save then
        # stops at the comparison, as after any edit conflict.
        "autosave_overtaken": bool(
            waiting and story and waiting.base_revision != Revision.latest_id(story)
        ),
    }


def posted_only(view):
    """A view the story's own scripts POST to: same-origin, with the CSRF token."""

    @wraps(view)
    def only_post(model_admin, request, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(model_admin, request, *args, **kwargs)

    return only_post


def autosaved_story(model_admin, request, object_id):
    """The story an autosave is for (None: a new one), if the user may autosave it."""
    story = None if object_id is None else get_story(model_admin, request, object_id, bare=True)
    if not autosaves.may_autosave(request.user, story):
        raise PermissionDenied
    return story


@posted_only
def autosave(model_admin, request, object_id=None):
    story = autosaved_story(model_admin, request, object_id)
    body = request.read(autosaves.MAX_BYTES + 1)
    if len(body) > autosaves.MAX_BYTES:
        return HttpResponse("The form is too large to autosave.", status=413)
    try:
        kept = autosaves.keep(user=request.user, story=story, body=body)
    except autosaves.BadAutosave as refusal:
        return HttpResponseBadRequest(str(refusal))
    except OperationalError as error:
        if not is_lock_timeout(error, router.db_for_write(Autosave)):
            raise
        # Another save held the database; the form tries again after its next pause.
        return HttpResponse("The database is busy; the form will try again.", status=503)
    saved_at = timezone.localtime(kept.saved_at)
    return JsonResponse(
        {"saved_at": saved_at.isoformat(), "label": f"Saved a draft at {saved_at:%H:%M}"}
    )


@posted_only
def discard_autosave(model_admin, request, object_id=None):
    story = autosaved_story(model_admin, request, object_id)
    Autosave.discard(user=request.user, story=story, form_key=request.POST.get("form_key", ""))
    return HttpResponse(status=204)


@posted_only
def still_open(model_admin, request, object_id):
    story = get_story(model_admin, request, object_id, change=True, bare=True)
    EditingPresence.still_open(story, request.user)
    return HttpResponse(status=204)


@posted_only
def leave(model_admin, request, object_id):
    EditingPresence.left(get_story(model_admin, request, object_id, bare=True), request.user)
    return HttpResponse(status=204)


NOTE_LENGTH = 2000


@button
def transition(request, story, name):
    if name not in workflow.TRANSITIONS:
        raise Http404("No such transition.")
    note = request.POST.get("note", "")[:NOTE_LENGTH]
    story = workflow.apply_transition(story, name, by=request.user, note=note)
    if story.is_scheduled:
        local = timezone.localtime(story.published_at)
        return f"“{story}” is scheduled: readers see it from {local:%b %-d, %Y, %H:%M %Z}."
    if story.is_embargoed:
        return f"“{story}” is published; readers see it when its embargo ends."
    return f"“{story}” is now {story.get_status_display().lower()}."


@button
def lift_embargo(request, story):
    workflow.lift_embargo(story, by=request.user)
    return f"The embargo on “{story}” is lifted."


@button
def share(request, story):
    link = PreviewLink.objects.create(story=story, created_by=request.user)
    address = request.build_absolute_uri(link.get_absolute_url())
    expires = timezone.localtime(link.expires_at)
    return f"Preview link for reviewers, valid until {expires:%b %-d, %H:%M %Z}: {address}"


@button
def revoke_preview(request, story, link_id):
    link = story.preview_links.filter(pk=link_id).first()
    if link is None:
        raise Http404("No such preview link.")
    link.revoke()
    return "The preview link is revoked; it no longer opens the story."


@button
def restore(request, story, revision_id):
    revision = story.revisions.filter(pk=revision_id).first()
    if revision is None:
        raise Http404("No such revision of this story.")
    workflow.restore(revision, by=request.user)
    return f"Revision {revision.pk} is restored as a new revision."


def preview(model_admin, request, object_id):
    return render_preview(request, get_story(model_admin, request, object_id, change=True))


def scheduled(model_admin, request):
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    stories = Story.objects.waiting().select_related("section").order_by("published_at")
    rows = [
        {
            "story": story,
            "publish": story.published_at,
            "publish_utc": _utc(story.published_at),
            "embargo": story.embargo_until,
            "embargo_utc": _utc(story.embargo_until),
            "embargo_in_force": story.is_embargoed,
        }
        for story in stories
    ]
    return render(
        model_admin,
        request,
        "scheduled.html",
        "Scheduled and embargoed stories",
        rows=rows,
        newsroom_tz=timezone.get_current_timezone_name(),
    )


def revisions(model_admin, request, object_id):
    story = get_story(model_admin, request, object_id)
    history = story.revisions.select_related("created_by")
    return render(
        model_admin,
        request,
        "revisions.html",
        f"Revisions of “{story}”",
        story,
        revisions=[(rev, describe_changes(rev.changed_fields)) for rev in history],
        can_restore=model_admin.has_change_permission(request, story),
    )


def compare(model_admin, request, object_id):
    story = get_story(model_admin, request, object_id)
    chosen = [request.GET.get("a", ""), request.GET.get("b", "")]
    if not all(pk.isascii() and pk.isdigit() for pk in chosen):
        return HttpResponseBadRequest("Choose two revisions to compare.")
    ids = {parse_id(pk) for pk in chosen}
    if None in ids:  # a number no database holds as an id
        raise Http404("No such revision of this story.")
    ids = sorted(ids)
    found = {rev.pk: rev for rev in story.revisions.filter(pk__in=ids)}
    if len(found) != len(ids):
        raise Http404("No such revision of this story.")
    older, newer = found[ids[0]], found[ids[-1]]
    return render(
        model_admin,
        request,
        "revision_compare.html",
        f"Changes to “{story}”",
        story,
        older=older,
        newer=newer,
        rows=diff_rows(older.snapshot, newer.snapshot),
        can_restore=model_admin.has_change_permission(request, story),
    )


class CorrectionForm(forms.ModelForm):
    class Meta:
        model = Correction
        fields = ["kind", "text"]
        help_texts = {"text": "What was wrong and what is right; readers see this text."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Correction.Kind.added_by_editors()


class RetractionForm(forms.Form):
    text = forms.CharField(
        label="Retraction notice",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why the story is withdrawn. Readers see this text at the story's address, "
        "on the corrections page and in its feeds.",
    )
    confirm = forms.BooleanField(
        label="I understand that the story's text leaves the site for good",
        help_text="The headline, the notice and the corrections stay; nobody can edit the story "
        "again.",
    )


def correct(model_admin, request, object_id):
    story = get_story(model_admin, request, object_id, change=True)
    if not workflow.can_correct(request.user):
        raise PermissionDenied
    form = CorrectionForm(request.POST or None)
    try:
        workflow.check_correctable(story)
        if request.method == "POST" and form.is_valid():
            correction = workflow.add_correction(story, by=request.user, **form.cleaned_data)
            messages.success(
                request,
                f"{correction.get_kind_display()} added; readers now see the story as updated.",
            )
            return back_to(story)
    except workflow.TransitionNotAllowed as refusal:
        messages.error(request, " ".join(refusal.messages))
        return back_to(story)
    return render(
        model_admin, request, "correction_form.html", f"Correct “{story}”", story, form=form
    )


def retract(model_admin, request, object_id):
    story = get_story(model_admin, request, object_id, change=True)
    if not workflow.can_retract(request.user, story):
        raise PermissionDenied
    form = RetractionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.retract(story, by=request.user, text=form.cleaned_data["text"])
        except workflow.TransitionNotAllowed as refusal:
            messages.error(request, " ".join(refusal.messages))
            return back_to(story)
        messages.success(
            request, f"“{story}” is retracted; readers see the notice at its address."
        )
        return back_to(story)
    return render(
        model_admin, request, "retraction_form.html", f"Retract “{story}”", story, form=form
    )


def _utc(value):
    return value.astimezone(datetime.UTC) if value else None
