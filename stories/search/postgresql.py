"""PostgreSQL full-text search over the stored, GIN-indexed vector of SearchEntry."""

import operator
from functools import reduce

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connections, transaction
from django.db.models import F

from stories.models import Person, SearchEntry, Story, Tag

from .text import MARK_END, MARK_START, highlight

CONFIG = "english"

# Headline above dek; tags and people's names count as much as the dek; body last.
RANKED = {"headline": "A", "dek": "B", "keywords": "B"}
BODY_WEIGHT = "C"


def _query(text):
    # websearch syntax ("quoted phrases", or, -exclusions) never raises on bad input.
    return SearchQuery(text, config=CONFIG, search_type="websearch")


# A word found in at least 15% of the newest stories (PROBE_SHARE of PROBE_SIZE) is
# so common that ranking every match would read most of the index: relevance then orders
# only its RANKED_CANDIDATES newest matches, which a walk down the publication date
# finds at once. This is a deliberate trade-off: with more matches than that, the best
# of the newest are shown rather than the best of all time (readers page through only
# MAX_RESULTS anyway). Rarer queries rank every match.
PROBE_SIZE = 100
PROBE_SHARE = 15
RANKED_CANDIDATES = 1000


def search(stories, text):
    if not text:
        return None
    query = _query(text)
    matched = stories.filter(search_entry__vector=query)
    if _is_very_common(stories, query):
        newest = matched.order_by("-published_at", "-pk").values("pk")[:RANKED_CANDIDATES]
        matched = stories.filter(pk__in=newest)
    return matched.annotate(
        # Ranking reads only the short headline/dek/names vector: ranking the full one
        # means decompressing every matching body, too slow for common words. Stories
        # that match in the body alone rank after all others, newest first.
        search_rank=SearchRank(F("search_entry__rank_vector"), query, normalization=1)
    )


def _is_very_common(stories, query):
    newest = stories.order_by("-published_at", "-pk").values("pk")[:PROBE_SIZE]
    sample = stories.filter(pk__in=newest, search_entry__vector=query)
    return sample.count() >= PROBE_SHARE


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


def index(story_ids, using):
    """Compute the vectors of the entries just written, in one statement in the database."""
    ranked = reduce(
        operator.add,
        [SearchVector(field, config=CONFIG, weight=w) for field, w in RANKED.items()],
    )
    SearchEntry.objects.using(using).filter(story_id__in=story_ids).update(
        rank_vector=ranked,
        vector=ranked + SearchVector("body", config=CONFIG, weight=BODY_WEIGHT),
    )


def searchable(words, using):
    """The words in ``words`` that are not stop words, which full-text search ignores."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT word FROM unnest(%s::text[]) AS word "
            "WHERE numnode(plainto_tsquery(%s::regconfig, word)) > 0",
            [list(words), CONFIG],
        )
        return {word for (word,) in cursor.fetchall()}


# How alike (pg_trgm word similarity) a text's closest word must be to be a candidate.
# Lower than pg_trgm's default of 0.6: a swapped pair of letters in a short name ("Kruase")
# breaks most of its trigrams. Headlines are many, so they must be closer; the closest
# word is picked from the candidates afterwards.
HEADLINE_SIMILARITY = 0.5
NAME_SIMILARITY = 0.25
SIMILAR_TEXTS = 20


def similar_texts(word, using):
    """Public headlines, tag names and people's names holding a word like ``word``.

    Only what readers can already see: headlines of ``Story.objects.public()`` and the
    names ``Tag.objects.public()`` and ``Person.objects.public()`` allow. The trigram
    indexes on headlines, tag names and people's names find them.
    """
    sources = [
        (
            SearchEntry.objects.filter(story__in=Story.objects.public()),
            "headline",
            HEADLINE_SIMILARITY,
        ),
        (Tag.objects.public(), "name", NAME_SIMILARITY),
        (Person.objects.public(), "name", NAME_SIMILARITY),
    ]
    texts = []
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        for source, field, threshold in sources:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                [str(threshold)],
            )
            texts += (
                source.using(using)
                .filter(**{f"{field}__trigram_word_similar": word})
                .annotate(similarity=TrigramWordSimilarity(word, field))
                .order_by("-similarity")
                .values_list(field, flat=True)[:SIMILAR_TEXTS]
            )
    return texts
