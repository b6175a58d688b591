"""What changed: one record per transaction, handed once to every listener on commit.

Model signals add what an ordinary save, delete or relation change touches; code that
writes without signals (``bulk_create``, ``update()``, a tag merge) calls ``touch()``.
When the transaction commits, each listener receives the whole record once, in the
order they were registered: the search index first (a search page cached after the
purge must already find the new text), then the page cache purge, then the background
work it calls for (``stories.tasks``) and the webhooks' events (``webhooks.events``).
The editorial workflow adds what it did besides saving (``actions``: a correction, a
lifted embargo, a significant update), which the events need.

Listeners must not raise: by then the data is committed and the editor's work is saved.
"""

import logging
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from .models import (
    Byline,
    Citation,
    Correction,
    Image,
    Page,
    Person,
    Section,
    Source,
    Story,
    Tag,
    TaggedStory,
)

logger = logging.getLogger(__name__)


@dataclass
class Changes:
    """What one transaction changed, as readers and the search index see it."""

    # Stories whose content, relations or visibility changed.
    stories: set[int] = field(default_factory=set)
    # Stories whose indexed text may have changed without the story changing (a rename).
    reindex: set[int] = field(default_factory=set)
    # Surrogate keys of other things readers see: "person-3", "list-corrections", ...
    keys: set[str] = field(default_factory=set)
    # For each story saved, the section it was public in before this transaction touched it
    # (None: it was not public). A story changed without a save is not here.
    public_before: dict[int, int | None] = field(default_factory=dict)
    # Library images saved (their renditions may be missing).
    images: set[int] = field(default_factory=set)
    # What the editorial workflow did to a story besides moving it: "corrected", "updated"
    # (a significant update), "embargo_lifted" (see ``stories.workflow``).
    actions: dict[int, set[str]] = field(default_factory=dict)
    # The public address of each story deleted while readers could see it.
    removed: dict[int, str] = field(default_factory=dict)
    using: str = DEFAULT_DB_ALIAS

    def __bool__(self):
        return bool(self.stories or self.reindex or self.keys or self.images or self.removed)


_listeners = []


def listener(function):
    """Register ``function(changes)`` to be called once per committed transaction."""
    _listeners.append(function)
    return function


def touch(
    *,
    stories=(),
    reindex=(),
    keys=(),
    public_before=None,
    images=(),
    actions=None,
    removed=None,
    using=DEFAULT_DB_ALIAS,
):
    """Add to the current transaction's record (ids of stories, surrogate keys, images...)."""
    connection = connections[using]
    record = getattr(connection, "newsroom_changes", None)
    if record is None:
        record = connection.newsroom_changes = Changes(using=using)
    record.stories.update(stories)
    record.reindex.update(reindex)
    record.keys.update(keys)
    record.images.update(images)
    for pk, action in (actions or {}).items():
        record.actions.setdefault(pk, set()).add(action)
    record.removed.update(removed or {})
    for pk, section in (public_before or {}).items():
        record.public_before.setdefault(pk, section)
    # One callback per touch keeps the record alive through a rolled-back savepoint
    # (which drops the callbacks registered inside it); the first to run takes it all.
    transaction.on_commit(lambda: _dispatch(connection), using=using)


def _dispatch(connection):
    record = getattr(connection, "newsroom_changes", None)
    connection.newsroom_changes = None
    if not record:
        return
    for function in _listeners:
        try:
            function(record)
        except Exception:
            logger.exception("A listener failed to handle committed changes: %s", function)


def next_visibility_change():
    """The next time a scheduled publish or an embargo lift changes what readers see."""
    now = timezone.now()
    waiting = Story.objects.filter(status=Story.Status.PUBLISHED)
    times = waiting.aggregate(
        publish=Min("published_at", filter=Q(published_at__gt=now)),
        lift=Min("embargo_until", filter=Q(embargo_until__gt=now)),
    )
    return min(filter(None, times.values()), default=None)


# --- What a signal means ----------------------------------------------------------------

# Entities readers see on their own and inside other pages: "<prefix>-<pk>" labels every
# response that showed one; "<prefix>-all" those that listed too many to name.
ENTITIES = {
    Person: "person",
    Tag: "tag",
    Section: "section",
    Image: "image",
    Page: "page",
}


def _story_saving(sender, instance, raw=False, **kwargs):
    """Note where a story is public before its first save in a transaction.

    Kept on the instance until the save is done: outside a transaction, a record made now
    would be handed to the listeners at once, before the save it belongs to.
    """
    instance._public_before = None
    if raw or instance.pk is None:
        return
    using = instance._state.db or DEFAULT_DB_ALIAS
    record = getattr(connections[using], "newsroom_changes", None)
    if record is not None and instance.pk in record.public_before:
        return
    instance._public_before = {instance.pk: _public_section(instance.pk, using)}


def _public_section(pk, using):
    public = Story.objects.using(using).public()
    return public.filter(pk=pk).values_list("section_id", flat=True).first()


def _story_deleting(sender, instance, **kwargs):
    using = instance._state.db or DEFAULT_DB_ALIAS
    section = _public_section(instance.pk, using)
    instance._public_before = {instance.pk: section}
    instance._removed = {instance.pk: instance.get_absolute_url()} if section else {}


def _story_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        before = getattr(instance, "_public_before", None)
        touch(stories=[instance.pk], public_before=before, using=instance._state.db)


def _story_deleted(sender, instance, **kwargs):
    touch(
        stories=[instance.pk],
        public_before=getattr(instance, "_public_before", None),
        removed=getattr(instance, "_removed", None),
        using=instance._state.db,
    )


def _part_of_a_story_changed(sender, instance, raw=False, origin=None, **kwargs):
    # While a story is being deleted its rows cascade; the story itself is touched.
    if raw or (origin is not None and _is_story(origin)):
        return
    keys = ["list-corrections"] if sender is Correction else []  # see purging.CORRECTIONS
    touch(stories=[instance.story_id], keys=keys, using=instance._state.db)


def _is_story(origin):
    model = getattr(origin, "model", type(origin))
    return model is Story


def _story_relations_changed(sender, instance, action, reverse, pk_set, model, **kwargs):
    if not action.startswith("post_") and action != "pre_clear":
        return
    using = instance._state.db
    if isinstance(instance, Story):
        if action == "pre_clear":
            return
        # Adding a related story changes its page too; a removal is covered by the
        # story's own key, which labels every page that showed it.
        related = (pk_set or ()) if sender is Story.related_stories.through else ()
        touch(stories=[instance.pk, *related], using=using)
    elif action == "pre_clear":
        # person.appearances.clear(): remember the stories before the links go.
        instance._changed_story_ids = list(
            sender.objects.filter(**{_through_field(sender, instance): instance}).values_list(
                _story_field(sender), flat=True
            )
        )
    elif action == "post_clear":
        touch(stories=getattr(instance, "_changed_story_ids", []), using=using)
    else:
        touch(stories=pk_set or (), using=using)


def _story_field(through):
    return "content_object_id" if through is TaggedStory else "story_id"


def _through_field(through, instance):
    return "tag" if isinstance(instance, Tag) else "person"


def _stories_naming(instance):
    if isinstance(instance, Tag):
        return Story.objects.filter(tags=instance)
    return Story.objects.filter(Q(people=instance) | Q(bylines__person=instance))


def _entity_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw:
        return
    prefix = ENTITIES[sender]
    reindex = ()
    if sender in (Tag, Person) and not created:
        # A renamed tag or person is found under the new name only.
        reindex = _stories_naming(instance).values_list("pk", flat=True).distinct()
    touch(
        reindex=list(reindex),
        keys=[f"{prefix}-{instance.pk}", f"{prefix}-all", f"list-{prefix}s"],
        images=[instance.pk] if sender is Image else (),
        using=instance._state.db,
    )


def _entity_deleting(sender, instance, **kwargs):
    if sender in (Tag, Person):
        instance._changed_story_ids = list(
            _stories_naming(instance).values_list("pk", flat=True).distinct()
        )


def _entity_deleted(sender, instance, **kwargs):
    prefix = ENTITIES[sender]
    touch(
        stories=getattr(instance, "_changed_story_ids", []),
        keys=[f"{prefix}-{instance.pk}", f"{prefix}-all", f"list-{prefix}s"],
        using=instance._state.db,
    )


def _source_changed(sender, instance, raw=False, **kwargs):
    # Sources are not labels: a key shared by two pages would tell readers that an
    # anonymous source is the same person in both. The pages naming it are purged instead.
    if raw:
        return
    citing = Citation.objects.filter(source=instance, is_anonymous=False)
    story_ids = citing.values_list("story_id", flat=True).distinct()
    touch(keys=[f"story-{pk}" for pk in story_ids], using=instance._state.db)


def connect():
    pre_save.connect(_story_saving, sender=Story, dispatch_uid="changes_story_saving")
    post_save.connect(_story_saved, sender=Story, dispatch_uid="changes_story_saved")
    pre_delete.connect(_story_deleting, sender=Story, dispatch_uid="changes_story_deleting")
    post_delete.connect(_story_deleted, sender=Story, dispatch_uid="changes_story_deleted")
    for model in (Byline, Citation, Correction):
        for signal in (post_save, post_delete):
            signal.connect(
                _part_of_a_story_changed,
                sender=model,
                dispatch_uid=f"changes_{model._meta.model_name}_{signal is post_save}",
            )
    for through in (TaggedStory, Story.people.through, Story.related_stories.through):
        m2m_changed.connect(
            _story_relations_changed,
            sender=through,
            dispatch_uid=f"changes_{through._meta.model_name}",
        )
    post_save.connect(_source_changed, sender=Source, dispatch_uid="changes_source_saved")
    pre_delete.connect(_source_changed, sender=Source, dispatch_uid="changes_source_deleting")
    for model in ENTITIES:
        name = model._meta.model_name
        post_save.connect(_entity_saved, sender=model, dispatch_uid=f"changes_{name}_saved")
        pre_delete.connect(_entity_deleting, sender=model, dispatch_uid=f"changes_{name}_del")
        post_delete.connect(_entity_deleted, sender=model, dispatch_uid=f"changes_{name}_gone")
