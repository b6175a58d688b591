from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

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
