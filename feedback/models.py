"""What readers send the newsroom: error reports on stories, and tips.

Neither is a story change: they enter no "what changed" record, no webhook, no search index,
no page. The sender's address is never stored (``feedback.limits`` counts it, hashed, in the
cache, for an hour). A tip may expose whoever sent it, so its text and contact are encrypted
at rest with the keys that protect sources (``SOURCE_ENCRYPTION_KEYS``).
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from stories.encryption import EncryptedTextField
from stories.models import Story


class FeedbackQuerySet(models.QuerySet):
    def unhandled(self):
        return self.filter(handled_at__isnull=True)

    def mark_handled(self, by) -> int:
        """Mark what is not handled yet as handled now by ``by``; how many were."""
        return self.unhandled().update(handled_at=timezone.now(), handled_by=by)

    def past_keeping(self, now=None):
        """Handled long enough ago to be deleted (``FEEDBACK_KEEP_DAYS``)."""
        now = now or timezone.now()
        cutoff = now - datetime.timedelta(days=settings.FEEDBACK_KEEP_DAYS)
        return self.filter(handled_at__lt=cutoff)


class Feedback(models.Model):
    received_at = models.DateTimeField(default=timezone.now, editable=False)
    handled_at = models.DateTimeField(null=True, blank=True, editable=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-received_at", "-pk"]
        get_latest_by = "received_at"

    def mark_handled(self, by):
        type(self).objects.filter(pk=self.pk).mark_handled(by)
        self.refresh_from_db(fields=["handled_at", "handled_by"])

    @property
    def is_handled(self) -> bool:
        return self.handled_at is not None


class ErrorReport(Feedback):
    """A reader's report of an error in a public story, as the story stood when they read it."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="error_reports")
    story_version = models.DateTimeField(
        help_text="When the story the reader saw was last changed: edits after it may already "
        "have fixed the error."
    )
    text = models.TextField("what is wrong")
    name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)

    class Meta(Feedback.Meta):
        verbose_name = "error report"
        verbose_name_plural = "error reports"

    def __str__(self):
        return f"Error report on “{self.story}”"

    def get_absolute_url(self):
        return reverse("admin:feedback_errorreport_change", args=[self.pk])

    @property
    def story_changed_since(self) -> bool:
        return self.story.updated_at > self.story_version


class Tip(Feedback):
    """A tip from a reader: sensitive, seen by editors only."""

    message = EncryptedTextField()
    contact = EncryptedTextField(
        blank=True, help_text="How the reader asked to be reached, if they did."
    )

    class Meta(Feedback.Meta):
        verbose_name = "tip"
        verbose_name_plural = "tips"

    def __str__(self):
        return f"Tip {self.pk} received {timezone.localtime(self.received_at):%b %d, %H:%M}"

    def get_absolute_url(self):
        return reverse("admin:feedback_tip_change", args=[self.pk])
