"""The editorial workflow: who may move a story from one state to another, and the record of it."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Correction, Revision, StatusChange, Story

Status = Story.Status
PUBLISH_PERMISSION = "stories.publish_story"


class TransitionNotAllowed(Exception):
    """The story is not in a state this transition starts from."""


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
        return not self.editors_only or user.has_perm(PUBLISH_PERMISSION)

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


def can_publish(user) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def can_edit(user, story=None) -> bool:
    """Editors edit any story; reporters only stories that have not gone to readers."""
    if not user.has_perm("stories.change_story"):
        return False
    if story is None or can_publish(user):
        return True
    return story.status in (Status.DRAFT, Status.IN_REVIEW)


def can_delete(user, story=None) -> bool:
    if not user.has_perm("stories.delete_story"):
        return False
    if story is None or can_publish(user):
        return True
    return story.status in (Status.DRAFT, Status.IN_REVIEW)


def available_transitions(user, story) -> list[Transition]:
    if not can_edit(user, story):
        return []
    return [t for t in TRANSITIONS.values() if t.applies_to(story) and t.allowed_for(user)]


@transaction.atomic
def apply_transition(story, name, user) -> Story:
    """Move ``story`` through the transition called ``name`` on behalf of ``user``.

    Raises ``PermissionDenied`` when the user may not, and ``TransitionNotAllowed`` when
    the story is not in a state the transition starts from. The change is recorded as a
    ``StatusChange`` and a new revision.
    """
    transition = TRANSITIONS[name]
    story = Story.objects.select_for_update().get(pk=story.pk)
    Revision.baseline(story)
    if not (transition.allowed_for(user) and can_edit(user, story)):
        raise PermissionDenied
    if not transition.applies_to(story):
        raise TransitionNotAllowed(
            f"“{story}” is {story.get_status_display().lower()}; "
            f"it cannot be moved by “{transition.label}”."
        )
    if transition.target == Status.PUBLISHED:
        try:
            story.check_images_are_described()
        except ValidationError as error:
            raise TransitionNotAllowed(" ".join(error.messages)) from error
    old_status = story.status
    label = transition.label_for(story)
    story.status = transition.target
    if story.status == Status.PUBLISHED and story.published_at is None:
        story.published_at = timezone.now()
    story.save()
    StatusChange.objects.create(
        story=story,
        from_status=old_status,
        to_status=story.status,
        changed_by=user,
        publish_time=story.published_at,
    )
    Revision.record(story, user, summary=label)
    return story


@transaction.atomic
def lift_embargo(story, user) -> Story:
    if not (can_publish(user) and can_edit(user, story)):
        raise PermissionDenied
    story = Story.objects.select_for_update().get(pk=story.pk)
    Revision.baseline(story)
    if story.embargo_until is None:
        raise TransitionNotAllowed(f"“{story}” has no embargo to lift.")
    story.embargo_until = None
    story.save()
    Revision.record(story, user, summary="Lifted the embargo")
    return story


@transaction.atomic
def add_correction(story, user, kind, text) -> Correction:
    """Append a correction to a published story; readers see it and the story's update time."""
    if not (user.has_perm("stories.add_correction") and can_edit(user, story)):
        raise PermissionDenied
    story = Story.objects.select_for_update().get(pk=story.pk)
    if story.status != Status.PUBLISHED:
        raise TransitionNotAllowed("Corrections are added to published stories only.")
    Revision.baseline(story)
    correction = Correction.objects.create(story=story, kind=kind, text=text)
    Revision.record(story, user, summary=f"Added a {correction.get_kind_display().lower()}")
    return correction
