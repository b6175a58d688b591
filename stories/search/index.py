"""Keeping SearchEntry current: what is indexed, and the signals that reindex on change."""

from collections import defaultdict
from itertools import batched

from django.db.models import Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from stories.models import Byline, Person, SearchEntry, Story, Tag, TaggedStory

from .engines import engine
from .text import plain_text

BATCH_SIZE = 500


def reindex_stories(stories=None, *, batch_size=BATCH_SIZE, progress=None):
    """Bring the search index up to date for ``stories`` (a Story queryset; default: all).

    Signals call this after every ordinary save. Code that changes stories, their tags
    or their people without signals (``QuerySet.update()``, ``bulk_create()``, merging
    tags) must call it with the affected stories. ``progress(done, total)`` is called
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
    # Only what readers can read: never citations, sources or anything editor-only.
    entries = [
        SearchEntry(
            story=story,
            headline=plain_text(story.headline),
            dek=plain_text(story.dek),
            body=plain_text(story.body),
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


def _reindex_ids(story_ids):
    if story_ids:
        reindex_stories(Story.objects.filter(pk__in=list(story_ids)))


def _part_of_deleting_a_story(origin):
    # While a story is being deleted its rows cascade; reindexing it then would
    # recreate the entry the cascade is removing.
    if isinstance(origin, QuerySet):
        return origin.model is Story
    return isinstance(origin, Story)


@receiver(post_save, sender=Story, dispatch_uid="search_story_saved")
def story_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _reindex_ids([instance.pk])


@receiver(post_save, sender=Byline, dispatch_uid="search_byline_saved")
def byline_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _reindex_ids([instance.story_id])


@receiver(post_delete, sender=Byline, dispatch_uid="search_byline_deleted")
def byline_deleted(sender, instance, origin=None, **kwargs):
    if not _part_of_deleting_a_story(origin):
        _reindex_ids([instance.story_id])


@receiver(m2m_changed, sender=TaggedStory, dispatch_uid="search_tags_changed")
@receiver(m2m_changed, sender=Story.people.through, dispatch_uid="search_people_changed")
def story_relations_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if isinstance(instance, Story):
        if action in {"post_add", "post_remove", "post_clear"}:
            _reindex_ids([instance.pk])
    elif action == "pre_clear":
        # person.appearances.clear(): remember the stories before the links go.
        instance._search_story_ids = list(instance.appearances.values_list("pk", flat=True))
    elif action == "post_clear":
        _reindex_ids(getattr(instance, "_search_story_ids", []))
    elif action in {"post_add", "post_remove"}:
        _reindex_ids(pk_set)


def _stories_naming(instance):
    if isinstance(instance, Tag):
        return Story.objects.filter(tags=instance)
    return Story.objects.filter(Q(people=instance) | Q(bylines__person=instance)).distinct()


@receiver(post_save, sender=Tag, dispatch_uid="search_tag_saved")
@receiver(post_save, sender=Person, dispatch_uid="search_person_saved")
def name_saved(sender, instance, created, raw=False, **kwargs):
    """A renamed tag or person is found under the new name only."""
    if not (created or raw):
        reindex_stories(_stories_naming(instance))


@receiver(pre_delete, sender=Tag, dispatch_uid="search_tag_deleting")
@receiver(pre_delete, sender=Person, dispatch_uid="search_person_deleting")
def name_deleting(sender, instance, **kwargs):
    instance._search_story_ids = list(_stories_naming(instance).values_list("pk", flat=True))


@receiver(post_delete, sender=Tag, dispatch_uid="search_tag_deleted")
@receiver(post_delete, sender=Person, dispatch_uid="search_person_deleted")
def name_deleted(sender, instance, **kwargs):
    _reindex_ids(getattr(instance, "_search_story_ids", []))
