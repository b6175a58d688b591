from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

HOME = "home"
# The surrogate key of every reader page, which shows the banner while one is live.
BANNER = "banner"


def front_key(section=None):
    """The key of the home front, or of ``section``'s; also its surrogate key, "front-<key>"."""
    return HOME if section is None else f"section-{section.pk}"


class FrontQuerySet(models.QuerySet):
    def of(self, section=None):
        """The front of the home page (``section`` None) or of ``section``, made on first use."""
        front, _ = self.get_or_create(key=front_key(section), defaults={"section": section})
        return front


class Front(models.Model):
    key = models.SlugField(max_length=40, editable=False)
    section = models.OneToOneField(
        "stories.Section", null=True, blank=True, on_delete=models.CASCADE, related_name="front"
    )

    objects = FrontQuerySet.as_manager()

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["key"], name="front_unique_key")]

    def __str__(self):
        return f"{self.section} front" if self.section_id else "Home front"

    def get_absolute_url(self):
        return self.section.get_absolute_url() if self.section_id else "/"

    @property
    def surrogate_key(self):
        return f"front-{self.key}"

    def version_at(self, moment=None):
        """The version readers see at ``moment`` (now by default): the latest in effect then."""
        return self.versions.in_effect(moment).first()


class FrontVersionQuerySet(models.QuerySet):
    def in_effect(self, at=None):
        """Versions whose time has come, newest first: the first is the one readers see."""
        return self.filter(takes_effect_at__lte=at or timezone.now()).order_by(
            "-takes_effect_at", "-pk"
        )


class FrontVersion(models.Model):
    """One arrangement of a front, never changed once saved: a change is a new version."""

    front = models.ForeignKey(Front, on_delete=models.CASCADE, related_name="versions")
    takes_effect_at = models.DateTimeField(
        help_text="Readers see this arrangement from this time until a later one takes effect; "
        "a future time schedules it."
    )
    note = models.CharField(max_length=200, blank=True)
    restored_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FrontVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-takes_effect_at", "-pk"]
        get_latest_by = "takes_effect_at"
        indexes = [
            models.Index(fields=["front", "-takes_effect_at"], name="front_version_in_effect"),
        ]

    def __str__(self):
        when = timezone.localtime(self.takes_effect_at)
        return f"{self.front} from {when:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("A front version is never changed; save a new one.")
        super().save(*args, **kwargs)


class Slot(models.Model):
    """A place on a front holding a story, shown with the front's own words and picture if
    an editor gave them, the story's otherwise."""

    version = models.ForeignKey(FrontVersion, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveSmallIntegerField()
    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="+")
    headline = models.CharField(
        max_length=300, blank=True, help_text="On this front only; empty: the story's headline."
    )
    dek = models.TextField(blank=True, help_text="On this front only; empty: the story's dek.")
    image = models.ForeignKey(
        "stories.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="On this front only, cut around the library's focal point; "
        "empty: the story's hero picture.",
    )

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="slot_unique_position"),
            models.UniqueConstraint(
                fields=["version", "story"],
                name="slot_story_once_per_version",
                violation_error_message="A story can fill only one slot of a front.",
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.shown_headline}"

    @property
    def shown_headline(self):
        return self.headline or self.story.headline

    @property
    def shown_dek(self):
        return self.dek or self.story.dek

    @property
    def shown_image(self):
        return self.image or self.story.hero_image


class BannerQuerySet(models.QuerySet):
    def live(self, at=None):
        now = at or timezone.now()
        return self.filter(starts_at__lte=now, expires_at__gt=now)

    def not_expired(self, at=None):
        return self.filter(expires_at__gt=at or timezone.now())


class Banner(models.Model):
    """A breaking-news line shown above every reader page from ``starts_at`` to ``expires_at``."""

    text = models.CharField(max_length=200)
    story = models.ForeignKey(
        "stories.Story",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Readers see the banner only once this story is public.",
    )
    url = models.URLField(blank=True, help_text="Instead of a story: an address to link to.")
    starts_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(help_text="From this time on, no reader sees the banner.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BannerQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        get_latest_by = "starts_at"
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("starts_at")),
                name="banner_expires_after_start",
                violation_error_message="A banner must expire after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(story__isnull=True) | Q(url=""),
                name="banner_one_link",
                violation_error_message="Link the banner to a story or to an address, not both.",
            ),
        ]

    def __str__(self):
        return self.text

    def clean(self):
        if not self.story_id and not self.url:
            raise ValidationError(
                {"story": "Choose the story the banner links to, or an address."}
            )
