import re

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from taggit.managers import _TaggableManager
from taggit.models import NaturalKeyManager, TagBase, TaggedItemBase

from stories.addresses import address

from .redirects import KeepsOldSlugs
from .versions import Versioned

_whitespace = re.compile(r"\s+")
# More than this and tags stop helping readers find anything; a list that long is a paste.
MAX_TAGS_PER_STORY = 30


def normalize_tag_name(name: str) -> str:
    """Collapse the spacing of a typed tag name: " data   sharing " -> "data sharing"."""
    return _whitespace.sub(" ", name).strip()


def check_story_tag_names(names):
    """Refuse a story's list of tag names that the database or readers could not use."""
    longest = Tag._meta.get_field("name").max_length
    too_long = [name for name in names if len(name) > longest]
    if too_long:
        raise ValidationError(
            f"A tag name can be at most {longest} characters; "
            f"“{too_long[0][:40]}…” has {len(too_long[0])}. Shorten it, or split it "
            "into tags separated by commas.",
            code="tag_too_long",
        )
    if len(names) > MAX_TAGS_PER_STORY:
        raise ValidationError(
            f"A story can have at most {MAX_TAGS_PER_STORY} tags; this list has "
            f"{len(names)}. Keep the topics readers will look for.",
            code="too_many_tags",
        )


class TagQuerySet(models.QuerySet):
    def public(self, at=None):
        """Tags of at least one public story; a tag used only on unpublished work stays unseen."""
        Story = apps.get_model("stories", "Story")
        # Asked per tag (one index probe each), not by listing every public story's tags.
        return self.filter(
            Exists(Story.objects.public(at).filter(tagged_items__tag=OuterRef("pk")))
        )

    def with_usage(self):
        """Annotate how many public and unpublished stories carry each tag, and when it was last used.

        "Public" is whatever ``Story.objects.public()`` says; every other story (draft, in
        review, scheduled, embargoed, unpublished) counts as unpublished. ``last_used`` is the
        newest publish time (or creation time, for a story never published) of a story
        carrying the tag.
        """
        public = apps.get_model("stories", "Story").objects.public().values("pk")
        taggings = TaggedStory.objects.filter(tag=OuterRef("pk")).values("tag")
        story = "content_object__"

        def per_tag(queryset, aggregate):
            # A subquery per column keeps the figures right whatever joins a caller adds.
            return Subquery(queryset.annotate(value=aggregate).values("value"))

        return self.annotate(
            public_count=Coalesce(
                per_tag(taggings.filter(content_object__in=public), Count("pk")), 0
            ),
            unpublished_count=Coalesce(
                per_tag(taggings.exclude(content_object__in=public), Count("pk")), 0
            ),
            last_used=per_tag(
                taggings, Max(Coalesce(f"{story}published_at", f"{story}created_at"))
            ),
        ).annotate(story_count=F("public_count") + F("unpublished_count"))

    def unused(self):
        return self.filter(~Exists(TaggedStory.objects.filter(tag=OuterRef("pk"))))

    def used(self):
        return self.filter(Exists(TaggedStory.objects.filter(tag=OuterRef("pk"))))

    def named(self, name):
        """The tags called ``name``, ignoring case and spacing, or having it as an alias."""
        name = normalize_tag_name(name)
        return self.filter(Q(name__iexact=name) | Q(aliases__name__iexact=name)).distinct()


class Tag(KeepsOldSlugs, Versioned, TagBase):
    description = models.TextField(blank=True, help_text="Introduces the topic page for this tag.")

    objects = NaturalKeyManager.from_queryset(TagQuerySet)()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="tag_unique_name_ignoring_case"),
        ]
        permissions = [
            ("manage_tags", "Can merge, rename, alias and delete tags"),
        ]

    def save(self, *args, **kwargs):
        self.name = normalize_tag_name(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.address_of(self.slug)

    @staticmethod
    def address_of(slug):
        """The address of the tag with ``slug``: for lists that read tags as rows."""
        return address("stories:tag", slug=slug)

    def slugify(self, tag, i=None):
        # A name with no letter or digit ("🔥", "!!!") slugifies to nothing, which would
        # leave the tag without an address.
        slug = super().slugify(tag) or "tag"
        return slug if i is None else f"{slug}_{i}"

    def clean(self):
        self.name = normalize_tag_name(self.name)
        if "," in self.name:
            # Tags are typed as a comma-separated list on the story form.
            raise ValidationError({"name": "A tag name cannot contain a comma."})
        alias = TagAlias.objects.filter(name__iexact=self.name).select_related("tag").first()
        if alias is not None and alias.tag_id != self.pk:
            raise ValidationError(
                {
                    "name": f"“{alias.name}” is an alias of the tag “{alias.tag}”. "
                    "Choose another name, or remove that alias first."
                }
            )


class TagAlias(models.Model):
    """Another name for a tag: typing it on a story applies the tag itself."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(
        max_length=100,
        help_text="Typing this name on a story applies the tag instead of creating a new one.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "tag aliases"
        constraints = [
            models.UniqueConstraint(Lower("name"), name="tag_alias_unique_name_ignoring_case"),
        ]

    def __str__(self):
        return f"{self.name} → {self.tag}"

    def save(self, *args, **kwargs):
        self.name = normalize_tag_name(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        self.name = normalize_tag_name(self.name)
        if "," in self.name:
            raise ValidationError({"name": "An alias cannot contain a comma."})
        tag = Tag.objects.filter(name__iexact=self.name).first()
        if tag is not None:
            raise ValidationError(
                {
                    "name": f"“{tag.name}” is already the name of a tag; an alias needs another name."
                }
            )


class TaggedStory(TaggedItemBase):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_stories")
    content_object = models.ForeignKey(
        "stories.Story", on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        verbose_name = "tagged story"
        verbose_name_plural = "tagged stories"
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_story_once"),
        ]


class TagMerge(models.Model):
    """The record of one merge of tags into another, with what is needed to undo it.

    ``details`` keeps, for every merged tag, its name, slug, description, aliases, old
    slugs and the stories that carried it, and which stories gained the target tag. A merge
    asked for in the admin is recorded at once, in progress, with the tags asked for in
    ``details["request"]``, and carried out by a task (``stories.tagging.carry_out_merge``).
    """

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        UNDOING = "undoing", "Being undone"
        UNDONE = "undone", "Undone"

    target = models.ForeignKey(
        Tag, null=True, on_delete=models.SET_NULL, related_name="merges_into"
    )
    target_name = models.CharField("merged into", max_length=100)
    merged_names = models.CharField("merged tags", max_length=1000)
    details = models.JSONField(default=dict, editable=False)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    performed_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=State, default=State.DONE)
    # Why the merge, or its undo, could not be carried out.
    problem = models.TextField(blank=True)

    class Meta:
        ordering = ["-performed_at", "-pk"]
        get_latest_by = "performed_at"
        verbose_name = "tag merge"

    def __str__(self):
        return f"{self.merged_names} → {self.target_name}"


class StoryTagManager(_TaggableManager):
    """Applies typed tag names so that spacing and case variants, and aliases, reuse one tag.

    Every way of tagging a story ends in taggit's ``add`` or ``set`` (a form saves with
    ``set``), so those two turn each typed name into the name or tag it stands for first.
    """

    def add(self, *tags, **kwargs):
        super().add(*canonical_tags(tags), **kwargs)

    def set(self, tags, **kwargs):
        super().set(canonical_tags(tags), **kwargs)


def unknown_tag_names(names) -> list[str]:
    """The names among ``names`` that no tag has, as its name or an alias (ignoring case and
    spacing): applying them would create new tags."""
    tidied = [normalize_tag_name(name) for name in names]
    tidied = [name for name in tidied if name]
    if not tidied:
        return []
    wanted = Q.create([("name__iexact", name) for name in tidied], connector=Q.OR)
    alias_wanted = Q.create([("aliases__name__iexact", name) for name in tidied], connector=Q.OR)
    known = set()
    for name, alias in Tag.objects.filter(wanted | alias_wanted).values_list(
        "name", "aliases__name"
    ):
        known.update(value.lower() for value in (name, alias) if value)
    return [name for name in tidied if name.lower() not in known]


def canonical_tags(tags) -> list:
    """``tags`` (names or Tag objects) with names tidied and aliases replaced by their tag."""
    cleaned = []
    for tag in tags:
        if isinstance(tag, str):
            tag = normalize_tag_name(tag)
            if not tag:
                continue
        cleaned.append(tag)
    names = [tag for tag in cleaned if isinstance(tag, str)]
    if not names:
        return cleaned
    canonical = {
        alias.name.lower(): alias.tag
        for alias in TagAlias.objects.filter(
            Q.create([("name__iexact", name) for name in names], connector=Q.OR)
        ).select_related("tag")
    }
    return [canonical.get(tag.lower(), tag) if isinstance(tag, str) else tag for tag in cleaned]
