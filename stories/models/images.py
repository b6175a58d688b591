import html
import re
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from stories import images
from stories.prepared import Prepared, padded
from stories.sanitize import library_file

from .versions import Versioned

unit_interval = [MinValueValidator(0.0), MaxValueValidator(1.0)]

# A library image placed in a story body, as the rich-text editor writes it:
# ``<figure class="figure"><img src="/media/images/…" data-file="42"><figcaption>…``.
# The body is stored sanitized (``stories.sanitize.clean_html``), so its markup is regular:
# attribute values are double-quoted with ", < and > escaped.
INLINE_IMAGE = re.compile(
    r"<figure\b[^>]*>\s*(?P<img><img\b[^>]*>)\s*"
    r"(?:<figcaption\b[^>]*>(?P<caption>.*?)</figcaption>\s*)?</figure>"
    r"|(?P<bare><img\b[^>]*>)",
    re.S,
)
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


@dataclass(frozen=True)
class InlineReference:
    """Which library image an ``<img>`` in a body means: its number, else its file."""

    image_id: int | None
    file_name: str | None

    @classmethod
    def from_tag(cls, tag: str) -> "InlineReference":
        attributes = {name: html.unescape(value) for name, value in _ATTRIBUTE.findall(tag)}
        image_id = attributes.get("data-file", "")
        return cls(
            int(image_id) if image_id.isdigit() else None,
            library_file(attributes.get("src", "")),
        )

    @classmethod
    def from_match(cls, match: re.Match) -> "InlineReference":
        """The reference in one match of ``INLINE_IMAGE``."""
        return cls.from_tag(match["img"] or match["bare"])

    def find(self, images_by_id, images_by_file):
        if self.image_id is not None:
            return images_by_id.get(self.image_id)
        return images_by_file.get(self.file_name)


def inline_marker(image_id: int) -> str:
    """The text a stored body holds for each placement of the library image ``image_id``."""
    return f'data-file="{image_id}"'


def inline_references(body: str) -> list[InlineReference]:
    """The library images ``body`` refers to, in order, as written."""
    return [InlineReference.from_match(match) for match in INLINE_IMAGE.finditer(body or "")]


class ImageQuerySet(models.QuerySet):
    def referenced(self, refs):
        """The images ``refs`` point at, by id and by file name, in one query."""
        ids = {ref.image_id for ref in refs if ref.image_id is not None}
        names = {ref.file_name for ref in refs if ref.image_id is None and ref.file_name}
        if not (ids or names):
            return {}, {}
        found = _referenced(ids=padded(sorted(ids)), names=padded(sorted(names)))
        return {image.pk: image for image in found}, {image.file.name: image for image in found}

    def placed_in(self, body: str) -> list["Image"]:
        """The library images placed in ``body`` that still exist, in order, each once."""
        refs = inline_references(body)
        by_id, by_file = self.referenced(refs)
        found = (ref.find(by_id, by_file) for ref in refs)
        return list({image.pk: image for image in found if image is not None}.values())


_referenced = Prepared(
    lambda ids, names: Image.objects.filter(models.Q(pk__in=ids) | models.Q(file__in=names))
)


class Image(Versioned):
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
    # The master and focal point whose renditions are all stored (``images.rendition_key``):
    # until it matches, they are being prepared and readers get the master itself.
    renditions_key = models.CharField(max_length=12, blank=True, editable=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ImageQuerySet.as_manager()

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
        new_master = bool(self.file) and not self.file._committed
        if new_master:
            # Whatever the route in (admin, demo loader, shell), only a checked,
            # upright, metadata-free master is ever stored.
            prepared = images.prepare_upload(self.file.file)
            self.file = prepared
            self.width, self.height = prepared.width, prepared.height
        # The row and its master are stored together or not at all: if the disk refuses the
        # file, the row is rolled back. The renditions are cut afterwards, by a task
        # (``stories.tasks.cut_renditions``, enqueued from the change record).
        try:
            with transaction.atomic():
                super().save(*args, **kwargs)
        except OSError:
            if new_master and self.file._committed:
                self.file.storage.delete(self.file.name)
            raise

    def clean(self):
        if not self.alt_text.strip() and self.pk:
            Story = apps.get_model("stories", "Story")
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

    @property
    def renditions_ready(self) -> bool:
        """Whether every rendition of the current master and focal point is stored."""
        return bool(self.width) and self.renditions_key == images.rendition_key(self)

    def renditions(self, ratio: str) -> list[images.Rendition]:
        """The renditions of this image cut to ``ratio`` ("16x9", "4x3" or "1x1"), smallest first.

        None while they are being prepared: pages then show the master.
        """
        return images.renditions_for(self, ratio) if self.renditions_ready else []

    def make_renditions(self, force: bool = False) -> int:
        """Cut the renditions that do not exist yet and note them ready; return how many were
        written. Safe to run again, and by two workers at once: files are written whole."""
        if not (self.width and self.file and self.file.storage.exists(self.file.name)):
            return 0
        written = images.generate_renditions(self, force=force)
        key = images.rendition_key(self)
        # Only if the picture is still the one cut: a newer master or focal point has its
        # own task coming.
        Image.objects.filter(
            pk=self.pk, file=self.file.name, focal_x=self.focal_x, focal_y=self.focal_y
        ).update(renditions_key=key)
        self.renditions_key = key
        return written


@receiver(post_delete, sender=Image, dispatch_uid="delete_image_files")
def _delete_image_files(sender, instance, **kwargs):
    # Deleting an image in the library takes it off the site: master and renditions.
    transaction.on_commit(images.files_deleter(instance))
