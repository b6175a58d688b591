from django.apps import apps
from django.db import models

from stories.addresses import address

from .redirects import KeepsOldSlugs
from .versions import Versioned


class SectionQuerySet(models.QuerySet):
    def public(self, at=None):
        """Sections readers may see: those holding at least one public story.

        A section that holds only unpublished work is not named anywhere, not even in the
        navigation: it appears once its first story goes public.
        """
        stories = apps.get_model("stories", "Story").objects.public(at)
        return self.filter(models.Exists(stories.filter(section=models.OuterRef("pk"))))


class Section(KeepsOldSlugs, Versioned):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Sections are listed in ascending order of this number."
    )

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="section_unique_slug"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("stories:section", slug=self.slug)
