"""What a front shows a reader at a moment: its slotted stories that are public then, in
order, and the newest public stories below them, never repeating a slotted one.

A slot whose story is not public yet (scheduled, embargoed) or no longer is shows nothing:
its place goes to the stream until ``Story.objects.public()`` admits the story. Both queries
are compiled once per process (``stories.prepared``), as the other reader lists are.
"""

from dataclasses import dataclass

from django.db.models import Subquery

from stories.listing import with_bylines
from stories.models import Story
from stories.models.stories import LISTED_FIELDS
from stories.pagination import ListPage
from stories.prepared import Prepared, padded

from .models import FrontVersion, Slot

# A front's slots show the story's card, and a picture: the override or the story's own.
_SLOT_FIELDS = [
    "position",
    "headline",
    "dek",
    "image",
    *(f"story__{name}" for name in LISTED_FIELDS),
]
# No story has this id: it stands for "none slotted" in a list that is never empty.
_NO_STORY = 0

_slots = Prepared(
    lambda key, now: (
        Slot.objects.filter(
            version=Subquery(
                FrontVersion.objects.filter(front__key=key).in_effect(now).values("pk")[:1]
            ),
            story__in=Story.objects.public(now),
        )
        .select_related("story__hero_image", "image")
        .only(*_SLOT_FIELDS)
        .order_by("position")
    )
)


def slotted(key, now):
    """The public stories of the front ``key`` in effect at ``now``, as its slots show them:
    with ``shown_headline``, ``shown_dek`` and ``shown_image``. One query."""
    stories = []
    for slot in _slots(key=key, now=now):
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


class Stream:
    """The public stories of ``build(now, **values)`` below a front's slots, less the slotted."""

    def __init__(self, build):
        self.rows = Prepared(
            lambda offset, limit, exclude, **values: (
                build(**values)
                .exclude(pk__in=exclude)
                .select_related("hero_image")
                .only(*LISTED_FIELDS)[offset : offset + limit]
            ),
            shape=("offset", "limit"),
        )

    def __call__(self, slotted, **values):
        """A function of ``(offset, limit)`` giving those rows, for ``pagination.paginate``."""
        exclude = padded([story.pk for story in slotted] or [_NO_STORY], least=8)
        return lambda offset, limit: as_shown(
            list(self.rows(offset=offset, limit=limit, exclude=exclude, **values))
        )


home_stream = Stream(lambda now: Story.objects.public(now))
section_stream = Stream(lambda now, section: Story.objects.public(now).filter(section=section))


@dataclass
class FrontPage:
    """A front as a reader page lays it out: a lead, the other slotted stories, the stream."""

    lead: Story | None
    top: list
    latest: list
    page: ListPage


def front(key, now, paginate, stream=home_stream, **values):
    """The front ``key`` at ``now``: on the first page its slotted stories, the first of them
    as the lead (or the newest story, on a front without slots), then one page of ``stream``
    (with ``values``), each story with its bylines. Three queries, however many slots the
    front has."""
    slots = slotted(key, now)
    listed = paginate(stream(slots, now=now, **values))
    if listed.number > 1:
        with_bylines(listed.object_list)
        return FrontPage(None, [], listed.object_list, listed)
    with_bylines([*slots, *listed.object_list])
    shown = [*slots, *listed.object_list]
    latest = listed.object_list if slots else listed.object_list[1:]
    return FrontPage(shown[0] if shown else None, slots[1:], latest, listed)
