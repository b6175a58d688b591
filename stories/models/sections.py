from django.db import models

from stories.addresses import address

from .redirects import KeepsOldSlugs


class Section(KeepsOldSlugs):
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
        return address("stories:section", slug=self.slug)
