"""PostgreSQL full-text search over the stored, GIN-indexed vector of SearchEntry."""

import operator
from functools import reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db.models import F, Value

from stories.models import SearchEntry

from .text import MARK_END, MARK_START, highlight

CONFIG = "english"

# Headline above dek; tags and people's names count as much as the dek; body last.
RANKED = {"headline": "A", "dek": "B", "keywords": "B"}
BODY_WEIGHT = "C"


def _query(text):
    # websearch syntax ("quoted phrases", or, -exclusions) never raises on bad input.
    return SearchQuery(text, config=CONFIG, search_type="websearch")


def search(stories, text):
    if not text:
        return None
    query = _query(text)
    return stories.filter(search_entry__vector=query).annotate(
        # Ranking reads only the short headline/dek/names vector: ranking the full one
        # means decompressing every matching body, too slow for common words. Stories
        # that match in the body alone rank after all others, newest first.
        search_rank=SearchRank(F("search_entry__rank_vector"), query, normalization=1)
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
    """Give ``entry`` its vectors, computed by the database as the entry is written."""
    ranked = reduce(
        operator.add,
        [
            SearchVector(Value(getattr(entry, f)), config=CONFIG, weight=w)
            for f, w in RANKED.items()
        ],
    )
    entry.rank_vector = ranked
    entry.vector = ranked + SearchVector(Value(entry.body), config=CONFIG, weight=BODY_WEIGHT)
