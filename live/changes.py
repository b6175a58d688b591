"""What a change to live coverage means for readers: the story it belongs to changed.

Every save, delete or author change of an update (or of the coverage, or of a correction to
an update or a source it cites) adds the story to the transaction's change record (``stories.changes``), whichever
path made it: the page cache then purges the story's pages, its feeds of updates and the
polling fragment, all of which are labelled with the story.
"""

import logging

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from stories import changes
from stories.models import Source
from stories.tasks import reindex

from .models import LiveCoverage, LiveUpdate, LiveUpdateCitation, LiveUpdateCorrection

logger = logging.getLogger(__name__)

# The action an update saved published adds to its story's record: "live_update:<id>".
LIVE_UPDATE = "live_update:"


def next_update_change():
    """The next time a live update scheduled or under embargo reaches readers.

    The page cache keeps no response past it (``PAGE_CACHE_HORIZON``): an update scheduled
    for 06:00 is on the story page, its feeds and the polling fragment at 06:00.
    """
    now = timezone.now()
    times = LiveUpdate.objects.filter(status=LiveUpdate.Status.PUBLISHED).aggregate(
        publish=Min("published_at", filter=Q(published_at__gt=now)),
        lift=Min("embargo_until", filter=Q(embargo_until__gt=now)),
    )
    return min(filter(None, times.values()), default=None)


def _story_of(instance):
    if isinstance(instance, LiveUpdateCorrection | LiveUpdateCitation):
        return LiveUpdate.objects.filter(pk=instance.update_id).values_list("story", flat=True)
    return [instance.story_id]


def _changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    using = instance._state.db or DEFAULT_DB_ALIAS
    stories = list(_story_of(instance))
    # An update saved published may be one readers see now or at its time (webhooks).
    published = isinstance(instance, LiveUpdate) and instance.status == LiveUpdate.Status.PUBLISHED
    actions = {instance.story_id: f"{LIVE_UPDATE}{instance.pk}"} if published else None
    changes.touch(stories=stories, actions=actions, using=using)


def _source_changed(sender, instance, raw=False, **kwargs):
    # As for stories (``stories.changes``): the pages naming the source are purged.
    if raw:
        return
    citing = LiveUpdateCitation.objects.filter(source=instance, is_anonymous=False)
    stories = citing.values_list("update__story", flat=True).distinct()
    changes.touch(stories=list(stories), using=instance._state.db)


def _authors_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, LiveUpdate):
        changes.touch(stories=[instance.story_id], using=instance._state.db)
    elif action.startswith("post_"):
        # person.live_updates.add(...): the stories of the updates named.
        pks = kwargs.get("pk_set") or ()
        stories = LiveUpdate.objects.filter(pk__in=pks).values_list("story", flat=True)
        changes.touch(stories=list(stories), using=instance._state.db)


def updates_saved_published(record):
    """The ids of the live updates ``record`` saw saved published."""
    return [
        int(action.removeprefix(LIVE_UPDATE))
        for actions in record.actions.values()
        for action in actions
        if action.startswith(LIVE_UPDATE)
    ]


def reindex_when_public(record):
    """An update saved for a time to come enters the search index then: its story is
    reindexed at that time by a task (the index holds only what readers may read)."""
    waiting = LiveUpdate.objects.using(record.using).filter(pk__in=updates_saved_published(record))
    for update in waiting.waiting():
        due = max(filter(None, [update.published_at, update.embargo_until]))
        if reindex.get_backend().supports_defer:
            reindex.using(run_after=due).enqueue([update.story_id])
        else:
            logger.warning(
                "Live update %s is public from %s, but tasks run at once here "
                "(TASKS_BACKEND=immediate): search finds it when its story next changes.",
                update.pk,
                due,
            )


def connect():
    for model in (LiveCoverage, LiveUpdate, LiveUpdateCorrection, LiveUpdateCitation):
        name = model._meta.model_name
        post_save.connect(_changed, sender=model, dispatch_uid=f"live_{name}_saved")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"live_{name}_deleted")
    post_save.connect(_source_changed, sender=Source, dispatch_uid="live_source_saved")
    m2m_changed.connect(
        _authors_changed, sender=LiveUpdate.authors.through, dispatch_uid="live_authors"
    )
    changes.listener(reindex_when_public)
