"""The shapes of the API's answers and of its query strings, as the OpenAPI schema gives them.

The views write their JSON themselves (``api.representation``), from rows and instances,
without building these models for every item; tests check each answer against the schema.
"""

import datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict, create_model, field_validator

from stories.models import Correction as CorrectionModel
from stories.models import Story as StoryModel

SLUG = r"^[-\w]+$"
CURSOR = r"^[-A-Za-z0-9_]+$"
MAX_LIMIT = 100
StoryKind = Literal[tuple(StoryModel.Kind.values)]
CorrectionKind = Literal[tuple(CorrectionModel.Kind.values)]


class Error(Schema):
    error: str
    detail: list[dict] | None = None


class Retracted(Schema):
    error: str
    url: str = Field(description="The address of the retraction notice, with the corrections.")
    retracted_at: datetime.datetime


class Linked(Schema):
    id: int
    name: str
    slug: str
    url: str = Field(description="The reader page.")
    api_url: str


class PersonInStory(Linked):
    title: str


class Byline(Schema):
    role: str
    person: Linked | PersonInStory


class Rendition(Schema):
    url: str
    width: int
    height: int
    format: str = Field(description='"webp" or "jpeg"')


class Picture(Schema):
    id: int
    alt_text: str
    caption: str
    credit: str
    width: int
    height: int
    renditions: dict[str, list[Rendition]] = Field(
        description='By ratio ("16x9", "4x3", "1x1"), smallest first.'
    )


class Embargo(Schema):
    until: datetime.datetime
    note: str


class StorySummary(Schema):
    id: int
    url: str
    api_url: str
    headline: str
    dek: str
    kicker: str
    kind: StoryKind
    slug: str
    section: Linked
    published_at: datetime.datetime
    updated_at: datetime.datetime | None = Field(
        description="The last significant update readers were told of, if any."
    )
    modified_at: datetime.datetime | None = Field(
        description="When anything of the story last changed, a correction included."
    )
    embargo: Embargo | None = Field(
        description="Set only for a partner key with embargo access, on a story still under "
        "embargo: it must not be published before then."
    )
    bylines: list[Byline]
    tags: list[Linked]
    hero_image: Picture | None


class Citation(Schema):
    cited_as: str
    cited_as_label: str
    name: str = Field(description="The source's public name, or an anonymous one's description.")
    url: str | None
    is_anonymous: bool
    supports: str


class Correction(Schema):
    id: int
    kind: CorrectionKind
    kind_label: str
    text: str
    published_at: datetime.datetime


class StoryInCorrection(Schema):
    id: int
    headline: str
    url: str
    api_url: str


class ListedCorrection(Correction):
    story: StoryInCorrection


class LiveUpdateCorrection(Schema):
    id: int
    text: str
    published_at: datetime.datetime


class LiveUpdate(Schema):
    id: int
    url: str = Field(description="The update on the story's page.")
    headline: str
    body_html: str
    published_at: datetime.datetime
    authors: list[Linked]
    pinned: bool
    key_event: bool
    corrections: list[LiveUpdateCorrection]
    citations: list[Citation] = Field(description="How we reported this update.")


class LiveCoverage(Schema):
    is_open: bool
    started_at: datetime.datetime
    closed_at: datetime.datetime | None
    newest_first: bool
    summary_html: str = Field(description="What we know, above the updates.")
    updates: list[LiveUpdate] = Field(
        description="The newest public updates, newest first (at most 100)."
    )


class Story(StorySummary):
    seo_headline: str
    dateline: str
    body_html: str
    people: list[PersonInStory]
    corrections: list[Correction]
    citations: list[Citation]
    related: list[StorySummary]
    live: LiveCoverage | None = Field(description="For a live story: its coverage and updates.")


class Section(Linked):
    description: str
    stories_api_url: str


class Tag(Linked):
    description: str
    stories_api_url: str


class Person(Linked):
    title: str
    organization: str
    bio: str
    is_staff_member: bool
    photo: Picture | None
    stories_api_url: str


def page_of(item):
    return create_model(
        f"{item.__name__}Page",
        __base__=Schema,
        items=(list[item], ...),
        next=(str | None, Field(description="The next page, or null on the last one.")),
        next_cursor=(str | None, ...),
    )


StoryPage = page_of(StorySummary)
SectionPage = page_of(Section)
TagPage = page_of(Tag)
PersonPage = page_of(Person)
CorrectionPage = page_of(ListedCorrection)


class Paging(Schema):
    model_config = ConfigDict(extra="forbid")

    cursor: str | None = Field(
        None, max_length=200, pattern=CURSOR, description="next_cursor of the page before."
    )
    limit: int = Field(20, ge=1, le=MAX_LIMIT, description="Items a page, at most 100.")


class StoryFilters(Paging):
    section: str | None = Field(
        None, max_length=100, pattern=SLUG, description="A section's slug."
    )
    tag: str | None = Field(None, max_length=100, pattern=SLUG, description="A tag's slug.")
    person: str | None = Field(
        None, max_length=200, pattern=SLUG, description="Someone in a byline or in the story."
    )
    kind: StoryKind | None = Field(None, description="The type of work.")
    updated_since: datetime.datetime | None = Field(
        None,
        description="Stories changed (edited or corrected) at or after this time (ISO 8601).",
    )

    @field_validator("updated_since")
    @classmethod
    def within_the_archive(cls, value):
        if value is None:
            return value
        if not 1900 <= value.year <= 2200:
            raise ValueError("Give a time between the years 1900 and 2200.")
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value
