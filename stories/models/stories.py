from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from taggit.managers import TaggableManager

from stories.addresses import address
from stories.sanitize import clean_html

from .images import Image, inline_marker
from .redirects import KeepsOldSlugs
from .tags import StoryTagManager, TaggedStory
from .versions import Versioned

# What a list shows of a story (its address needs the publish or creation date and the slug).
LISTED_FIELDS = [
    "headline",
    "dek",
    "kicker",
    "kind",
    "slug",
    "section",
    "published_at",
    "created_at",
    "last_significant_update",
    "hero_image",
]
LISTED_BYLINE_FIELDS = ["story", "role", "position", "person__name", "person__slug"]
# Editors hold it: what goes before readers is their decision (see ``stories.workflow``).
PUBLISH_PERMISSION = "stories.publish_story"


def _carrying(image):
    return Q(hero_image=image) | Q(body__contains=inline_marker(image.pk))


class StoryQuerySet(models.QuerySet):
    def public(self, at=None):
        """Stories a reader may see, through any channel.

        A story is public when it is published, its publish time has come and no
        embargo is still in force. Every page, feed, sitemap, search result and
        related-story list must start from this method.
        """
        now = at or timezone.now()
        return self.filter(status=Story.Status.PUBLISHED, published_at__lte=now).filter(
            Q(embargo_until__isnull=True) | Q(embargo_until__lte=now)
        )

    def under_embargo(self, at=None):
        """Published stories whose time has come but whose embargo is still in force.

        No reader sees them. Only a partner holding an API key with embargo access does, as
        news agencies' clients do, each read marked with the embargo and logged (``api``).
        """
        now = at or timezone.now()
        return self.filter(
            status=Story.Status.PUBLISHED, published_at__lte=now, embargo_until__gt=now
        )

    def by_or_about(self, person, newest=None):
        """Stories with ``person`` in a byline or among the people in the story.

        With ``newest``, only the newest so many of each kind, which hold the newest so many
        overall: a page of a person's stories then reads no more stories than it shows,
        however many the person has.
        """
        bylines = Byline.objects.filter(person=person, story=models.OuterRef("pk"))
        appearances = Story.people.through.objects.filter(
            person=person, story=models.OuterRef("pk")
        )
        kinds = [self.filter(models.Exists(bylines)), self.filter(models.Exists(appearances))]
        if newest is not None:
            kinds = [Story.objects.filter(pk__in=kind.values("pk")[:newest]) for kind in kinds]
        return self.filter(pk__in=kinds[0].values("pk").union(kinds[1].values("pk")))

    def related_to(self, story=None, *, slug=None):
        """Stories an editor linked to ``story`` as related, in either direction.

        ``slug`` names the story instead, so that a page can ask for it and its related
        stories in one query.
        """
        if slug is not None:
            return self.filter(related_stories__slug=slug)
        return self.filter(related_stories=story)

    def illustrated_with(self, image):
        """Stories carrying ``image`` as their hero or in their body: readers need it described."""
        return self.filter(_carrying(image))

    def showing(self, image):
        """Stories that show ``image``: as hero, in the body, or as the portrait of someone in a
        byline or among the people in the story."""
        return self.filter(
            _carrying(image)
            | Q(pk__in=Byline.objects.filter(person__photo=image).values("story"))
            | Q(pk__in=Story.people.through.objects.filter(person__photo=image).values("story"))
        )

    def retracted(self):
        """Stories withdrawn after readers saw them. Each stays at its address as a notice of
        the retraction, with its corrections, and in no list, feed, sitemap or search."""
        return self.filter(status=Story.Status.RETRACTED)

    def waiting(self, at=None):
        """Published stories readers cannot see yet: scheduled, or held back by an embargo."""
        return self.filter(status=Story.Status.PUBLISHED).exclude(
            pk__in=self.public(at).values("pk")
        )

    def for_listing(self):
        """Load what a story card, a feed item or a search result shows, and no more: not the
        body, and of the people in the bylines (``byline_list``) only their names and slugs."""
        bylines = Byline.objects.select_related("person").only(*LISTED_BYLINE_FIELDS)
        return self.only(*LISTED_FIELDS).prefetch_related(
            models.Prefetch("bylines", queryset=bylines, to_attr="byline_list")
        )


class Story(KeepsOldSlugs):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"
        RETRACTED = "retracted", "Retracted"

    class Kind(models.TextChoices):
        NEWS = "news", "News"
        ANALYSIS = "analysis", "Analysis"
        OPINION = "opinion", "Opinion"
        EXPLAINER = "explainer", "Explainer"
        BACKGROUND = "background", "Background"
        INTERVIEW = "interview", "Interview"
        REVIEW = "review", "Review"
        FACT_CHECK = "fact_check", "Fact check"

    headline = models.CharField(max_length=200)
    seo_headline = models.CharField(
        "SEO / social headline",
        max_length=200,
        blank=True,
        help_text="Used for search engines and social cards instead of the headline, if set.",
    )
    dek = models.TextField("dek", blank=True, help_text="The standfirst under the headline.")
    kicker = models.CharField(
        max_length=60, blank=True, help_text='A short label, e.g. "Exclusive".'
    )
    slug = models.SlugField(max_length=200, help_text="The story's address; unique.")
    body = models.TextField(
        blank=True,
        help_text="Paragraphs, headings, lists, links, quotes, emphasis and figures with "
        "pictures from the image library. Anything else is removed.",
    )
    target_words = models.PositiveIntegerField(
        "target length",
        null=True,
        blank=True,
        help_text="How many words the story should run to, if agreed; the count under the body "
        "shows how close it is. Readers never see it.",
    )
    section = models.ForeignKey(
        "stories.Section", on_delete=models.PROTECT, related_name="stories"
    )
    dateline = models.CharField(max_length=100, blank=True, help_text='e.g. "WASHINGTON".')
    kind = models.CharField("type of work", max_length=20, choices=Kind, default=Kind.NEWS)
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        db_index=True,
        help_text="Readers see a published story from this time on; a future time schedules it.",
    )
    embargo_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Until this time the story reaches no reader through any channel, "
        "even when published.",
    )
    retracted_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the story was retracted: it stays at its address as a retraction notice.",
    )
    last_significant_update = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when the story changes in a way readers should know about.",
    )
    hero_image = models.ForeignKey(
        "stories.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    people = models.ManyToManyField(
        "stories.Person",
        blank=True,
        related_name="appearances",
        verbose_name="people in this story",
    )
    related_stories = models.ManyToManyField("self", blank=True)
    tags = TaggableManager(through=TaggedStory, manager=StoryTagManager, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        get_latest_by = "published_at"
        verbose_name_plural = "stories"
        indexes = [
            # Reader lists walk these newest first and stop after a page: the front page and
            # the archives use the first, a section page and each section's newest the second.
            models.Index(
                fields=["-published_at", "-created_at"],
                condition=Q(status="published"),
                name="story_newest_published",
            ),
            models.Index(
                fields=["section", "-published_at", "-created_at"],
                condition=Q(status="published"),
                name="story_newest_in_section",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="story_unique_slug"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="story_published_has_time",
                violation_error_message="A published story needs a publish time.",
            ),
        ]
        permissions = [
            ("publish_story", "Can publish, schedule, unpublish and lift the embargo of stories"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        # The creation time only for a story never published: a list may not have loaded it.
        return self.address_of(self.slug, self.published_at or self.created_at)

    @staticmethod
    def address_of(slug, moment):
        """The address of a story, from its slug and when it was published (or, never
        published, created): for lists that read stories as rows."""
        day = timezone.localdate(moment or timezone.now())
        return address(
            "stories:story",
            year=f"{day.year:04d}",
            month=f"{day.month:02d}",
            day=f"{day.day:02d}",
            slug=slug,
        )

    @property
    def is_public(self) -> bool:
        return type(self).objects.public().filter(pk=self.pk).exists()

    def has_reached_readers(self) -> bool:
        """Whether readers may have seen the story, now or before: such a story is retracted,
        not deleted, so that the record of what it said and of its corrections stays."""
        if self.status == self.Status.RETRACTED or self.is_public:
            return True
        # Unpublished (and perhaps reopened) after its publish time had come. An embargo in
        # force then is not recorded: such a story counts as seen.
        return self.status_changes.filter(
            from_status=self.Status.PUBLISHED, publish_time__lte=models.F("changed_at")
        ).exists()

    @property
    def is_embargoed(self) -> bool:
        """An embargo is still in force, whatever the story's status."""
        return bool(self.embargo_until and self.embargo_until > timezone.now())

    @property
    def is_scheduled(self) -> bool:
        """Published, with a publish time still to come."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def updated_for_readers(self):
        """The time readers are told the story last changed meaningfully, if after publication."""
        return self.update_shown(self.last_significant_update, self.published_at)

    @staticmethod
    def update_shown(last_significant_update, published_at):
        """``updated_for_readers`` of a story read as a row."""
        if last_significant_update and published_at and last_significant_update > published_at:
            return last_significant_update
        return None

    def clean(self):
        if self.status == self.Status.PUBLISHED:
            self.check_images_are_described()

    def check_images_are_described(self):
        """Readers who cannot see a picture get its alt text: no story goes out without it."""
        if self.hero_image and not self.hero_image.alt_text.strip():
            raise ValidationError(
                {
                    "hero_image": "Add alt text to this image (in the image library) "
                    "before the story is published."
                }
            )
        # The body as it will be stored: a form's body is not sanitized yet.
        inline = Image.objects.placed_in(clean_html(self.body))
        undescribed = [image for image in inline if not image.alt_text.strip()]
        if undescribed:
            names = ", ".join(f"“{image}” (number {image.pk})" for image in undescribed)
            raise ValidationError(
                {
                    "body": "Add alt text (in the image library) to the pictures in the body "
                    f"before the story is published: {names}."
                }
            )


class Byline(models.Model):
    class Role(models.TextChoices):
        BY = "by", "By"
        ADDITIONAL_REPORTING = "additional_reporting", "Additional reporting"
        PHOTOS = "photos", "Photos"
        GRAPHICS = "graphics", "Graphics"
        VIDEO = "video", "Video"
        EDITED_BY = "edited_by", "Edited by"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="bylines")
    person = models.ForeignKey("stories.Person", on_delete=models.PROTECT, related_name="bylines")
    role = models.CharField(max_length=30, choices=Role, default=Role.BY)
    position = models.PositiveSmallIntegerField(
        default=1, help_text="Bylines are shown in ascending order of this number."
    )

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["story", "position"], name="byline_unique_position"),
            models.UniqueConstraint(
                fields=["story", "person", "role"], name="byline_person_once_per_role"
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.person}"


class CorrectionQuerySet(models.QuerySet):
    def public(self, at=None):
        """Corrections readers may see: those on public stories, and on retracted ones (whose
        notice shows them)."""
        return self.filter(story__in=Story.objects.public(at) | Story.objects.retracted())


class Correction(Versioned):
    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"
        EDITORS_NOTE = "editors_note", "Editor's note"
        RETRACTION = "retraction", "Retraction"

        @classmethod
        def added_by_editors(cls):
            """The kinds an editor adds; a retraction comes only with retracting the story."""
            return [(kind.value, kind.label) for kind in cls if kind != cls.RETRACTION]

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.CORRECTION)
    text = models.TextField()
    published_at = models.DateTimeField("date", default=timezone.now)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        get_latest_by = "published_at"
        indexes = [models.Index(fields=["-published_at"], name="correction_newest")]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.story}"

    def clean(self):
        retracted = self.story_id is not None and self.story.status == Story.Status.RETRACTED
        if self.kind == self.Kind.RETRACTION and not retracted:
            raise ValidationError(
                {"kind": "A retraction is added by retracting the story, from its page."}
            )

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            # A correction is by definition a significant update readers must be told about.
            Story.objects.filter(pk=self.story_id).filter(
                Q(last_significant_update__isnull=True)
                | Q(last_significant_update__lt=self.published_at)
            ).update(last_significant_update=self.published_at)
