from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .stories import Story

PUBLICATION_FIELDS = ["status", "published_at", "embargo_until", "last_significant_update"]
# Fields copied back by a restore: every field of the story an editor fills in. The
# publication fields are recorded and compared too, but only the workflow changes them, so
# that a restore can never publish, unpublish, reschedule or lift an embargo.
CONTENT_FIELDS = [
    field.name
    for field in Story._meta.concrete_fields
    if field.editable and not field.primary_key and field.name not in PUBLICATION_FIELDS
]
RELATION_FIELDS = ["tags", "bylines", "citations", "people", "related_stories"]
SNAPSHOT_KEYS = CONTENT_FIELDS + PUBLICATION_FIELDS + RELATION_FIELDS
BASELINE_SUMMARY = "As found before the first recorded change"

BYLINE_KEYS = ["person", "role", "position"]
CITATION_KEYS = [
    "source",
    "cited_as",
    "supports",
    "is_anonymous",
    "public_description",
    "position",
]


def take_snapshot(story) -> dict:
    """Every editable field of ``story`` as JSON-ready data, read fresh from the database."""
    from .sources import Citation
    from .stories import Byline

    story = Story.objects.get(pk=story.pk)
    data = {}
    for name in CONTENT_FIELDS + PUBLICATION_FIELDS:
        field = Story._meta.get_field(name)
        value = getattr(story, field.attname)
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    data["tags"] = sorted(story.tags.values_list("name", flat=True), key=str.lower)
    data["bylines"] = list(
        Byline.objects.filter(story=story).order_by("position").values(*BYLINE_KEYS)
    )
    data["citations"] = list(
        Citation.objects.filter(story=story).order_by("position", "source").values(*CITATION_KEYS)
    )
    data["people"] = sorted(story.people.values_list("pk", flat=True))
    data["related_stories"] = sorted(story.related_stories.values_list("pk", flat=True))
    return data


def changed_keys(before: dict, after: dict) -> list[str]:
    return [key for key in SNAPSHOT_KEYS if before.get(key) != after.get(key)]


class Revision(models.Model):
    """A story as it was after one save: who saved it, when, and every editable field."""

    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="revisions")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    summary = models.CharField(max_length=200, blank=True)
    snapshot = models.JSONField()
    changed_fields = models.JSONField(
        default=list, help_text="Snapshot keys that differ from the previous revision."
    )

    class Meta:
        ordering = ["-pk"]
        get_latest_by = "pk"

    def __str__(self):
        return f"Revision {self.pk} of {self.story}"

    @classmethod
    def record(cls, story, user=None, summary=""):
        """Store the story as it is now in the database as its newest revision."""
        snapshot = take_snapshot(story)
        previous = cls.objects.filter(story=story).order_by("-pk").first()
        return cls.objects.create(
            story=story,
            created_by=user,
            summary=summary,
            snapshot=snapshot,
            changed_fields=changed_keys(previous.snapshot, snapshot) if previous else [],
        )

    @classmethod
    def baseline(cls, story):
        """Record a story that has no revisions yet (made elsewhere than in the admin), so
        that the first recorded change can be compared with what was there before."""
        if not cls.objects.filter(story=story).exists():
            cls.record(story, summary=BASELINE_SUMMARY)

    @classmethod
    def latest_id(cls, story) -> int:
        return (
            cls.objects.filter(story=story).order_by("-pk").values_list("pk", flat=True).first()
            or 0
        )

    @property
    def author_name(self) -> str:
        if self.created_by is None:
            return "someone"
        return self.created_by.get_full_name() or self.created_by.get_username()


class RestoreError(ValidationError):
    """A revision refers to things that no longer exist."""


def _foreign_keys(values, *names):
    return {f"{key}_id" if key in names else key: value for key, value in values.items()}


@transaction.atomic
def restore_revision(revision, user=None, *, note=""):
    """Bring the revision's content back into its story and record that as a new revision."""
    from stories import changes

    from .images import Image
    from .people import Person
    from .sections import Section
    from .sources import Citation, Source
    from .stories import Byline

    data = revision.snapshot
    story = Story.objects.select_for_update().get(pk=revision.story_id)
    missing = []

    def require(model, pks, label):
        pks = {pk for pk in pks if pk is not None}
        found = set(model.objects.filter(pk__in=pks).values_list("pk", flat=True))
        if pks - found:
            missing.append(label)

    require(Section, [data["section"]], "its section")
    require(Image, [data["hero_image"]], "its hero image")
    require(Person, [b["person"] for b in data["bylines"]] + data["people"], "a person")
    require(Source, [c["source"] for c in data["citations"]], "a source")
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
        Citation(story=story, **_foreign_keys(values, "source")) for values in data["citations"]
    )
    # Bylines and citations come back through bulk_create, which sends no signals.
    changes.touch(stories=[story.pk])
    when = timezone.localtime(revision.created_at).strftime("%b %-d, %Y %H:%M")
    summary = f"Restored revision {revision.pk} of {when}"
    return Revision.record(story, user, summary=f"{summary} — {note}" if note else summary)


def parse_snapshot_time(value):
    return parse_datetime(value) if value else None
