"""The newsroom's background work, run by ``django.tasks`` (README: "Background work").

Each task takes ids, never objects, reads the current state when it runs and may run twice
(a worker killed mid-task has its task run again): doing it again does nothing new.
``enqueue_changed`` is a listener of the change record, so what a committed transaction
needs done in the background is decided in one place.
"""

import logging

from django.db import transaction
from django.tasks import task

from . import changes
from .models import Image, Story
from .search import reindex_stories

logger = logging.getLogger(__name__)

# More stories than this, touched at once (a tag merge, a renamed person), are reindexed by a
# task in batches of this size rather than before the editor's page answers.
REINDEX_INLINE = 200


@task()
def cut_renditions(image_id: int) -> int:
    """Cut the renditions of a library image that are missing; return how many were written."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None or image.renditions_ready:
        return 0
    with transaction.atomic():
        # All of them: a file found already may be one a killed worker left half written.
        written = image.make_renditions(force=True)
        # Pages showing the master while the renditions were prepared show them now.
        changes.touch(keys=[f"image-{image.pk}"])
    return written


@task()
def reindex(story_ids: list[int]) -> int:
    """Bring the search index of these stories up to date with what they hold now."""
    return reindex_stories(Story.objects.filter(pk__in=story_ids)) or 0


def reindex_changed(record):
    """Reindex the stories a committed transaction touched: at once, or by tasks if many."""
    story_ids = record.stories | record.reindex
    if len(story_ids) > REINDEX_INLINE:
        reindex_later(story_ids)
    elif story_ids:
        reindex_stories(Story.objects.using(record.using).filter(pk__in=list(story_ids)))


def enqueue_changed(record):
    """Enqueue the background work a committed transaction asks for."""
    saved = Image.objects.using(record.using).filter(pk__in=record.images).exclude(width=None)
    fields = ("pk", "file", "width", "height", "focal_x", "focal_y", "renditions_key")
    for image in saved.only(*fields):
        if not image.renditions_ready:
            cut_renditions.enqueue(image.pk)


def reindex_later(story_ids) -> None:
    """Reindex many stories in batches, each its own task."""
    ids = sorted(story_ids)
    for start in range(0, len(ids), REINDEX_INLINE):
        reindex.enqueue(ids[start : start + REINDEX_INLINE])
