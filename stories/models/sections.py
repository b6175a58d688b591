from django.db import models
from django.urls import reverse

from .redirects import KeepsOldSlugs
from .versions import Versioned


class Section(KeepsOldSlugs, Versioned):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Sections are listed in ascending order of this number."
    )

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="section_unique_slug"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("stories:section", kwargs={"slug": self.slug})
