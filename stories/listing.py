"""The queries of the reader lists — sections, tags, people, date archives — each compiled
once per process (``stories.prepared``); the fronts' own are in ``fronts.reading``.

A list is an ordinary QuerySet of ``Story.objects.public(now)``, narrowed by what the page
is about, loading what a story card shows (``LISTED_FIELDS``); the bylines of a page's
stories come in one more prepared query, as ``for_listing()`` would prefetch them.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

import caching

from .models import Byline, Correction, Person, Section, Story, Tag
from .models.stories import LISTED_FIELDS
from .prepared import Prepared, padded


@dataclass(frozen=True, slots=True)
class ListedPerson:
    """Of someone in a list's byline, what a card shows: a name, and an address."""

    pk: int
    name: str
    slug: str

    def get_absolute_url(self):
        return Person.address_of(self.slug)

    def __str__(self):
        return self.name


@dataclass(frozen=True, slots=True)
class ListedByline:
    """A byline as a list shows it: who, in which role, in which place."""

    role: str
    position: int
    person: ListedPerson

    @property
    def person_id(self):
        return self.person.pk


# Rows, not instances: a front page names some fifty people in its bylines.
_bylines = Prepared(
    lambda stories: (
        Byline.objects.filter(story__in=stories)
        .order_by("position")
        .values_list("story", "role", "position", "person", "person__name", "person__slug")
    )
)


def with_bylines(stories):
    """``stories`` with the bylines of each as ``byline_list`` (``ListedByline``), in order:
    one query. The response is labelled with the people, as their instances would label it."""
    if not stories:
        return stories
    by_story, people = defaultdict(list), {}
    for story, role, position, pk, name, slug in _bylines(
        stories=padded([story.pk for story in stories], least=8)
    ):
        if pk not in people:
            people[pk] = ListedPerson(pk, name, slug)
        by_story[story].append(ListedByline(role, position, people[pk]))
    caching.label_rows(Person, people)
    for story in stories:
        story.byline_list = by_story[story.pk]
    return stories


class StoryList:
    """The stories of ``build(now, **values)``, a page at a time, with their bylines."""

    def __init__(self, build):
        self.rows = Prepared(
            lambda offset, limit, **values: build(**values).only(*LISTED_FIELDS)[
                offset : offset + limit
            ],
            shape=("offset", "limit"),
        )

    def __call__(self, **values):
        """A function of ``(offset, limit)`` giving those rows, for ``pagination.paginate``."""
        return lambda offset, limit: with_bylines(self.rows(offset=offset, limit=limit, **values))


of_section = StoryList(lambda now, section: Story.objects.public(now).filter(section=section))
of_tag = StoryList(
    lambda now, tag: Story.objects.public(now).filter(tags=tag).select_related("hero_image")
)
of_day_span = StoryList(
    lambda now, start, end: Story.objects.public(now).filter(
        published_at__gte=start, published_at__lt=end
    )
)


def _newest_of_each_section(now, per_section):
    newest = Story.objects.public(now).filter(section=OuterRef("pk"))
    newest = newest.order_by(*Story._meta.ordering).values("pk")
    picks = [
        Section.objects.annotate(pick=Subquery(newest[rank : rank + 1])).values("pick")
        for rank in range(per_section)
    ]
    return (
        Story.objects.public(now)
        .filter(pk__in=picks[0].union(*picks[1:], all=True))
        .select_related("section")
        .only(*LISTED_FIELDS, "section__name", "section__slug")
        .order_by("section__position", "section__name", *Story._meta.ordering)
    )


# The front's stories by section: each found by an index probe per section and rank (the
# section's newest, its second newest...), so the cost does not grow with the archive.
newest_of_each_section = Prepared(_newest_of_each_section, shape=("per_section",))

# The page-sized kinds of ``by_or_about`` read no more stories than the page needs.
_by_or_about = Prepared(
    lambda now, person, offset, limit: (
        Story.objects.public(now)
        .by_or_about(person, offset + limit)
        .select_related("hero_image")
        .only(*LISTED_FIELDS)[offset : offset + limit]
    ),
    shape=("offset", "limit"),
)


def of_person(now, person):
    return lambda offset, limit: with_bylines(
        _by_or_about(now=now, person=person, offset=offset, limit=limit)
    )


# The thing a list page is about, found by slug among what readers may see.
section_by_slug = Prepared(lambda now, slug: Section.objects.public(now).filter(slug=slug))
tag_by_slug = Prepared(lambda now, slug: Tag.objects.public(now).filter(slug=slug))
person_by_slug = Prepared(
    lambda now, slug: Person.objects.public(now).select_related("photo").filter(slug=slug)
)


# The days (of a month) or months (of a year) that hold public stories, for an archive's index.
periods_between = Prepared(
    lambda now, start, end, kind: (
        Story.objects.public(now)
        .filter(published_at__gte=start, published_at__lt=end)
        .datetimes("published_at", kind)
    ),
    shape=("kind",),
)

# Each correction with what its entry names of its story: headline, address and section.
_corrections = Prepared(
    lambda now, offset, limit: (
        Correction.objects.public(now)
        .select_related("story__section")
        .only(
            "kind",
            "text",
            "published_at",
            "story__headline",
            "story__slug",
            "story__published_at",
            "story__section__name",
        )[offset : offset + limit]
    ),
    shape=("offset", "limit"),
)


def corrections(now):
    return lambda offset, limit: _corrections(now=now, offset=offset, limit=limit)
