"""Live coverage: a story that carries a stream of timestamped updates.

A ``LiveCoverage`` row makes a story live; its updates are ``LiveUpdate`` rows. What a reader
may see of them is one rule, ``LiveUpdate.objects.public()``, which starts from
``Story.objects.public()``: every page, fragment, feed, sitemap and search result goes
through it. Models import nothing above them; the publishing path is ``live.workflow``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from stories.models import Image, Person, Source, Story
from stories.models.revisions import (
    BASELINE_SUMMARY,
    RecordedRevision,
    citation_snapshot,
    opened,
)
from stories.models.sources import CitationQuerySet, CitedSource, citation_constraints
from stories.models.versions import Versioned
from stories.sanitize import clean_html

# Editors approve, pin, mark key events and close; reporters file.
PUBLISH_PERMISSION = "live.publish_liveupdate"


class LiveCoverage(models.Model):
    class Order(models.TextChoices):
        NEWEST_FIRST = "newest", "Newest first"
        OLDEST_FIRST = "oldest", "Oldest first"

    story = models.OneToOneField(Story, on_delete=models.CASCADE, related_name="live_coverage")
    order = models.CharField(
        "order of updates", max_length=10, choices=Order, default=Order.NEWEST_FIRST
    )
    requires_approval = models.BooleanField(
        "updates need an editor's approval",
        default=True,
        help_text="When set, reporters' updates reach readers only once an editor publishes them.",
    )
    summary = models.TextField(
        "what we know",
        blank=True,
        help_text="A short summary shown above the updates. Paragraphs, lists, links, "
        "emphasis; anything else is removed.",
    )
    started_at = models.DateTimeField(
        "coverage start",
        default=timezone.now,
        help_text="When the live coverage began (coverageStartTime for search engines).",
    )
    closed_at = models.DateTimeField(
        "coverage end",
        null=True,
        blank=True,
        editable=False,
        help_text="Set when an editor closes the coverage; the story stays online, finished.",
    )

    class Meta:
        verbose_name = "live coverage"
        verbose_name_plural = "live coverage"
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self):
        return f"Live: {self.story}"

    def save(self, *args, **kwargs):
        self.summary = clean_html(self.summary)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.story.get_absolute_url()

    @property
    def is_live(self) -> bool:
        return self.closed_at is None

    @property
    def newest_first(self) -> bool:
        return self.order == self.Order.NEWEST_FIRST


class LiveUpdateQuerySet(models.QuerySet):
    def public(self, at=None):
        """Updates a reader may see, through any channel.

        An update is public when its story is public (``Story.objects.public``), it is
        published, its time has come and no embargo of its own is still in force.
        """
        now = at or timezone.now()
        return self.filter(
            story__in=Story.objects.public(now),
            status=LiveUpdate.Status.PUBLISHED,
            published_at__lte=now,
        ).filter(Q(embargo_until__isnull=True) | Q(embargo_until__lte=now))

    def waiting(self, at=None):
        """Published updates readers cannot see yet: scheduled, or held back by an embargo."""
        now = at or timezone.now()
        return self.filter(status=LiveUpdate.Status.PUBLISHED).filter(
            Q(published_at__gt=now) | Q(embargo_until__gt=now)
        )


class LiveUpdate(Versioned):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted for approval"
        PUBLISHED = "published", "Published"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="live_updates")
    headline = models.CharField(max_length=200, blank=True)
    body = models.TextField(
        help_text="Paragraphs, lists, links, quotes, emphasis and figures with pictures from "
        "the image library. Anything else is removed.",
    )
    authors = models.ManyToManyField(Person, blank=True, related_name="live_updates")
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "time",
        null=True,
        blank=True,
        db_index=True,
        help_text="Readers see a published update from this time on; a future time schedules it.",
    )
    embargo_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Until this time the update reaches no reader, even when published.",
    )
    pinned = models.BooleanField(default=False, help_text="Shown first, above the stream.")
    key_event = models.BooleanField(
        default=False, help_text="Listed among the key events at the top of the story."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = LiveUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = "live update"
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        indexes = [
            models.Index(
                fields=["story", "-published_at"],
                condition=Q(status="published"),
                name="liveupdate_newest_published",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="liveupdate_published_has_time",
                violation_error_message="A published update needs a time.",
            ),
        ]
        permissions = [
            ("publish_liveupdate", "Can publish, pin and mark key events of live updates"),
        ]

    def __str__(self):
        return self.headline or f"Update {self.pk} on {self.story}"

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.story.get_absolute_url()}#{self.anchor}"

    def clean(self):
        if self.status != self.Status.PUBLISHED:
            return
        # Publishing without a time means now.
        if self.published_at is None:
            self.published_at = timezone.now()
        # Readers who cannot see a picture get its alt text: no update goes out without it.
        undescribed = [
            image
            for image in Image.objects.placed_in(clean_html(self.body))
            if not image.alt_text.strip()
        ]
        if undescribed:
            names = ", ".join(f"“{image}” (number {image.pk})" for image in undescribed)
            raise ValidationError(
                {
                    "body": "Add alt text (in the image library) to the pictures in this "
                    f"update before it is published: {names}."
                }
            )

    @property
    def anchor(self) -> str:
        return f"update-{self.pk}"


class LiveUpdateCorrectionQuerySet(models.QuerySet):
    def public(self, at=None):
        """Corrections readers may see: those on public updates."""
        return self.filter(update__in=LiveUpdate.objects.public(at))


class LiveUpdateCorrection(models.Model):
    update = models.ForeignKey(LiveUpdate, on_delete=models.CASCADE, related_name="corrections")
    text = models.TextField()
    published_at = models.DateTimeField("date", default=timezone.now)

    objects = LiveUpdateCorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = "correction to a live update"
        ordering = ["published_at", "pk"]

    def __str__(self):
        return f"Correction on {self.update}"


class LiveUpdateCitationQuerySet(CitationQuerySet):
    def seen_by_readers(self):
        """Citations shown to readers: those of public updates."""
        return self.filter(update__in=LiveUpdate.objects.public())


class LiveUpdateCitation(CitedSource):
    """How one live update relies on one source: the rules of a story's citations."""

    update = models.ForeignKey(LiveUpdate, on_delete=models.CASCADE, related_name="citations")
    # As on a story's citation: null in the database for an anonymous one (``seal``).
    source = models.ForeignKey(
        Source, null=True, on_delete=models.PROTECT, related_name="update_citations"
    )

    objects = LiveUpdateCitationQuerySet.as_manager()
    cites_for = "update"

    class Meta(CitedSource.Meta):
        verbose_name = "source cited in a live update"
        verbose_name_plural = "sources cited in live updates"
        constraints = citation_constraints("update", "liveupdatecitation")

    @property
    def cited_in(self):
        return self.update


# What a revision of an update keeps. Restoring brings back the content; the publication
# fields and the editors' marks are recorded and compared, but change only through the
# workflow (``live.workflow``), so that a restore never publishes, reschedules or pins.
UPDATE_CONTENT_FIELDS = ["headline", "body"]
UPDATE_PUBLICATION_FIELDS = ["status", "published_at", "embargo_until", "pinned", "key_event"]
UPDATE_SNAPSHOT_KEYS = [*UPDATE_CONTENT_FIELDS, "authors", *UPDATE_PUBLICATION_FIELDS, "citations"]


def take_update_snapshot(update) -> dict:
    """The update as stored now, as JSON-ready data; anonymous sources stay encrypted."""
    update = LiveUpdate.objects.get(pk=update.pk)
    data = {}
    for name in UPDATE_CONTENT_FIELDS + UPDATE_PUBLICATION_FIELDS:
        value = getattr(update, name)
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    data["authors"] = sorted(update.authors.values_list("pk", flat=True))
    citations = sorted(
        LiveUpdateCitation.objects.filter(update=update),
        key=lambda c: (c.position, c.cited_source_id or 0),
    )
    data["citations"] = [citation_snapshot(citation) for citation in citations]
    return data


class LiveUpdateRevision(RecordedRevision):
    """A live update as it was after one save (``live.workflow.save_update``)."""

    update = models.ForeignKey(LiveUpdate, on_delete=models.CASCADE, related_name="revisions")

    class Meta(RecordedRevision.Meta):
        verbose_name = "revision of a live update"

    def __str__(self):
        return f"Revision {self.pk} of {self.update}"

    @classmethod
    def record(cls, update, user=None, summary=""):
        """Store the update as it is now in the database as its newest revision."""
        snapshot = take_update_snapshot(update)
        previous = cls.objects.filter(update=update).order_by("-pk").first()
        changed = []
        if previous is not None:
            before, after = opened(previous.snapshot), opened(snapshot)
            changed = [key for key in UPDATE_SNAPSHOT_KEYS if before.get(key) != after.get(key)]
        return cls.objects.create(
            update=update,
            created_by=user,
            summary=summary,
            snapshot=snapshot,
            changed_fields=changed,
        )

    @classmethod
    def baseline(cls, update):
        """Record an update that has no revisions yet (saved before they were kept), so that
        its first recorded change can be compared with what was there before."""
        if not cls.objects.filter(update=update).exists():
            cls.record(update, summary=BASELINE_SUMMARY)
