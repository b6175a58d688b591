import secrets
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone

PREVIEW_LIFETIME = timedelta(hours=48)
PREVIEW_SALT = "stories.preview-link"
# An open change page says it is still open every HEARTBEAT (static/js/admin-presence.js) and
# that it is closed when it goes; someone not heard from for RECENTLY_OPENED has left.
HEARTBEAT = timedelta(seconds=30)
RECENTLY_OPENED = timedelta(seconds=90)
# How many unsaved new stories of one user are kept.
KEPT_NEW_STORIES = 5


class StatusChange(models.Model):
    """One step of a story through the workflow: who moved it, when, from where to where."""

    story = models.ForeignKey(
        "stories.Story", on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    publish_time = models.DateTimeField(
        null=True, blank=True, help_text="The publish time in force after the change."
    )
    note = models.TextField(
        blank=True, help_text="What the person handing the story on said about it."
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]
        get_latest_by = "changed_at"

    def __str__(self):
        return f"{self.story}: {self.from_label} → {self.to_label}"

    @property
    def from_label(self):
        return _status_label(self.from_status)

    @property
    def to_label(self):
        return _status_label(self.to_status)


def _status_label(status):
    """The name editors know a status by ("In review"), for a value that may be retired."""
    from_model = dict(apps.get_model("stories", "Story").Status.choices)
    return from_model.get(status, status.replace("_", " ").capitalize())


def _new_preview_key():
    return secrets.token_urlsafe(24)


def _preview_expiry():
    return timezone.now() + PREVIEW_LIFETIME


class PreviewLinkQuerySet(models.QuerySet):
    def active(self, at=None):
        """Links that still open their story: not revoked and not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=at or timezone.now())

    def revoke(self):
        """End every link here that still works; returns how many."""
        return self.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


class PreviewLink(models.Model):
    """A link that shows one unpublished story to a reviewer without an account."""

    story = models.ForeignKey(
        "stories.Story", on_delete=models.CASCADE, related_name="preview_links"
    )
    key = models.CharField(max_length=64, default=_new_preview_key, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(default=_preview_expiry)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["key"], name="preview_link_unique_key"),
        ]

    def __str__(self):
        return f"Preview of {self.story}"

    def get_absolute_url(self):
        token = signing.Signer(salt=PREVIEW_SALT).sign(self.key)
        return reverse("stories:shared_preview", kwargs={"token": token})

    @classmethod
    def find_active(cls, token):
        """The live link behind a token from a URL, or None if forged, revoked or expired."""
        try:
            key = signing.Signer(salt=PREVIEW_SALT).unsign(token)
        except signing.BadSignature:
            return None
        return cls.objects.active().select_related("story").filter(key=key).first()

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class EditingPresence(models.Model):
    """When a user last opened a story for editing, so others can be told."""

    story = models.ForeignKey(
        "stories.Story", on_delete=models.CASCADE, related_name="editing_presences"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "user"], name="editing_presence_once"),
        ]

    def __str__(self):
        return f"{self.user} on {self.story}"

    @classmethod
    def others_editing(cls, story, user, *, opening=True):
        """Who else has opened ``story`` recently; record that ``user`` is ``opening`` it too.

        Only opening the form is recorded, not saving it: a save then writes nothing before
        its own transaction, which is where a busy database is answered (``NewsroomAdmin``).
        """
        now = timezone.now()
        if opening:
            cls.objects.update_or_create(story=story, user=user, defaults={"seen_at": now})
        return list(
            cls.objects.filter(story=story, seen_at__gte=now - RECENTLY_OPENED)
            .exclude(user=user)
            .select_related("user")
        )

    @classmethod
    def still_open(cls, story, user):
        cls.objects.update_or_create(story=story, user=user, defaults={"seen_at": timezone.now()})

    @classmethod
    def left(cls, story, user):
        cls.objects.filter(story=story, user=user).delete()


class Autosave(models.Model):
    """What a user has typed into a story's form and not saved yet: kept for them alone.

    An autosave is never the story: it changes no field, revision, cache or search entry, and
    only its user is offered it back, in the form. A real save of the story removes it. A story
    not created yet is known by the key its add form made up (``form_key``).
    """

    story = models.ForeignKey(
        "stories.Story", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    form_key = models.CharField(max_length=64, blank=True)
    data = models.JSONField(help_text="The form's fields: each name with its list of values.")
    base_revision = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The revision of the story the form was opened at."
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-saved_at", "-pk"]
        get_latest_by = "saved_at"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "story"],
                condition=models.Q(story__isnull=False),
                name="autosave_once_per_story",
            ),
            models.UniqueConstraint(
                fields=["user", "form_key"],
                condition=models.Q(story__isnull=True),
                name="autosave_once_per_new_story_form",
            ),
        ]

    def __str__(self):
        return f"Unsaved changes by {self.user} to {self.story or 'a new story'}"

    @classmethod
    def keep(cls, *, user, story, form_key="", data, base_revision=None):
        """Keep ``data`` as ``user``'s unsaved changes to ``story`` (None: a new story)."""
        key = {"story": story} if story is not None else {"story": None, "form_key": form_key}
        autosave, _ = cls.objects.update_or_create(
            user=user,
            **key,
            defaults={"data": data, "base_revision": base_revision, "saved_at": timezone.now()},
        )
        if story is None:
            # Only the latest new story is offered back; a few before it are kept, no more.
            older = cls.objects.filter(user=user, story=None)[KEPT_NEW_STORIES:]
            cls.objects.filter(pk__in=list(older.values_list("pk", flat=True))).delete()
        return autosave

    @classmethod
    def waiting_for(cls, user, story):
        """``user``'s unsaved changes to ``story`` (None: their latest unsaved new story)."""
        if story is None:
            return cls.objects.filter(user=user, story=None).first()
        return cls.objects.filter(user=user, story=story).first()

    @classmethod
    def discard(cls, *, user, story, form_key=""):
        if story is not None:
            return cls.objects.filter(user=user, story=story).delete()
        return cls.objects.filter(user=user, story=None, form_key=form_key).delete()
