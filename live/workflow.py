"""The one path by which live coverage and its updates change.

Reporters file updates on a live story without being able to edit the story; whether their
updates reach readers at once or wait for an editor is the coverage's ``requires_approval``.
Editors (``live.publish_liveupdate``) publish, pin, mark key events, correct and close.
Every function checks ``by`` server-side and raises ``PermissionDenied`` when it may not act,
``ValidationError`` when the coverage or update is not in a state the action applies to,
``VersionConflict`` when someone saved the update after the version being saved was loaded.
The change record (``stories.changes``) hears of every write through ``live.changes``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from stories import changes
from stories.models import Person, Source
from stories.models.revisions import cited_source_id
from stories.revisions import RestoreError, check_sealed_sources
from stories.workflow import SYSTEM

from .models import (
    PUBLISH_PERMISSION,
    UPDATE_CONTENT_FIELDS,
    LiveCoverage,
    LiveUpdate,
    LiveUpdateCitation,
    LiveUpdateCorrection,
    LiveUpdateRevision,
)

Status = LiveUpdate.Status
FILE_PERMISSION = "live.add_liveupdate"
CHANGE_PERMISSION = "live.change_liveupdate"
COVERAGE_PERMISSION = "live.change_livecoverage"
# Only editors set these; a reporter's save keeps them as stored.
EDITOR_SET_FIELDS = ("pinned", "key_event")


# Who may do what. ``by`` may be ``SYSTEM``: a program (the demo loader) acting on its own.


def _has(user, permission) -> bool:
    return user is SYSTEM or user.has_perm(permission)


def _user(by):
    return None if by is SYSTEM else by


def is_editor(user) -> bool:
    return _has(user, PUBLISH_PERMISSION)


def coverage_of(story) -> LiveCoverage | None:
    return LiveCoverage.objects.filter(story=story).first()


def can_file(user, story=None) -> bool:
    """Reporters and editors file updates on a live story that is not closed."""
    if not _has(user, FILE_PERMISSION):
        return False
    if story is None:
        return True
    coverage = coverage_of(story)
    return coverage is not None and coverage.is_live


def can_publish(user, story) -> bool:
    """Editors publish; reporters too when the coverage does not ask for approval."""
    if is_editor(user):
        return True
    coverage = coverage_of(story)
    return coverage is not None and not coverage.requires_approval and _has(user, FILE_PERMISSION)


def can_change(user, update) -> bool:
    """Editors change any update; reporters one readers have not been given yet, unless
    the coverage lets them publish."""
    if not _has(user, CHANGE_PERMISSION):
        return False
    if update.pk is None or is_editor(user):
        return True
    return update.status != Status.PUBLISHED or can_publish(user, update.story)


def statuses_for(user, story) -> list[str]:
    """The statuses ``user`` may give an update of ``story``."""
    if can_publish(user, story):
        return [Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED]
    return [Status.DRAFT, Status.SUBMITTED]


def _require(allowed, message):
    if not allowed:
        raise PermissionDenied(message)


# Coverage.


@transaction.atomic
def start_coverage(story, *, by, **settings) -> LiveCoverage:
    """Make ``story`` live (or open it again), with the coverage ``settings`` given."""
    _require(_has(by, COVERAGE_PERMISSION), "Only editors make a story live.")
    coverage, _ = LiveCoverage.objects.get_or_create(story=story, defaults=settings)
    for name, value in settings.items():
        setattr(coverage, name, value)
    coverage.closed_at = None
    coverage.save()
    return coverage


@transaction.atomic
def close_coverage(story, *, by, at=None) -> LiveCoverage:
    """End the live coverage: the story stays online as a finished story; no more filing."""
    _require(is_editor(by), "Only editors close live coverage.")
    coverage = LiveCoverage.objects.select_for_update().filter(story=story).first()
    if coverage is None:
        raise ValidationError(f"“{story}” is not live coverage.")
    coverage.closed_at = at or timezone.now()
    coverage.save()
    return coverage


# Updates.


def file_update(
    story, *, by, body, headline="", authors=(), status=None, save_related=None, **fields
) -> LiveUpdate:
    """File a new update on the live ``story``.

    Without ``status`` it goes to readers when ``by`` may publish it, and to the editors for
    approval when not. ``save_related(update)`` adds what hangs off it (its sources) before
    its first revision is taken.
    """
    if status is None:
        status = Status.PUBLISHED if can_publish(by, story) else Status.SUBMITTED
    update = LiveUpdate(story=story, headline=headline, body=body, **fields)
    related = save_related and (lambda: save_related(update))
    return save_update(update, by=by, status=status, authors=authors, save_related=related)


@transaction.atomic
def save_update(
    update, *, by, status=None, authors=None, save_related=None, summary=""
) -> LiveUpdate:
    """Save ``update`` as ``by`` edited it, moving it to ``status`` if given, and record the
    result as its newest revision.

    A version saved since ``update`` was loaded raises ``VersionConflict``; a reporter's save
    keeps the editors' fields (pin, key event) as stored. ``save_related`` (the admin's
    inlines: sources cited, corrections) runs once the update is saved, before the revision
    is taken.
    """
    story = update.story
    coverage = coverage_of(story)
    _require(
        _has(by, FILE_PERMISSION) and coverage is not None and (coverage.is_live or is_editor(by)),
        f"Updates are filed only on live coverage that is open: “{story}”.",
    )
    stored = LiveUpdate.objects.select_for_update().filter(pk=update.pk).first()
    if stored is not None:
        _require(can_change(by, stored), "Only an editor changes a published update.")
    if not is_editor(by):
        for name in EDITOR_SET_FIELDS:
            setattr(update, name, getattr(stored, name) if stored else False)
    # A form has already put the status asked for on ``update``: compare with the stored one.
    target = update.status if status is None else status
    if target != (stored.status if stored else None):
        _require(
            target in statuses_for(by, story),
            "This live coverage needs an editor's approval before an update is published.",
        )
    update.status = target
    if update.status == Status.PUBLISHED and update.published_at is None:
        update.published_at = timezone.now()
    if stored is None:
        update.created_by = _user(by)
    update.changed_by = _user(by)
    update.full_clean(exclude=["story", "authors"])
    update.save()
    if authors is not None:
        update.authors.set(authors)
    if save_related is not None:
        save_related()
    LiveUpdateRevision.record(update, _user(by), summary=summary)
    return update


def submit(update, *, by) -> LiveUpdate:
    return save_update(update, by=by, status=Status.SUBMITTED)


def publish(update, *, by, at=None) -> LiveUpdate:
    """Give ``update`` to readers at ``at`` (now, or the time it carries if it has one)."""
    if at is not None:
        update.published_at = at
    return save_update(update, by=by, status=Status.PUBLISHED)


@transaction.atomic
def pin(update, *, by, pinned=True) -> LiveUpdate:
    """Pin ``update`` above the stream (unpinning any other of its story), or unpin it."""
    _require(is_editor(by), "Only editors pin updates.")
    if pinned:
        others = LiveUpdate.objects.filter(story=update.story_id, pinned=True).exclude(
            pk=update.pk
        )
        for other in others:
            other.pinned = False
            save_update(other, by=by)
    update.pinned = pinned
    return save_update(update, by=by)


def mark_key_event(update, *, by, key_event=True) -> LiveUpdate:
    _require(is_editor(by), "Only editors mark key events.")
    update.key_event = key_event
    return save_update(update, by=by)


@transaction.atomic
def correct_update(update, *, by, text, at=None) -> LiveUpdateCorrection:
    _require(is_editor(by), "Only editors correct updates.")
    if update.status != Status.PUBLISHED:
        raise ValidationError("Corrections are added to published updates only.")
    correction = LiveUpdateCorrection.objects.create(
        update=update, text=text, published_at=at or timezone.now()
    )
    changes.touch(stories=[update.story_id])
    return correction


@transaction.atomic
def restore_update(revision, *, by) -> LiveUpdateRevision:
    """Bring back the headline, text, authors and sources of ``revision`` as its update's
    newest revision, saved as any edit of the update is (``save_update``): the same
    permission, the same purge and reindex. The status, time, embargo, pin and key event stay
    as they are, so a restore never publishes. Raises ``RestoreError`` when the revision
    refers to a person or source since deleted, or to a source no key can open.
    """
    update = (
        LiveUpdate.objects.select_for_update().select_related("story").get(pk=revision.update_id)
    )
    _require(can_change(by, update), "Only an editor changes a published update.")
    data = revision.snapshot
    check_sealed_sources(data["citations"])
    sources = {cited_source_id(c) for c in data["citations"]}
    if Person.objects.filter(pk__in=data["authors"]).count() < len(data["authors"]) or (
        Source.objects.filter(pk__in=sources).count() < len(sources)
    ):
        raise RestoreError(
            "This revision cannot be restored: one of its authors or sources has since been "
            "deleted."
        )
    for name in UPDATE_CONTENT_FIELDS:
        setattr(update, name, data[name])

    def bring_back_citations():
        LiveUpdateCitation.objects.filter(update=update).delete()
        LiveUpdateCitation.objects.bulk_create(
            LiveUpdateCitation(
                update=update,
                source_id=cited_source_id(values),
                **{k: v for k, v in values.items() if k not in ("source", "sealed_source")},
            )
            for values in data["citations"]
        )

    when = timezone.localtime(revision.created_at).strftime("%b %-d, %Y %H:%M")
    save_update(
        update,
        by=by,
        authors=data["authors"],
        save_related=bring_back_citations,
        summary=f"Restored revision {revision.pk} of {when}",
    )
    return update.revisions.order_by("-pk").first()
