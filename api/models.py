"""Partners' keys to the content API, and the log of what they read under embargo."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

# A key is shown once as "<prefix>.<secret>"; the prefix finds it, the secret's hash proves it.
PREFIX_BYTES = 6
SECRET_BYTES = 32


def digest(secret: str) -> str:
    # The secret is 256 random bits, not a password: one SHA-256 is as strong as any hasher,
    # and costs nothing on every request.
    return hashlib.sha256(secret.encode()).hexdigest()


class Scope(models.TextChoices):
    STORIES = "stories", "Stories"
    SECTIONS = "sections", "Sections"
    TAGS = "tags", "Tags"
    PEOPLE = "people", "People"
    CORRECTIONS = "corrections", "Corrections"


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def find(self, presented: str):
        """The active key ``presented`` (as a partner sends it), or None."""
        prefix, _, secret = presented.partition(".")
        if not prefix or not secret or len(presented) > 200:
            return None
        key = self.active().filter(prefix=prefix).first()
        if key is None or not secrets.compare_digest(key.hashed_secret, digest(secret)):
            return None
        return key


class ApiKey(models.Model):
    name = models.CharField(max_length=200, help_text="Who holds the key, e.g. “Wire partner”.")
    prefix = models.CharField(max_length=20, unique=True, editable=False)
    hashed_secret = models.CharField(max_length=64, editable=False)
    rate_limit = models.PositiveIntegerField(
        "requests a minute",
        default=600,
        help_text="Beyond this many requests in a minute the key is answered 429.",
    )
    scopes = models.JSONField(
        default=list,
        blank=True,
        help_text="What the key may read. Anything else answers 403.",
    )
    embargo_access = models.BooleanField(
        default=False,
        help_text="The key also sees embargoed stories, marked with their embargo; "
        "every such read is logged.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "API key"
        verbose_name_plural = "API keys"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, by=None, **fields) -> tuple["ApiKey", str]:
        """A new key and the text to give the partner, which is never stored nor shown again."""
        key = cls(created_by=by, **fields)
        presented = key.set_secret()
        key.save()
        return key, presented

    def set_secret(self) -> str:
        """Give an unsaved key its secret; return the text the partner presents."""
        self.prefix = secrets.token_hex(PREFIX_BYTES)
        secret = secrets.token_urlsafe(SECRET_BYTES)
        self.hashed_secret = digest(secret)
        return f"{self.prefix}.{secret}"

    def revoke(self, *, by=None):
        if self.revoked_at is None:
            self.revoked_at, self.revoked_by = timezone.now(), by
            self.save(update_fields=["revoked_at", "revoked_by"])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def may_read(self, scope: str) -> bool:
        return scope in self.scopes


class EmbargoedRead(models.Model):
    """A partner key read a story still under embargo."""

    key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="embargoed_reads")
    story = models.ForeignKey(
        "stories.Story", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    headline = models.CharField(max_length=200)
    embargo_until = models.DateTimeField()
    read_at = models.DateTimeField(default=timezone.now, db_index=True)
    path = models.CharField(max_length=500)

    class Meta:
        ordering = ["-read_at"]
        get_latest_by = "read_at"
        verbose_name = "read under embargo"
        verbose_name_plural = "reads under embargo"

    def __str__(self):
        return f"{self.key.name} read “{self.headline}”"
