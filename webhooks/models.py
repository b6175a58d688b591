import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models


class Event(models.TextChoices):
    PUBLISHED = "story.published", "Story published"
    UPDATED = "story.updated", "Story updated (a significant update)"
    CORRECTED = "story.corrected", "Story corrected"
    UNPUBLISHED = "story.unpublished", "Story unpublished"
    RETRACTED = "story.retracted", "Story retracted"
    DELETED = "story.deleted", "Story deleted"
    EMBARGO_LIFTED = "story.embargo_lifted", "Embargo lifted"
    LIVE_UPDATE_PUBLISHED = "story.live_update_published", "Live update published"


#: Events about a story readers no longer see: the payload names it, nothing more.
REMOVALS = {Event.UNPUBLISHED, Event.RETRACTED, Event.DELETED}


def new_secret():
    return f"whsec_{secrets.token_urlsafe(32)}"


def validate_events(value):
    unknown = set(value or []) - set(Event.values)
    if not isinstance(value, list) or unknown:
        raise ValidationError("Choose events from the list.")


class Endpoint(models.Model):
    """An address that is sent the events it subscribes to, signed with its secret."""

    name = models.CharField(max_length=100, help_text="Who receives this, e.g. “Apple News”.")
    url = models.URLField(
        "address",
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="An http:// or https:// address that accepts POST requests.",
    )
    secret = models.CharField(
        max_length=100,
        default=new_secret,
        help_text="Give it to the receiver, who checks the Newsroom-Signature header with it. "
        "Change it to revoke the old one.",
    )
    events = models.JSONField(default=list, validators=[validate_events])
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Turned off after repeated failures; turn it on again once the receiver works.",
    )
    disabled_reason = models.CharField(max_length=300, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "webhook endpoint"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.is_active:
            self.disabled_reason = ""
            self.consecutive_failures = 0
        super().save(*args, **kwargs)


class Delivery(models.Model):
    """One event sent (or to be sent) to one endpoint, with how the last attempt went."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed: given up"
        CANCELLED = "cancelled", "Not sent"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=Event)
    # Not a foreign key: a delivery about a deleted story stays in the log.
    story_id = models.BigIntegerField()
    # The story's public address, for removals (the story may be gone by then).
    story_url = models.CharField(max_length=500, blank=True)
    live_update_id = models.BigIntegerField(
        null=True, blank=True, help_text="The live update a “live update published” is about."
    )
    # When a published event is due: the story's publish time, or its embargo's end.
    due_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField("duration (ms)", null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(
                fields=["endpoint", "story_id", "status"], name="delivery_endpoint_story"
            ),
        ]

    def __str__(self):
        return f"{self.get_event_display()} (story {self.story_id}) to {self.endpoint}"
