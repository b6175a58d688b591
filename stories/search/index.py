"""Keeping SearchEntry current: what is indexed, and reindexing what each transaction touched."""

from collections import defaultdict
from itertools import batched

from live.models import LiveUpdate
from stories.models import Byline, SearchEntry, Story, TaggedStory

from .engines import engine
from .text import plain_text

BATCH_SIZE = 500


def reindex_stories(stories=None, *, batch_size=BATCH_SIZE, progress=None):
    """Bring the search index up to date for ``stories`` (a Story queryset; default: all).

    Every committed transaction reindexes what it touched (``stories.changes``); call
    this directly only to rebuild the index. ``progress(done, total)`` is called
    after each batch. Returns the number of stories indexed.
    """
    stories = Story.objects.all() if stories is None else stories
    story_ids = list(stories.order_by("pk").values_list("pk", flat=True))
    for done, batch in enumerate(batched(story_ids, batch_size, strict=False), start=1):
        _reindex(batch, stories.db)
        if progress:
            progress(min(done * batch_size, len(story_ids)), len(story_ids))
    return len(story_ids)


def _reindex(story_ids, using):
    names = defaultdict(list)  # story id -> tag names, then people's names
    for through, story, name in [
        (TaggedStory, "content_object_id", "tag__name"),
        (Story.people.through, "story_id", "person__name"),
        (Byline, "story_id", "person__name"),
    ]:
        rows = through.objects.using(using).filter(**{f"{story}__in": story_ids})
        for story_id, value in rows.order_by("pk").values_list(story, name):
            names[story_id].append(value)
    stories = Story.objects.using(using).filter(pk__in=story_ids).only("headline", "dek", "body")
    # A live story is found by its public updates too (``live.search``).
    updates = _public_update_text(story_ids, using)
    # Only what readers can read: never citations, sources or anything editor-only.
    entries = [
        SearchEntry(
            story=story,
            headline=plain_text(story.headline),
            dek=plain_text(story.dek),
            body=" ".join(filter(None, [plain_text(story.body), updates.get(story.pk)])),
            keywords=" · ".join(dict.fromkeys(plain_text(n) for n in names[story.pk])),
        )
        for story in stories
    ]
    SearchEntry.objects.using(using).bulk_create(
        entries,
        update_conflicts=True,
        unique_fields=["story"],
        update_fields=["headline", "dek", "body", "keywords"],
    )
    engine(using).index(story_ids, using)


def _public_update_text(story_ids, using):
    """For each of ``story_ids`` with public updates, their headlines and bodies as text."""
    rows = (
        LiveUpdate.objects.using(using)
        .public()
        .filter(story__in=story_ids)
        .order_by("published_at", "pk")
        .values_list("story", "headline", "body")
    )
    text = defaultdict(list)
    for story, headline, body in rows:
        text[story] += [plain_text(headline), plain_text(body)]
    return {story: " ".join(filter(None, parts)) for story, parts in text.items()}
