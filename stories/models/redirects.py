from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models


class SlugHistory(models.Model):
    """A slug an object used to have, so that its old addresses keep answering with a 301."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    slug = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "slug history"
        constraints = [
            models.UniqueConstraint(fields=["content_type", "slug"], name="slug_history_unique"),
        ]

    def __str__(self):
        return f"{self.slug} → {self.target}"

    @classmethod
    def record(cls, obj, old_slug):
        """Point ``old_slug`` at ``obj`` from now on (the newest owner of an old slug wins)."""
        content_type = ContentType.objects.get_for_model(obj)
        cls.objects.update_or_create(
            content_type=content_type, slug=old_slug, defaults={"object_id": obj.pk}
        )

    @classmethod
    def find(cls, queryset, slug):
        """The object in ``queryset`` that once had ``slug``, or None."""
        content_type = ContentType.objects.get_for_model(queryset.model)
        moved = cls.objects.filter(content_type=content_type, slug=slug).values("object_id")
        return queryset.filter(pk__in=moved).first()


class KeepsOldSlugs(models.Model):
    """Remembers every slug an object gives up, so links to it never break."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        old_slug = None
        if self.pk is not None:
            old_slug = (
                type(self)._base_manager.filter(pk=self.pk).values_list("slug", flat=True).first()
            )
        super().save(*args, **kwargs)
        if old_slug and old_slug != self.slug:
            SlugHistory.record(self, old_slug)

    def validate_unique(self, exclude=None):
        """A slug is also taken while it is the old address of something readers can see.

        Taking it would end that address's redirect: readers' links and search engines
        would reach the newcomer instead, or nothing once the newcomer moves on.
        """
        super().validate_unique(exclude)
        if exclude and "slug" in exclude:
            return
        holder = self.old_slug_holder()
        if holder is not None:
            raise ValidationError(
                {
                    "slug": f"“{self.slug}” is an old address of “{holder}”, which readers are "
                    "still sent on to from there. Choose another slug."
                },
                code="unique",
            )

    def old_slug_holder(self):
        """Whatever readers can see that used to have this object's slug, or None."""
        public = type(self)._default_manager.public().exclude(pk=self.pk)
        return SlugHistory.find(public, self.slug) if self.slug else None
