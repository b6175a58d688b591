import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse

from .versions import Versioned


def document_path(source, filename):
    """A random, unguessable name: a document's own name can identify who supplied it."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"documents/{uuid.uuid4().hex}{suffix}"


def private_storage():
    """Outside the public media: ``stories.files.source_document`` decides who gets a file."""
    return storages["private"]


class SourceQuerySet(models.QuerySet):
    def with_public_document(self):
        """Sources whose document a reader may download.

        The document must be marked public and the source cited by name in a story
        readers can see; anything else is for the newsroom only.
        """
        from .stories import Story

        return (
            self.exclude(document="")
            .filter(
                document_is_public=True,
                citations__is_anonymous=False,
                citations__story__in=Story.objects.public(),
            )
            .distinct()
        )


class Source(Versioned):
    """Who or what a story relies on. Contact details and notes never leave the admin."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        OFFICIAL = "official", "Official"
        ORGANIZATION = "organization", "Organization"
        DOCUMENT = "document", "Document"
        DATASET = "dataset", "Dataset"
        STATEMENT = "statement", "Statement"

    kind = models.CharField(max_length=20, choices=Kind)
    name = models.CharField(max_length=200)
    affiliation = models.CharField(max_length=200, blank=True)
    url = models.URLField("public URL", blank=True)
    document = models.FileField(upload_to=document_path, storage=private_storage, blank=True)
    document_is_public = models.BooleanField(
        "readers may download the document",
        default=False,
        help_text="Tick only for a document meant for readers, such as a public record or a "
        "published report: stories that cite this source by name then link to it. Anything "
        "given in confidence stays unticked; only the newsroom can open it.",
    )
    contact_details = models.TextField(
        blank=True, help_text="Editor-only. Never shown to readers."
    )
    private_notes = models.TextField(blank=True, help_text="Editor-only. Never shown to readers.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [
            ("view_source_contacts", "Can see sources' contact details and private notes"),
        ]

    def __str__(self):
        if self.affiliation:
            return f"{self.name} ({self.affiliation})"
        return self.name

    @property
    def document_url(self) -> str:
        if not self.document:
            return ""
        return reverse("source-document", kwargs={"name": self.document.name})


class Citation(models.Model):
    """How one story relies on one source."""

    class CitedAs(models.TextChoices):
        ACCORDING_TO = "according_to", "According to"
        CONFIRMED_BY = "confirmed_by", "Confirmed by"
        INTERVIEW = "interview", "Interviewed by us"
        STATEMENT = "statement", "In a statement"
        DOCUMENT = "document", "Document reviewed by us"
        DATA = "data", "Data analysed by us"

    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    cited_as = models.CharField(max_length=20, choices=CitedAs, default=CitedAs.ACCORDING_TO)
    supports = models.TextField(blank=True, help_text="What this source supports in the story.")
    is_anonymous = models.BooleanField(
        "anonymous",
        default=False,
        help_text="Readers see only the public description, never the source's identity.",
    )
    public_description = models.CharField(
        max_length=200,
        blank=True,
        help_text='How readers see an anonymous source, e.g. "a senior Treasury official".',
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["story", "source"], name="citation_one_per_source"),
            models.CheckConstraint(
                condition=models.Q(is_anonymous=False) | ~models.Q(public_description=""),
                name="citation_anonymous_has_description",
                violation_error_message="An anonymous source needs a public description.",
            ),
        ]

    def __str__(self):
        return f"{self.get_cited_as_display()} {self.public_name}"

    def clean(self):
        if self.is_anonymous and not self.public_description.strip():
            raise ValidationError(
                {"public_description": "Describe the anonymous source for readers."}
            )

    @property
    def public_name(self) -> str:
        """The only name of this source a reader may ever see."""
        if self.is_anonymous:
            return self.public_description
        return self.source.name

    @property
    def public_url(self) -> str:
        if self.is_anonymous:
            return ""
        if self.source.url:
            return self.source.url
        if self.source.document_is_public:
            return self.source.document_url
        return ""
