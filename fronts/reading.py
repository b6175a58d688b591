"""What a front shows a reader at a moment: its slotted stories that are public then, in
order, and the newest public stories below them, never repeating a slotted one.

A slot whose story is not public yet (scheduled, embargoed) or no longer is shows nothing:
its place goes to the stream until ``Story.objects.public()`` admits the story.
"""

from dataclasses import dataclass

from django.db.models import Subquery

from stories.listing import with_bylines
from stories.models import Story
from stories.models.stories import LISTED_FIELDS
from stories.pagination import ListPage

from .models import FrontVersion, Slot

# A front's slots show the story's card, and a picture: the override or the story's own.
_SLOT_FIELDS = [
    "position",
    "headline",
    "dek",
    "image",
    *(f"story__{name}" for name in LISTED_FIELDS),
]


def slotted(key, now):
    """The public stories of the front ``key`` in effect at ``now``, as its slots show them:
    with ``shown_headline``, ``shown_dek`` and ``shown_image``. One query."""
    version = FrontVersion.objects.filter(front__key=key).in_effect(now).values("pk")[:1]
    slots = (
        Slot.objects.filter(version=Subquery(version), story__in=Story.objects.public(now))
        .select_related("story__hero_image", "image")
        .only(*_SLOT_FIELDS)
        .order_by("position")
    )
    stories = []
    for slot in slots:
        story = slot.story
        story.shown_headline = slot.shown_headline
        story.shown_dek = slot.shown_dek
        story.shown_image = slot.shown_image
        stories.append(story)
    return stories


def as_shown(stories):
    for story in stories:
        story.shown_headline, story.shown_dek = story.headline, story.dek
        story.shown_image = story.hero_image
    return stories


def stream(stories, exclude):
    """A function of ``(offset, limit)`` giving those rows of ``stories`` (public ones) less
    the slotted ones, for ``stories.pagination.paginate``."""
    rows = stories.exclude(pk__in=[story.pk for story in exclude])
    rows = rows.select_related("hero_image").only(*LISTED_FIELDS)
    return lambda offset, limit: as_shown(list(rows[offset : offset + limit]))


@dataclass
class FrontPage:
    """A front as a reader page lays it out: a lead, the other slotted stories, the stream."""

    lead: Story | None
    top: list
    latest: list
    page: ListPage


def front(key, stories, now, paginate):
    """The front ``key`` at ``now`` over ``stories`` (public ones): on the first page its
    slotted stories, the first of them as the lead (or the newest story, on a front without
    slots), then one page of the rest, each with its bylines. Three queries, however many
    slots the front has."""
    slots = slotted(key, now)
    listed = paginate(stream(stories, exclude=slots))
    if listed.number > 1:
        with_bylines(listed.object_list)
        return FrontPage(None, [], listed.object_list, listed)
    with_bylines([*slots, *listed.object_list])
    shown = [*slots, *listed.object_list]
    latest = listed.object_list if slots else listed.object_list[1:]
    return FrontPage(shown[0] if shown else None, slots[1:], latest, listed)
