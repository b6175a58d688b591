"""Tag housekeeping that spans several models: merging tags, undoing a merge, finding duplicates.

A merge of a tag carried by thousands of stories takes seconds, so the admin asks for it
(``request_merge``, ``request_undo``) and a task carries it out (``carry_out_merge``,
``carry_out_undo``); the merge history shows it in progress, then done. ``merge_tags`` and
``undo_merge`` do the work at once, for commands and tests.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from . import changes
from .models import Revision, SlugHistory, Story, Tag, TagAlias, TaggedStory, TagMerge
from .models.tags import normalize_tag_name


class CannotUndo(Exception):
    """The merge cannot be undone; the message says why and what to do."""


@dataclass
class MergePlan:
    """What a merge of ``sources`` into ``target`` would change, for the preview page."""

    sources: list
    target: Tag | None
    target_name: str
    target_public: int = 0
    target_unpublished: int = 0
    public_after: int = 0
    unpublished_after: int = 0
    rows: list = field(default_factory=list)


def resolve_tag_name(name):
    """The tag a typed ``name`` stands for (by name, ignoring case and spacing, or by alias)."""
    return Tag.objects.named(name).first()


def _stories_carrying(tag):
    return set(TaggedStory.objects.filter(tag=tag).values_list("content_object_id", flat=True))


def _stories_by_tag(tags):
    """The ids of the stories carrying each of ``tags``, keyed by tag id."""
    stories = defaultdict(set)
    for tag_id, story_id in TaggedStory.objects.filter(tag__in=tags).values_list(
        "tag_id", "content_object_id"
    ):
        stories[tag_id].add(story_id)
    return stories


def plan_merge(sources, target, target_name=None):
    """Describe, per tag, how many stories carry it and what a merge into ``target`` changes.

    ``target`` may be None when the merge will create a new tag called ``target_name``.
    """
    sources = list(Tag.objects.with_usage().filter(pk__in=[tag.pk for tag in sources]))
    involved = [tag.pk for tag in sources] + ([target.pk] if target else [])
    carrying = Story.objects.filter(tagged_items__tag__in=involved).distinct()
    plan = MergePlan(
        sources=sources,
        target=target,
        target_name=target.name if target else target_name,
        public_after=carrying.public().count(),
        unpublished_after=carrying.count() - carrying.public().count(),
    )
    with_target = set()
    if target is not None:
        counted = Tag.objects.with_usage().get(pk=target.pk)
        plan.target_public = counted.public_count
        plan.target_unpublished = counted.unpublished_count
        with_target = _stories_carrying(target)
    per_tag = _stories_by_tag(sources)
    aliases = defaultdict(list)
    for alias in TagAlias.objects.filter(tag__in=sources):
        aliases[alias.tag_id].append(alias.name)
    for tag in sources:
        already = len(per_tag[tag.pk] & with_target)
        plan.rows.append(
            {
                "tag": tag,
                "retagged": len(per_tag[tag.pk]) - already,
                "already_tagged": already,
                "aliases": aliases[tag.pk],
            }
        )
    return plan


def request_merge(tags, into, *, by=None) -> TagMerge:
    """Record a merge of ``tags`` into ``into`` (a Tag or a name) in progress; a task does it."""
    sources = [tag for tag in tags if not (isinstance(into, Tag) and tag.pk == into.pk)]
    if not sources:
        raise ValueError("Choose at least one tag other than the one to merge into.")
    named = isinstance(into, Tag)
    with transaction.atomic():
        merge = TagMerge.objects.create(
            state=TagMerge.State.IN_PROGRESS,
            target=into if named else None,
            target_name=into.name if named else normalize_tag_name(into),
            merged_names=", ".join(tag.name for tag in sources)[:1000],
            performed_by=by,
            details={
                "request": {
                    "tag_ids": [tag.pk for tag in sources],
                    "into_id": into.pk if named else None,
                    "into_name": into.name if named else normalize_tag_name(into),
                }
            },
        )
        transaction.on_commit(partial(carry_out_merge.enqueue, merge.pk))
    return merge


@task()
def carry_out_merge(merge_id: int) -> str | None:
    """Carry out a requested merge, once: a merge no longer in progress is left alone."""
    try:
        with transaction.atomic():
            merge = TagMerge.objects.select_for_update().filter(pk=merge_id).first()
            if merge is None or merge.state != TagMerge.State.IN_PROGRESS:
                return merge and merge.state
            request = merge.details["request"]
            into = request["into_name"]
            if request["into_id"] is not None:
                into = Tag.objects.filter(pk=request["into_id"]).first()
                if into is None:
                    raise ValueError(
                        f"The tag “{merge.target_name}” was deleted or merged away before this "
                        "merge could run. Merge the tags again."
                    )
            tags = Tag.objects.filter(pk__in=request["tag_ids"])
            merge_tags(tags, into, by=merge.performed_by, record=merge)
    except Exception as error:
        problem = (
            str(error) if isinstance(error, ValueError) else f"{type(error).__name__}: {error}"
        )
        TagMerge.objects.filter(pk=merge_id).update(state=TagMerge.State.FAILED, problem=problem)
        if not isinstance(error, ValueError):
            raise  # and the task is recorded as failed, with its traceback
    return TagMerge.objects.get(pk=merge_id).state


@transaction.atomic
def merge_tags(tags, into, *, by=None, record=None):
    """Merge ``tags`` into the tag ``into`` (a Tag, or the name of a tag to find or create).

    Every story carrying one of ``tags`` -- whatever its status -- ends up carrying the target
    exactly once. Each merged tag becomes an alias of the target, its aliases and old slugs
    move to the target, and its own slug redirects to the target's page. Returns the
    ``TagMerge`` audit record, which holds what ``undo_merge`` needs: ``record`` if given
    (the merge requested), else a new one.
    """
    target_created = False
    if isinstance(into, str):
        target = resolve_tag_name(into)
        if target is None:
            target = Tag.objects.create(name=normalize_tag_name(into))
            target_created = True
    else:
        target = into
    sources = list(Tag.objects.filter(pk__in={tag.pk for tag in tags}).exclude(pk=target.pk))
    if not sources:
        raise ValueError("Choose at least one tag other than the one to merge into.")

    tag_type = ContentType.objects.get_for_model(Tag)
    source_ids = [tag.pk for tag in sources]
    had_target = _stories_carrying(target)
    stories_by_tag = _stories_by_tag(source_ids)
    aliases_by_tag = defaultdict(list)
    for alias in TagAlias.objects.filter(tag__in=source_ids):
        aliases_by_tag[alias.tag_id].append({"id": alias.pk, "name": alias.name})
    old_slugs_by_tag = defaultdict(list)
    for object_id, slug in SlugHistory.objects.filter(
        content_type=tag_type, object_id__in=source_ids
    ).values_list("object_id", "slug"):
        old_slugs_by_tag[object_id].append(slug)

    gaining = sorted({sid for ids in stories_by_tag.values() for sid in ids} - had_target)
    TaggedStory.objects.bulk_create(
        [TaggedStory(tag=target, content_object_id=story_id) for story_id in gaining],
        ignore_conflicts=True,
    )
    changes.touch(stories=gaining)
    TagAlias.objects.filter(tag__in=source_ids).update(tag=target)
    SlugHistory.objects.filter(content_type=tag_type, object_id__in=source_ids).update(
        object_id=target.pk
    )
    Tag.objects.filter(pk__in=source_ids).delete()
    revision_tags = _rename_tags_in_revisions([tag.name for tag in sources], target.name)
    for tag in sources:
        TagAlias.objects.update_or_create(
            name__iexact=tag.name, defaults={"tag": target, "name": tag.name}
        )
        SlugHistory.record(target, tag.slug)

    record = record or TagMerge()
    record.state = TagMerge.State.DONE
    record.target = target
    record.target_name = target.name
    record.merged_names = ", ".join(tag.name for tag in sources)[:1000]
    record.performed_by = by
    record.details = {
        "target_id": target.pk,
        "target_created": target_created,
        "gained_target": gaining,
        "revision_tags": revision_tags,
        "sources": [
            {
                "id": tag.pk,
                "name": tag.name,
                "slug": tag.slug,
                "description": tag.description,
                "story_ids": sorted(stories_by_tag[tag.pk]),
                "aliases": aliases_by_tag[tag.pk],
                "old_slugs": old_slugs_by_tag[tag.pk],
            }
            for tag in sources
        ],
    }
    record.save()
    return record


def request_undo(merge, *, by=None) -> TagMerge:
    """Mark ``merge`` as being undone and have a task undo it; ``CannotUndo`` says why not."""
    with transaction.atomic():
        merge = TagMerge.objects.select_for_update().get(pk=merge.pk)
        _check_undoable(merge)
        merge.state = TagMerge.State.UNDOING
        merge.undone_by = by
        merge.problem = ""
        merge.save(update_fields=["state", "undone_by", "problem"])
        transaction.on_commit(partial(carry_out_undo.enqueue, merge.pk))
    return merge


@task()
def carry_out_undo(merge_id: int) -> str | None:
    """Undo a merge marked as being undone, once; if it can no longer be, say why in it."""
    try:
        with transaction.atomic():
            merge = TagMerge.objects.select_for_update().filter(pk=merge_id).first()
            if merge is None or merge.state != TagMerge.State.UNDOING:
                return merge and merge.state
            undo_merge(merge, by=merge.undone_by)
    except CannotUndo as problem:
        TagMerge.objects.filter(pk=merge_id).update(
            state=TagMerge.State.DONE, undone_by=None, problem=str(problem)
        )
    return TagMerge.objects.get(pk=merge_id).state


def _check_undoable(merge):
    """The merge's target, if ``merge`` can be undone; else ``CannotUndo`` says why."""
    if merge.undone_at is not None or merge.state == TagMerge.State.UNDONE:
        raise CannotUndo("This merge has already been undone.")
    if merge.state in (TagMerge.State.IN_PROGRESS, TagMerge.State.FAILED):
        raise CannotUndo("This merge was not carried out, so there is nothing to undo.")
    # A target merged away and brought back by undoing that later merge keeps its id.
    target = merge.target or Tag.objects.filter(pk=merge.details["target_id"]).first()
    if target is None:
        raise CannotUndo(
            f"The tag “{merge.target_name}” no longer exists: it was deleted or merged into "
            "another tag. Undo that later merge first."
        )
    for source in merge.details["sources"]:
        clash = Tag.objects.filter(Q(name__iexact=source["name"]) | Q(slug=source["slug"]))
        if clash.exists():
            raise CannotUndo(
                f"A tag named “{source['name']}” or with the address “{source['slug']}” exists "
                "again. Rename or merge it first."
            )
    return target


@transaction.atomic
def undo_merge(merge, *, by=None):
    """Restore the tags of ``merge`` with their stories, aliases and addresses.

    Stories that only carried the target because of the merge lose it again. Raises
    ``CannotUndo`` when the merge was undone already, the target is gone, or a tag with a
    merged tag's name or slug exists again.
    """
    merge = TagMerge.objects.select_for_update().get(pk=merge.pk)
    target = _check_undoable(merge)
    sources = merge.details["sources"]

    tag_type = ContentType.objects.get_for_model(Tag)
    for source in sources:
        TagAlias.objects.filter(tag=target, name__iexact=source["name"]).delete()
        SlugHistory.objects.filter(
            content_type=tag_type, slug=source["slug"], object_id=target.pk
        ).delete()
        restored = Tag(name=source["name"], slug=source["slug"], description=source["description"])
        if not Tag.objects.filter(pk=source["id"]).exists():
            restored.pk = source["id"]
        restored.save()
        TagMerge.objects.filter(target=None, details__target_id=source["id"]).update(
            target=restored
        )
        TagAlias.objects.filter(
            tag=target, pk__in=[alias["id"] for alias in source["aliases"]]
        ).update(tag=restored)
        SlugHistory.objects.filter(
            content_type=tag_type, object_id=target.pk, slug__in=source["old_slugs"]
        ).update(object_id=restored.pk)
        existing = Story.objects.filter(pk__in=source["story_ids"]).values_list("pk", flat=True)
        TaggedStory.objects.bulk_create(
            [TaggedStory(tag=restored, content_object_id=story_id) for story_id in existing],
            ignore_conflicts=True,
        )
    TaggedStory.objects.filter(
        tag=target, content_object_id__in=merge.details["gained_target"]
    ).delete()
    _restore_revision_tags(merge.details.get("revision_tags", {}))
    # Restored taggings are bulk-created, which sends no signals.
    restored_ids = [story_id for source in sources for story_id in source["story_ids"]]
    changes.touch(stories=restored_ids + merge.details["gained_target"])
    if merge.details["target_created"] and not (
        TaggedStory.objects.filter(tag=target).exists() or target.aliases.exists()
    ):
        target.delete()
        merge.target = None

    merge.undone_at = timezone.now()
    merge.undone_by = by
    merge.state = TagMerge.State.UNDONE
    merge.problem = ""
    merge.save(update_fields=["undone_at", "undone_by", "state", "problem", "target"])
    return merge


def _rename_tags_in_revisions(names, target_name):
    """Record ``target_name`` instead of ``names`` in every revision snapshot that has them.

    Returns each rewritten revision's previous tag list, keyed by its id, for undo.
    """
    merged = {name.lower() for name in names}
    rewritten, previous = [], {}
    for revision in Revision.objects.only("snapshot").iterator(chunk_size=500):
        tags = revision.snapshot.get("tags") or []
        if not any(name.lower() in merged for name in tags):
            continue
        previous[str(revision.pk)] = tags
        kept = [name for name in tags if name.lower() not in merged]
        if target_name.lower() not in {name.lower() for name in kept}:
            kept.append(target_name)
        revision.snapshot = {**revision.snapshot, "tags": sorted(kept, key=str.lower)}
        rewritten.append(revision)
    Revision.objects.bulk_update(rewritten, ["snapshot"], batch_size=500)
    return previous


def _restore_revision_tags(previous):
    revisions = list(Revision.objects.filter(pk__in=[int(pk) for pk in previous]).only("snapshot"))
    for revision in revisions:
        revision.snapshot = {**revision.snapshot, "tags": previous[str(revision.pk)]}
    Revision.objects.bulk_update(revisions, ["snapshot"], batch_size=500)


# Duplicate suggestions -------------------------------------------------------------------------

_punctuation = re.compile(r"[^\w\s-]")
_separators = re.compile(r"[\s_-]+")


def _singular(word):
    if len(word) < 4 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "zes", "sses")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def _spelling_key(name):
    """The name without case, punctuation or spacing: "I.R.S." and "irs" both give "irs"."""
    return "".join(_separators.split(_punctuation.sub("", name.lower())))


def duplicate_key(name):
    """The spelling key with the last word made singular: "Tax returns" -> "taxreturn"."""
    words = [w for w in _separators.split(_punctuation.sub("", name.lower())) if w]
    if words:
        words[-1] = _singular(words[-1])
    return "".join(words)


@dataclass
class DuplicateGroup:
    tags: list
    reason: str

    @property
    def suggested_target(self):
        """The most used tag of the group, which the others would be merged into."""
        return max(self.tags, key=lambda tag: (tag.story_count, -len(tag.name)))


def _similar_pairs(threshold, limit):
    """Pairs of tag ids whose names are similar by trigrams (PostgreSQL's pg_trgm).

    The ``%`` operator lets PostgreSQL find the candidates through the trigram index on tag
    names instead of comparing every tag with every other.
    """
    table = connection.ops.quote_name(Tag._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(threshold)]
        )
        cursor.execute(
            f"SELECT a.id, b.id, similarity(a.name, b.name) AS score "
            f"FROM {table} a JOIN {table} b ON a.name %% b.name AND a.id < b.id "
            f"ORDER BY score DESC, a.id, b.id LIMIT %s",
            [limit],
        )
        return cursor.fetchall()


def duplicate_suggestions(similarity=0.5, limit=100):
    """Groups of tags that are likely the same topic, each with the reason it was suggested.

    Names that differ only in case, punctuation, spacing or a plural ending are grouped on
    every database; on PostgreSQL, names whose trigram similarity reaches ``similarity`` are
    suggested in pairs too.
    """
    by_key = defaultdict(list)
    for pk, name in Tag.objects.values_list("pk", "name"):
        key = duplicate_key(name)
        if key:
            by_key[key].append(pk)
    groups_ids = [ids for ids in by_key.values() if len(ids) > 1]
    pairs = []
    if connection.vendor == "postgresql":
        grouped = {pk: n for n, ids in enumerate(groups_ids) for pk in ids}
        pairs = [
            (a, b, score)
            for a, b, score in _similar_pairs(similarity, limit)
            if grouped.get(a, -1) != grouped.get(b, -2)
        ]
    wanted = {pk for ids in groups_ids for pk in ids} | {pk for a, b, _ in pairs for pk in (a, b)}
    tags = Tag.objects.with_usage().in_bulk(wanted)

    suggestions = []
    for ids in groups_ids:
        members = sorted((tags[pk] for pk in ids), key=lambda tag: tag.name.lower())
        if len({_spelling_key(tag.name) for tag in members}) == 1:
            reason = "Same words apart from case, punctuation or spacing"
        else:
            reason = "Singular and plural of the same words"
        suggestions.append(DuplicateGroup(members, reason))
    for a, b, score in pairs:
        members = sorted([tags[a], tags[b]], key=lambda tag: tag.name.lower())
        suggestions.append(DuplicateGroup(members, f"Similar spelling ({score:.0%} alike)"))
    return suggestions
