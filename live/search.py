"""Search finds live stories by their public updates, and leads to the update that matched.

The story's search entry holds the text of the updates readers could see when it was last
indexed (``stories.search.index``; every change to an update reindexes its story). A result that is a live story links
to its newest public update containing a word searched for.
"""

from django.db.models import Exists, OuterRef, Q

from stories.search.text import clean_query

from .models import LiveCoverage, LiveUpdate

# Words shorter than this are too common to point at one update.
SHORTEST_WORD = 3
MOST_WORDS = 8


def mark_live(stories):
    """``stories`` with ``is_live_coverage`` on each: whether it carries updates."""
    return stories.annotate(
        is_live_coverage=Exists(LiveCoverage.objects.filter(story=OuterRef("pk")))
    )


def link_matching_updates(page, query):
    """Give each live story of a results ``page`` a ``matching_update_url``: the address of its
    newest public update containing one of the words of ``query``. One query, and none when
    the page holds no live story."""
    live = {story.pk: story for story in page if getattr(story, "is_live_coverage", False)}
    words = [w for w in clean_query(query).split() if len(w) >= SHORTEST_WORD][:MOST_WORDS]
    if not live or not words:
        return
    matches = Q()
    for word in words:
        matches |= Q(headline__icontains=word) | Q(body__icontains=word)
    rows = (
        LiveUpdate.objects.public()
        .filter(matches, story__in=list(live))
        .order_by("story", "-published_at", "-pk")
        .values_list("story", "pk")
    )
    for story_id, pk in rows:
        story = live[story_id]
        if not hasattr(story, "matching_update_url"):
            story.matching_update_url = f"{story.get_absolute_url()}?update={pk}#update-{pk}"
