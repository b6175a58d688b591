from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from stories import images

unit_interval = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class Image(models.Model):
    """A picture in the newsroom's library, used as a hero, inline or portrait."""

    file = models.ImageField(upload_to="images/%Y/%m/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    alt_text = models.CharField(
        max_length=300,
        blank=True,
        help_text="Describe what the picture shows for readers who cannot see it. "
        "Required before a story using this image can be published.",
    )
    caption = models.TextField(blank=True)
    credit = models.CharField(max_length=200, blank=True)
    usage_note = models.TextField(
        blank=True, verbose_name="copyright / usage note", help_text="Editor-only."
    )
    focal_x = models.FloatField(default=0.5, validators=unit_interval)
    focal_y = models.FloatField(default=0.5, validators=unit_interval)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        get_latest_by = "uploaded_at"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="image_focal_point_inside",
            ),
        ]

    def __str__(self):
        return self.alt_text or self.caption or self.file.name

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed:
            # Whatever the route in (admin, demo loader, shell), only a checked,
            # upright, metadata-free master is ever stored.
            prepared = images.prepare_upload(self.file.file)
            self.file = prepared
            self.width, self.height = prepared.width, prepared.height
        super().save(*args, **kwargs)
        self.make_renditions()

    def clean(self):
        if not self.alt_text.strip() and self.pk:
            from .stories import Story

            published = Story.objects.illustrated_with(self).filter(status=Story.Status.PUBLISHED)
            if published.exists():
                raise ValidationError(
                    {
                        "alt_text": "This image is shown in a published story "
                        f"(“{published.first()}”), so it needs alt text."
                    }
                )

    @property
    def missing(self) -> list[str]:
        """What an editor still has to fill in for this image."""
        return [
            label
            for label, value in (("alt text", self.alt_text), ("credit", self.credit))
            if not value.strip()
        ]

    def renditions(self, ratio: str) -> list[images.Rendition]:
        """The renditions of this image cut to ``ratio`` ("16x9", "4x3" or "1x1"), smallest first."""
        return images.renditions_for(self, ratio)

    def make_renditions(self, force: bool = False) -> int:
        """Cut the renditions that do not exist yet; return how many were written."""
        if not (self.width and self.file and self.file.storage.exists(self.file.name)):
            return 0
        return images.generate_renditions(self, force=force)


@receiver(post_delete, sender=Image, dispatch_uid="delete_image_files")
def _delete_image_files(sender, instance, **kwargs):
    # Deleting an image in the library takes it off the site: master and renditions.
    transaction.on_commit(images.files_deleter(instance))
