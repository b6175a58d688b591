"""The live update admin's history pages: its revisions, a comparison of two, a restore.

They reuse the story's templates and word-level comparison (``stories.admin.revisions``).
Whoever may edit an update sees its history and may restore it; the restore itself goes
through ``live.workflow.restore_update``, which checks that again.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.html import strip_tags

from stories.admin.base import admin_pages, parse_id
from stories.admin.revisions import citation_text, describe_changes, diff_rows, format_time
from stories.models import Person, Source
from stories.models.revisions import cited_source_id

from . import workflow
from .models import UPDATE_SNAPSHOT_KEYS, LiveUpdate, LiveUpdateRevision

LABELS = {"authors": "authors", "citations": "sources cited", "published_at": "time"}
TEXT_KEYS = {"headline", "body"}
TIME_KEYS = {"published_at", "embargo_until"}


def label(key: str) -> str:
    return LABELS.get(key) or str(LiveUpdate._meta.get_field(key).verbose_name)


class UpdateNames:
    """The names behind the ids of a set of update snapshots, in one query per model."""

    def __init__(self, *snapshots):
        people = {pk for data in snapshots for pk in data.get("authors", [])}
        sources = {cited_source_id(c) for data in snapshots for c in data.get("citations", [])}
        self.person = dict(Person.objects.filter(pk__in=people).values_list("pk", "name"))
        self.source = {s.pk: str(s) for s in Source.objects.filter(pk__in=sources)}

    def display(self, key, value) -> str:
        if key in TIME_KEYS:
            return format_time(value)
        if key == "status":
            return LiveUpdate.Status(value).label
        if key in ("pinned", "key_event"):
            return "yes" if value else "no"
        if key == "authors":
            return "\n".join(self.person.get(pk, "(deleted)") for pk in value) or "—"
        if key == "citations":
            return "\n".join(citation_text(c, self.source) for c in value) or "—"
        if key == "body":
            # Compared as readers read it, not as markup.
            return strip_tags(value or "")
        return value or ""


def urls(model_admin):
    return admin_pages(
        model_admin,
        ("<int:object_id>/revisions/", revisions, "revisions"),
        ("<int:object_id>/revisions/compare/", compare, "compare"),
        ("<int:object_id>/revisions/<int:revision_id>/restore/", restore, "restore"),
    )


def may_see_history(model_admin, request, update) -> bool:
    """Who may edit an update sees its history."""
    return model_admin.has_change_permission(request, update)


def get_update(model_admin, request, object_id):
    update = model_admin.get_object(request, str(object_id))
    if update is None:
        raise Http404("No live update with that id.")
    if not may_see_history(model_admin, request, update):
        raise PermissionDenied
    return update


def revisions(model_admin, request, object_id):
    update = get_update(model_admin, request, object_id)
    LiveUpdateRevision.baseline(update)
    history = update.revisions.select_related("created_by")
    return model_admin.render_page(
        request,
        "revisions.html",
        f"Revisions of “{update}”",
        original=update,
        revisions=[(rev, describe_changes(rev.changed_fields, label)) for rev in history],
    )


def compare(model_admin, request, object_id):
    update = get_update(model_admin, request, object_id)
    chosen = [request.GET.get("a", ""), request.GET.get("b", "")]
    if not all(pk.isascii() and pk.isdigit() for pk in chosen):
        return HttpResponseBadRequest("Choose two revisions to compare.")
    ids = {parse_id(pk) for pk in chosen}
    if None in ids:
        raise Http404("No such revision of this update.")
    ids = sorted(ids)
    found = {rev.pk: rev for rev in update.revisions.filter(pk__in=ids)}
    if len(found) != len(ids):
        raise Http404("No such revision of this update.")
    older, newer = found[ids[0]], found[ids[-1]]
    rows = diff_rows(
        older.snapshot,
        newer.snapshot,
        keys=UPDATE_SNAPSHOT_KEYS,
        names=UpdateNames(older.snapshot, newer.snapshot),
        label=label,
        text_keys=TEXT_KEYS,
    )
    return model_admin.render_page(
        request,
        "revision_compare.html",
        f"Changes to “{update}”",
        original=update,
        older=older,
        newer=newer,
        rows=rows,
        can_restore=True,
    )


def restore(model_admin, request, object_id, revision_id):
    if request.method != "POST":
        return HttpResponseBadRequest("Use the button on the comparison page.")
    update = get_update(model_admin, request, object_id)
    revision = update.revisions.filter(pk=revision_id).first()
    if revision is None:
        raise Http404("No such revision of this update.")
    try:
        workflow.restore_update(revision, by=request.user)
    except (ValidationError, PermissionDenied) as refusal:
        text = " ".join(refusal.messages) if isinstance(refusal, ValidationError) else refusal
        messages.error(request, str(text))
    else:
        messages.success(request, f"Revision {revision.pk} is restored as a new revision.")
    return redirect("admin:live_liveupdate_change", update.pk)
