"""Restoring a story to one of its revisions: its fields and its relations, in one change."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import changes
from .models import Byline, Citation, Image, Person, Revision, Section, Source, Story
from .models.revisions import CONTENT_FIELDS, cited_source_id


class RestoreError(ValidationError):
    """A revision refers to things that no longer exist."""


def check_sealed_sources(citations):
    """Raise ``RestoreError`` if no key opens the source of one of the anonymous ``citations``
    of a snapshot (a story's or a live update's)."""
    if any(c["is_anonymous"] and cited_source_id(c) is None for c in citations):
        raise RestoreError(
            "This revision cannot be restored: none of the keys in SOURCE_ENCRYPTION_KEYS opens "
            "the source of one of its anonymous citations. Add the key it was made with back."
        )


def _foreign_keys(values, *names):
    return {f"{key}_id" if key in names else key: value for key, value in values.items()}


@transaction.atomic
def restore_revision(revision, user=None, *, note=""):
    """Bring the revision's content back into its story and record that as a new revision."""
    data = revision.snapshot
    story = Story.objects.select_for_update().get(pk=revision.story_id)
    missing = []

    def require(model, pks, label):
        pks = {pk for pk in pks if pk is not None}
        found = set(model.objects.filter(pk__in=pks).values_list("pk", flat=True))
        if pks - found:
            missing.append(label)

    check_sealed_sources(data["citations"])
    require(Section, [data["section"]], "its section")
    require(Image, [data["hero_image"]], "its hero image")
    require(Person, [b["person"] for b in data["bylines"]] + data["people"], "a person")
    require(Source, [cited_source_id(c) for c in data["citations"]], "a source")
    require(Story, data["related_stories"], "a related story")
    if missing:
        raise RestoreError(
            "This revision cannot be restored: " + ", ".join(missing) + " has since been deleted."
        )
    clash = Story.objects.filter(slug=data["slug"]).exclude(pk=story.pk).first()
    if clash:
        raise RestoreError(
            f"This revision cannot be restored: its slug “{data['slug']}” now belongs to "
            f"“{clash}”."
        )

    for name in CONTENT_FIELDS:
        setattr(story, Story._meta.get_field(name).attname, data[name])
    story.save()
    story.tags.set(data["tags"])
    story.people.set(data["people"])
    story.related_stories.set(data["related_stories"])
    Byline.objects.filter(story=story).delete()
    Byline.objects.bulk_create(
        Byline(story=story, **_foreign_keys(values, "person")) for values in data["bylines"]
    )
    Citation.objects.filter(story=story).delete()
    Citation.objects.bulk_create(
        Citation(
            story=story,
            source_id=cited_source_id(values),
            **{k: v for k, v in values.items() if k not in ("source", "sealed_source")},
        )
        for values in data["citations"]
    )
    # Bylines and citations come back through bulk_create, which sends no signals.
    changes.touch(stories=[story.pk])
    when = timezone.localtime(revision.created_at).strftime("%b %-d, %Y %H:%M")
    summary = f"Restored revision {revision.pk} of {when}"
    return Revision.record(story, user, summary=f"{summary} — {note}" if note else summary)
