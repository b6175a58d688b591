import re

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from taggit.managers import _TaggableManager
from taggit.models import NaturalKeyManager, TagBase, TaggedItemBase

from .redirects import KeepsOldSlugs

_whitespace = re.compile(r"\s+")


def normalize_tag_name(name: str) -> str:
    """Collapse the spacing of a typed tag name: " data   sharing " -> "data sharing"."""
    return _whitespace.sub(" ", name).strip()


class TagQuerySet(models.QuerySet):
    def public(self):
        """Tags of at least one public story; a tag used only on unpublished work stays unseen."""
        from .stories import Story

        return self.filter(pk__in=Story.objects.public().values("tagged_items__tag"))


class Tag(KeepsOldSlugs, TagBase):
    description = models.TextField(blank=True, help_text="Introduces the topic page for this tag.")

    objects = NaturalKeyManager.from_queryset(TagQuerySet)()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="tag_unique_name_ignoring_case"),
        ]

    def save(self, *args, **kwargs):
        self.name = normalize_tag_name(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("stories:tag", kwargs={"slug": self.slug})


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


class StoryTagManager(_TaggableManager):
    """Applies typed tag names so that spacing and case variants reuse one tag."""

    def _to_tag_model_instances(self, tags, tag_kwargs):
        cleaned = []
        for tag in tags:
            if isinstance(tag, str):
                tag = normalize_tag_name(tag)
                if not tag:
                    continue
            cleaned.append(tag)
        return super()._to_tag_model_instances(cleaned, tag_kwargs)
