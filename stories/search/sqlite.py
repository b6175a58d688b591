"""SQLite FTS5 search over stories_search_fts, kept current by triggers on SearchEntry."""

import re

from django.db import connections

from stories.models import Person, SearchEntry, Story, Tag

from .text import MARK_END, MARK_START, highlight

TABLE = "stories_search_fts"
# bm25 weights, in column order: headline, dek, body, keywords (tags and people's names).
# Negated so that, as on PostgreSQL, a higher rank is a better match.
RANK = f"-bm25({TABLE}, 10.0, 4.0, 1.0, 4.0)"
BODY_COLUMN = 2

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")


def match_expression(text):
    """Translate web-search syntax into an FTS5 MATCH expression, or None if nothing to find.

    Every term is quoted, so no input can be read as FTS5 syntax: words are ANDed,
    "quoted words" are a phrase, ``or`` between terms means either, ``-word`` excludes.
    """
    groups, excluded, pending_or = [], [], False
    for negated, phrase, bare in _TOKEN.findall(text):
        if bare and bare.lower() == "or":
            pending_or = bool(groups)
            continue
        if bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        words = _WORD.findall(phrase or bare)
        if not words:
            continue
        term = '"' + " ".join(words) + '"'
        if negated:
            excluded.append(term)
        elif pending_or:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
    if not groups:
        return None
    expression = " AND ".join("(" + " OR ".join(group) + ")" for group in groups)
    for term in excluded:
        expression = f"({expression}) NOT {term}"
    return expression


def search(stories, text):
    expression = match_expression(text)
    if expression is None:
        return None
    story_table = stories.model._meta.db_table
    # The ORM cannot join a virtual table, and bm25() only works in the query that
    # runs the MATCH, so the FTS5 table is added to this query itself.
    return stories.extra(
        select={"search_rank": RANK},
        tables=[TABLE],
        where=[f"{TABLE} MATCH %s", f'{TABLE}.rowid = "{story_table}"."id"'],
        params=[expression],
    )


def snippets(story_ids, text, using):
    expression = match_expression(text)
    if expression is None:
        return {}
    placeholders = ", ".join(["%s"] * len(story_ids))
    sql = (
        f"SELECT rowid, snippet({TABLE}, {BODY_COLUMN}, %s, %s, '…', 30) FROM {TABLE} "
        f"WHERE {TABLE} MATCH %s AND rowid IN ({placeholders})"
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [MARK_START, MARK_END, expression, *story_ids])
        return {story_id: highlight(snippet) for story_id, snippet in cursor.fetchall()}


def index(story_ids, using):
    """Nothing to do: triggers copy every written entry into the FTS5 table."""


def searchable(words, using):
    """Every word: FTS5's porter tokenizer has no stop words."""
    return set(words)


RECENT_HEADLINES = 1000


def similar_texts(word, using):
    """Texts whose words spelling suggestions are chosen from, whatever ``word`` is.

    SQLite has no trigram index, so this is a smaller list: the names of
    ``Tag.objects.public()`` and ``Person.objects.public()`` and the headlines of the
    newest public stories. Older headlines' words are not suggested.
    """
    newest = Story.objects.using(using).public().order_by("-published_at")[:RECENT_HEADLINES]
    return [
        *SearchEntry.objects.using(using)
        .filter(story__in=newest.values("pk"))
        .values_list("headline", flat=True),
        *Tag.objects.using(using).public().values_list("name", flat=True),
        *Person.objects.using(using).public().values_list("name", flat=True),
    ]
