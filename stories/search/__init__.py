"""Full-text search over stories, for readers and for editors.

One interface, two engines: PostgreSQL full-text search in production and SQLite FTS5
as the embedded fallback. Callers pass the stories they may show (readers:
``Story.objects.public()``), so search can never widen what a caller sees.

- ``search_stories(stories, text)`` narrows and ranks a Story queryset.
- ``results_page(stories, text, page)`` is what the reader search page runs.
- ``reindex_stories(stories)`` brings the index up to date; signals call it on every
  ordinary edit, and code that changes stories behind the ORM's back (``update()``,
  ``bulk_create()``, a tag merge) must call it itself.
"""

from django.core.paginator import Paginator

from .engines import engine
from .index import reindex_stories
from .text import clean_query

MAX_RESULTS = 1000

__all__ = ["MAX_RESULTS", "attach_snippets", "reindex_stories", "results_page", "search_stories"]


def search_stories(stories, text, *, newest_first=False):
    """The stories in ``stories`` matching ``text``, best match first (or newest first).

    Each result carries ``search_rank``. Text that contains nothing searchable matches
    nothing; any input is safe, however malformed.
    """
    matched = engine(stories.db).search(stories, clean_query(text))
    if matched is None:
        return stories.none()
    if newest_first:
        return matched.order_by("-published_at", "-pk")
    return matched.order_by("-search_rank", "-published_at", "-pk")


def attach_snippets(stories, text):
    """Give each story a ``search_snippet``: escaped body text with matches in ``<mark>``."""
    stories = list(stories)
    if not stories:
        return
    text = clean_query(text)
    using = stories[0]._state.db
    snippets = engine(using).snippets([story.pk for story in stories], text, using)
    for story in stories:
        story.search_snippet = snippets.get(story.pk, "")


def results_page(stories, text, page_number=1, *, per_page=20, newest_first=False):
    """One page of search results with snippets, as the reader search page shows it.

    Only the best ``MAX_RESULTS`` matches are counted and paged through.
    """
    matched = search_stories(stories, text, newest_first=newest_first)
    # One query finds and orders the best matches; counting them separately would make
    # the database find every match twice.
    best = list(matched.values_list("pk", flat=True)[:MAX_RESULTS])
    page = Paginator(best, per_page).get_page(page_number)
    found = stories.in_bulk(page.object_list)
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    attach_snippets(page, text)
    return page
