from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .sources import Citation, seal_source_id, unseal_source_id
from .stories import Byline, Story

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
    citations = sorted(
        Citation.objects.filter(story=story), key=lambda c: (c.position, c.cited_source_id or 0)
    )
    data["citations"] = [citation_snapshot(citation) for citation in citations]
    data["people"] = sorted(story.people.values_list("pk", flat=True))
    data["related_stories"] = sorted(story.related_stories.values_list("pk", flat=True))
    return data


def citation_snapshot(citation) -> dict:
    # A revision keeps the source of an anonymous citation as the citation does: encrypted.
    data = {key: getattr(citation, key) for key in CITATION_KEYS if key != "source"}
    if citation.is_anonymous:
        return {"source": None, "sealed_source": seal_source_id(citation.cited_source_id), **data}
    return {"source": citation.source_id, **data}


def cited_source_id(citation: dict) -> int | None:
    """The source of a citation in a snapshot, named or anonymous."""
    if citation.get("source") is not None:
        return citation["source"]
    return unseal_source_id(citation.get("sealed_source"))


def opened(data: dict) -> dict:
    """``data`` with the sources of its anonymous citations opened: what two snapshots are
    compared by, as each encryption of the same source id is a different token."""
    citations = [
        {**{k: v for k, v in c.items() if k != "sealed_source"}, "source": cited_source_id(c)}
        for c in data.get("citations", [])
    ]
    return {**data, "citations": citations}


def changed_keys(before: dict, after: dict) -> list[str]:
    before, after = opened(before), opened(after)
    return [key for key in SNAPSHOT_KEYS if before.get(key) != after.get(key)]


class RecordedRevision(models.Model):
    """Something as it was after one save: who saved it, when, and every editable field."""

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
        abstract = True
        ordering = ["-pk"]
        get_latest_by = "pk"

    @property
    def author_name(self) -> str:
        if self.created_by is None:
            return "someone"
        return self.created_by.get_full_name() or self.created_by.get_username()


class Revision(RecordedRevision):
    """A story as it was after one save."""

    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="revisions")

    class Meta(RecordedRevision.Meta):
        pass

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


def parse_snapshot_time(value):
    return parse_datetime(value) if value else None
