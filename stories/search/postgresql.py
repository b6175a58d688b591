"""PostgreSQL full-text search over the stored, GIN-indexed vector of SearchEntry."""

import operator
from functools import reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db.models import F, Value

from stories.models import SearchEntry

from .text import MARK_END, MARK_START, highlight

CONFIG = "english"

# Headline above dek; tags and people's names count as much as the dek; body last.
WEIGHTS = {"headline": "A", "dek": "B", "keywords": "B", "body": "C"}


def _query(text):
    # websearch syntax ("quoted phrases", or, -exclusions) never raises on bad input.
    return SearchQuery(text, config=CONFIG, search_type="websearch")


def search(stories, text):
    if not text:
        return None
    query = _query(text)
    return stories.filter(search_entry__vector=query).annotate(
        # Normalization 1 divides by the log of the document length, so a long body
        # does not outrank a headline just by repeating a word.
        search_rank=SearchRank(F("search_entry__vector"), query, normalization=1)
    )


def snippets(story_ids, text, using):
    entries = (
        SearchEntry.objects.using(using)
        .filter(story_id__in=story_ids)
        .annotate(
            snippet=SearchHeadline(
                "body",
                _query(text),
                config=CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_END,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        .values_list("story_id", "snippet")
    )
    return {story_id: highlight(snippet) for story_id, snippet in entries}


def prepare(entry):
    """Give ``entry`` its weighted vector, computed by the database as the entry is written."""
    parts = [
        SearchVector(Value(getattr(entry, field)), config=CONFIG, weight=weight)
        for field, weight in WEIGHTS.items()
    ]
    entry.vector = reduce(operator.add, parts)
