"""The editorial workflow: the one path by which a story is saved, moved and corrected.

Every caller — the admin, management commands, the demo loader, tests and later an API —
goes through these functions; nothing else changes a story's status. Each one checks that
``by`` may act, works on the story's row locked for the length of its transaction, and
records who did what: a ``StatusChange`` for every move and a ``Revision`` for every change.

``by`` is the user acting, or ``SYSTEM`` for a program acting on its own (the demo loader, a
command). A program has no permission to check, so it must say who it is in ``note``; it is
recorded as no user, with that note in the revision summary.

Refusals: ``PermissionDenied`` when ``by`` may not; ``TransitionNotAllowed`` (a
``ValidationError``) when the story is not in a state the action applies to or not ready for
it; ``EditConflict`` when someone saved the story after the version being saved was opened.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from . import changes, handoffs
from .models import Byline, Correction, Person, PreviewLink, Revision, StatusChange, Story
from .models.revisions import BASELINE_SUMMARY
from .models.stories import PUBLISH_PERMISSION
from .revisions import restore_revision

Status = Story.Status
CORRECT_PERMISSION = "stories.add_correction"
# Saving never changes these: only someone who may publish sets when readers see a story
# and when they are told it last changed meaningfully. (The status moves only by a transition.)
EDITOR_SET_FIELDS = ("published_at", "last_significant_update")


class _System:
    def __repr__(self):
        return "SYSTEM"


SYSTEM = _System()


class TransitionNotAllowed(ValidationError):
    """The story is not in a state this action starts from, or not ready for it."""


class EditConflict(ValidationError):
    """Someone saved the story after the version being saved was opened.

    ``later`` holds their revisions, oldest first; ``base`` is the revision the version
    being saved started from.
    """

    def __init__(self, story, base, later):
        super().__init__(
            f"“{story}” was saved by someone else after this version was opened.",
            code="conflict",
        )
        self.story, self.base, self.later = story, base, later

    @property
    def latest(self):
        return self.later[-1]


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    editors_only: bool

    def allowed_for(self, user) -> bool:
        if not user.has_perm("stories.change_story"):
            return False
        return not self.editors_only or can_publish(user)

    def applies_to(self, story) -> bool:
        return story.status in self.sources

    def label_for(self, story) -> str:
        if self.name == "publish" and story.published_at and story.published_at > timezone.now():
            return "Schedule"
        return self.label


TRANSITIONS = {
    t.name: t
    for t in [
        Transition("submit", "Submit for review", (Status.DRAFT,), Status.IN_REVIEW, False),
        Transition("return_to_draft", "Return to draft", (Status.IN_REVIEW,), Status.DRAFT, False),
        Transition(
            "publish",
            "Publish",
            (Status.DRAFT, Status.IN_REVIEW, Status.UNPUBLISHED),
            Status.PUBLISHED,
            True,
        ),
        Transition("unpublish", "Unpublish", (Status.PUBLISHED,), Status.UNPUBLISHED, True),
        Transition("reopen", "Reopen as draft", (Status.UNPUBLISHED,), Status.DRAFT, True),
    ]
}


# Who may do what. Each takes a user; SYSTEM is checked by the actions themselves.


def can_publish(user) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def can_edit(user, story=None) -> bool:
    """Editors edit any story but a retracted one; reporters only stories that have not gone
    to readers."""
    if not user.has_perm("stories.change_story"):
        return False
    if story is None:
        return True
    if story.status == Status.RETRACTED:
        return False
    return can_publish(user) or story.status in (Status.DRAFT, Status.IN_REVIEW)


def can_delete(user, story=None) -> bool:
    """A story readers may have seen is retracted, not deleted: only a superuser deletes it."""
    if not user.has_perm("stories.delete_story"):
        return False
    if story is None:
        return True
    if story.has_reached_readers():
        return user.is_superuser
    return can_publish(user) or story.status in (Status.DRAFT, Status.IN_REVIEW)


def can_retract(user, story=None) -> bool:
    """Editors retract the stories readers can see."""
    return can_publish(user) and (story is None or story.status == Status.PUBLISHED)


def can_correct(user, story=None) -> bool:
    """Editors add corrections to the published stories they may edit."""
    if not user.has_perm(CORRECT_PERMISSION):
        return False
    return story is None or (can_edit(user, story) and story.status == Status.PUBLISHED)


def check_correctable(story):
    if story.status != Status.PUBLISHED:
        raise TransitionNotAllowed("Corrections are added to published stories only.")
    if not story.is_public:
        raise TransitionNotAllowed(
            "Readers cannot see this story yet: change it instead of adding a correction."
        )


def available_transitions(user, story) -> list[Transition]:
    if not can_edit(user, story):
        return []
    return [t for t in TRANSITIONS.values() if t.applies_to(story) and t.allowed_for(user)]


def read_only_fields(user) -> list[str]:
    """The fields a save by ``user`` leaves as they are."""
    return ["status"] if can_publish(user) else ["status", *EDITOR_SET_FIELDS]


# Moving a story through the workflow.


@transaction.atomic
def apply_transition(story, name, *, by, at=None, note="") -> Story:
    """Move ``story`` through the transition called ``name`` (a key of ``TRANSITIONS``).

    ``story`` is brought up to date from the database, moved, saved and returned; changes
    not yet saved to it are dropped. ``at`` is for publishing only: see ``publish``.
    """
    transition = TRANSITIONS[name]
    if at is not None and transition.target != Status.PUBLISHED:
        raise ValueError(f"“{transition.label}” takes no publish time.")
    _check_actor(by, note)
    _lock(story)
    _require(by, lambda user: transition.allowed_for(user) and can_edit(user, story))
    if not transition.applies_to(story):
        raise TransitionNotAllowed(
            f"“{story}” is {story.get_status_display().lower()}; "
            f"it cannot be moved by “{transition.label}”."
        )
    if transition.target == Status.PUBLISHED:
        try:
            story.check_images_are_described()
        except ValidationError as error:
            raise TransitionNotAllowed(error.error_dict) from error
    Revision.baseline(story)
    old_status = story.status
    story.status = transition.target
    if story.status == Status.PUBLISHED:
        # Publishing without a time means now.
        story.published_at = at or story.published_at or timezone.now()
    story.save()
    change = StatusChange.objects.create(
        story=story,
        from_status=old_status,
        to_status=story.status,
        changed_by=_user(by),
        publish_time=story.published_at,
        note=note.strip() if _user(by) else "",
    )
    handoffs.tell_people_concerned(change)
    if story.status in (Status.PUBLISHED, Status.UNPUBLISHED):
        # A shared preview shows a story before readers see it. Once it is published the
        # public page serves reviewers too; once unpublished, nobody outside should see it.
        PreviewLink.objects.filter(story=story).revoke()
    Revision.record(story, _user(by), summary=_summary(transition.label_for(story), note))
    return story


def submit(story, *, by, note="") -> Story:
    return apply_transition(story, "submit", by=by, note=note)


def return_to_draft(story, *, by, note="") -> Story:
    return apply_transition(story, "return_to_draft", by=by, note=note)


def publish(story, *, by, at=None, note="") -> Story:
    """Publish ``story``: readers see it from ``at``, else from its own publish time, else now.

    A time still to come schedules the story: the public rule releases it then, and no job
    has to run. A story must have its pictures described before it is published.
    """
    return apply_transition(story, "publish", by=by, at=at, note=note)


def unpublish(story, *, by, note="") -> Story:
    return apply_transition(story, "unpublish", by=by, note=note)


def reopen(story, *, by, note="") -> Story:
    return apply_transition(story, "reopen", by=by, note=note)


@transaction.atomic
def lift_embargo(story, *, by, note="") -> Story:
    """Let readers see ``story`` now rather than when its embargo ends."""
    _check_actor(by, note)
    _lock(story)
    _require(by, lambda user: can_publish(user) and can_edit(user, story))
    if story.embargo_until is None:
        raise TransitionNotAllowed(f"“{story}” has no embargo to lift.")
    Revision.baseline(story)
    story.embargo_until = None
    story.save()
    changes.touch(actions={story.pk: "embargo_lifted"})
    Revision.record(story, _user(by), summary=_summary("Lifted the embargo", note))
    return story


@transaction.atomic
def retract(story, *, by, text, note="") -> Correction:
    """Withdraw a story readers have seen, telling them why in ``text``.

    The story stays at its address as a notice of the retraction, with its corrections and
    none of its text; it leaves every list, feed, sitemap and search, and nobody edits it
    again. The notice is also a correction of the kind "Retraction", on the corrections page
    and in its feeds. A story readers have not seen yet is unpublished instead.
    """
    _check_actor(by, note)
    _lock(story)
    _require(by, lambda user: can_retract(user, story))
    if not story.is_public:
        raise TransitionNotAllowed(
            f"Readers cannot see “{story}”: unpublish it instead of retracting it."
        )
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Tell readers why the story is retracted."})
    Revision.baseline(story)
    now = timezone.now()
    story.status, story.retracted_at = Status.RETRACTED, now
    story.save()
    change = StatusChange.objects.create(
        story=story,
        from_status=Status.PUBLISHED,
        to_status=Status.RETRACTED,
        changed_by=_user(by),
        changed_at=now,
        publish_time=story.published_at,
        note=note.strip() if _user(by) else "",
    )
    handoffs.tell_people_concerned(change)
    PreviewLink.objects.filter(story=story).revoke()
    retraction = Correction.objects.create(
        story=story, kind=Correction.Kind.RETRACTION, text=text, published_at=now
    )
    changes.touch(stories=[story.pk], actions={story.pk: "retracted"})
    Revision.record(story, _user(by), summary=_summary("Retracted", note))
    return retraction


@transaction.atomic
def add_correction(story, *, by, kind, text, at=None, note="") -> Correction:
    """Append a correction to a published story; readers see it and the story's update time.

    ``at`` dates the correction (now if not given), e.g. when importing older coverage.
    """
    _check_actor(by, note)
    _lock(story)
    _require(by, lambda user: can_correct(user) and can_edit(user, story))
    check_correctable(story)
    if kind == Correction.Kind.RETRACTION:
        raise TransitionNotAllowed("A story is retracted with “Retract”, not by a correction.")
    Revision.baseline(story)
    correction = Correction(story=story, kind=kind, text=text)
    if at is not None:
        correction.published_at = at
    correction.save()
    changes.touch(stories=[story.pk], actions={story.pk: "corrected"})
    kind = correction.get_kind_display().lower()
    summary = f"Added {'an' if kind[0] in 'aeiou' else 'a'} {kind}"
    Revision.record(story, _user(by), summary=_summary(summary, note))
    return correction


@transaction.atomic
def save_correction(correction, *, by, note="") -> Correction:
    """Save a correction as edited (its text, kind or date), recorded on its story."""
    _check_actor(by, note)
    story = correction.story
    _lock(story)
    permission = "add_correction" if correction._state.adding else "change_correction"
    _require(by, lambda user: user.has_perm(f"stories.{permission}") and can_edit(user, story))
    Revision.baseline(story)
    correction.changed_by = _user(by)
    correction.save()
    # Readers see a correction changed as much as one added: partners are told either way.
    changes.touch(stories=[story.pk], actions={story.pk: "corrected"})
    Revision.record(story, _user(by), summary=_summary("Correction edited", note))
    return correction


def restore(revision, *, by, note="") -> Revision:
    """Bring back the content of ``revision`` as its story's newest revision.

    The status, publish time and embargo stay as they are. Raises ``RestoreError`` (a
    ``ValidationError``) when the revision points at things deleted since.
    """
    _check_actor(by, note)
    _require(by, lambda user: can_edit(user, revision.story))
    return restore_revision(revision, _user(by), note=note)


# Saving a story's content.


def check_save(story, values, *, by, base_revision=None):
    """Refuse a save of ``values`` (field name → new value) into ``story`` that ``by`` may not make.

    Checked against the story as stored, whose row stays locked until the transaction ends,
    so that a concurrent save waits and then sees the revision this one records:

    - ``by`` may edit the story (or add one);
    - the status is not changed (only a transition moves it), nor, unless ``by`` may
      publish, the publish time or the time of the last significant update;
    - an embargo in force is lifted or shortened only by someone who may publish;
    - given ``base_revision``, the revision the saved version started from, nobody has
      saved the story since (``EditConflict``).

    Raises ``PermissionDenied``, ``EditConflict`` or a ``ValidationError`` by field. Fields
    missing from ``values`` are not checked: a form passes what it lets the user change.
    Returns the story as stored (unsaved for a new one).
    """
    _check_actor(by)
    if story.pk is None:
        _require(by, lambda user: user.has_perm("stories.add_story"))
        stored = Story()
    else:
        stored = Story.objects.select_for_update().get(pk=story.pk)
        _require(by, lambda user: can_edit(user, stored))
        Revision.baseline(stored)
        if base_revision is not None:
            _check_no_later_revisions(stored, base_revision)
    locked = ["status"] if by is SYSTEM else read_only_fields(by)
    errors = {
        name: "Only a workflow transition changes the status."
        if name == "status"
        else "Only an editor can change this."
        for name in locked
        if name in values and values[name] != getattr(stored, name)
    }
    if "embargo_until" in values and not _may(by, can_publish):
        old, new = stored.embargo_until, values["embargo_until"]
        if old is not None and old > timezone.now() and (new is None or new < old):
            errors["embargo_until"] = (
                "Only an editor can lift or shorten an embargo. Leave the time as it was, "
                "or move it later."
            )
    if errors:
        raise ValidationError(errors)
    return stored


@transaction.atomic
def save_story(story, *, by, base_revision=None, save_related=None, note="") -> Revision:
    """Save ``story`` as changed in memory, after ``check_save``, and record the revision.

    ``save_related``, if given, is called once the story row is saved, to save what hangs
    off it (tags, bylines, citations...), so that the revision holds them too. A new story
    starts as a draft, created by ``by``; given no byline, it carries the byline of the person
    ``by`` signs in as, if any. Returns the revision recorded.
    """
    _check_actor(by, note)
    adding = story.pk is None
    fields = ["status", *EDITOR_SET_FIELDS, "embargo_until"]
    stored = check_save(
        story,
        {name: getattr(story, name) for name in fields},
        by=by,
        base_revision=base_revision,
    )
    if adding:
        story.created_by = _user(by)
    story.save()
    update = story.last_significant_update
    if not adding and update and update != stored.last_significant_update:
        changes.touch(actions={story.pk: "updated"})
    if save_related is not None:
        save_related()
    if adding and _user(by) is not None and not story.bylines.exists():
        writer = Person.of_user(by)
        if writer is not None:
            Byline.objects.create(story=story, person=writer, role=Byline.Role.BY, position=1)
    return Revision.record(
        story, _user(by), summary=_summary("Created" if adding else "Edited", note)
    )


def _check_no_later_revisions(story, base_revision):
    later = list(
        Revision.objects.filter(story=story, pk__gt=base_revision)
        .exclude(summary=BASELINE_SUMMARY)
        .select_related("created_by")
        .order_by("pk")
    )
    if later:
        raise EditConflict(story, base_revision, later)


# The actor.


def _check_actor(by, note=None):
    """``by`` is a user, or SYSTEM; SYSTEM doing something says who it is in ``note``."""
    if by is None:
        raise TypeError("by= is the user acting, or workflow.SYSTEM for a program.")
    if by is SYSTEM and note is not None and not note.strip():
        raise ValueError("A program acting as workflow.SYSTEM says who it is in note=.")


def _may(by, predicate) -> bool:
    return by is SYSTEM or predicate(by)


def _require(by, predicate):
    if not _may(by, predicate):
        raise PermissionDenied


def _user(by):
    return None if by is SYSTEM else by


def _summary(what, note):
    return f"{what} — {note}"[:200] if note else what


def _lock(story):
    """Bring ``story`` up to date from its row, which stays locked until the transaction ends."""
    story.refresh_from_db(from_queryset=Story.objects.select_for_update())
