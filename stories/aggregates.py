"""Rows of a story's related records read with the story itself, as JSON lists.

A story page or a feed shows a few tags, bylines or corrections of each story. Asked in a
query of their own, they cost a round trip and a row per record; aggregated into one text
column of the story's row, they cost neither, and ``json`` reads them back at C speed.
"""

import json

from django.db import connection
from django.db.models import OuterRef, Subquery, TextField, Value
from django.db.models.aggregates import StringAgg
from django.db.models.functions import Cast, JSONObject

from .models import Byline, Correction, TaggedStory


def ordered_aggregates() -> bool:
    """Whether the database orders rows inside an aggregate (SQLite does not)."""
    return connection.features.supports_aggregate_order_by_clause


def json_list(rows, ordering=None, **fields):
    """The ``fields`` of ``rows`` (a ``values()`` QuerySet of one story's records, filtered by
    ``OuterRef("pk")``) as the text of a JSON list of objects, in ``ordering`` where the
    database can order an aggregate."""
    listed = StringAgg(
        Cast(JSONObject(**fields), TextField()),
        delimiter=Value(","),
        order_by=ordering if ordered_aggregates() else None,
    )
    return Subquery(rows.order_by().annotate(listed=listed).values("listed"))


def read(text) -> list[dict]:
    """What ``json_list`` wrote: a list of dictionaries (empty for a story without any)."""
    return json.loads(f"[{text or ''}]")


# What the story page, the feeds and the API read with each story.


def bylines_of_each():
    """The story's bylines: role, position, person (id), name and slug, in position order."""
    return json_list(
        Byline.objects.filter(story=OuterRef("pk")).values("story"),
        ordering=("position",),
        role="role",
        position="position",
        person="person_id",
        name="person__name",
        slug="person__slug",
    )


def tags_of_each():
    """The story's tags: id, name and slug, in Tag's order (name, then id)."""
    return json_list(
        TaggedStory.objects.filter(content_object=OuterRef("pk")).values("content_object"),
        ordering=("tag__name", "tag_id"),
        id="tag_id",
        name="tag__name",
        slug="tag__slug",
    )


def corrections_of_each():
    """The story's corrections: id, kind, text and published_at."""
    return json_list(
        Correction.objects.filter(story=OuterRef("pk")).values("story"),
        id="id",
        kind="kind",
        text="text",
        published_at="published_at",
    )
