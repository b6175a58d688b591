import copy
import uuid
from pathlib import PurePath

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse
from django.utils import timezone

from stories.encryption import EncryptedTextField, Unreadable, decrypt, encrypt

from .stories import PUBLISH_PERMISSION
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
        cited = [
            model.objects.seen_by_readers().filter(is_anonymous=False).values("source")
            for model in citation_models()
        ]
        return self.exclude(document="").filter(
            document_is_public=True, pk__in=cited[0].union(*cited[1:])
        )


class Source(Versioned):
    """Who or what a story relies on. Contact details and notes never leave the admin, and
    the database holds them encrypted."""

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
    contact_details = EncryptedTextField(
        blank=True, help_text="Editor-only. Never shown to readers. Stored encrypted."
    )
    private_notes = EncryptedTextField(
        blank=True, help_text="Editor-only. Never shown to readers. Stored encrypted."
    )
    # The database cannot look inside the encrypted contact details; this it can filter on.
    has_contact_details = models.BooleanField(default=False, editable=False)
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

    def save(self, *args, **kwargs):
        self.has_contact_details = bool(self.contact_details) or isinstance(
            self.contact_details, Unreadable
        )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if citations := self.anonymous_citations():
            raise models.ProtectedError(
                f"“{self}” is cited anonymously, so it cannot be deleted.", set(citations)
            )
        return super().delete(*args, **kwargs)

    @property
    def document_url(self) -> str:
        if not self.document:
            return ""
        return reverse("source-document", kwargs={"name": self.document.name})

    @property
    def unreadable_fields(self) -> list[str]:
        """Encrypted fields that none of the keys in SOURCE_ENCRYPTION_KEYS can open."""
        return [
            name
            for name in ("contact_details", "private_notes")
            if isinstance(getattr(self, name), Unreadable)
        ]

    @staticmethod
    def fields_for_editors_only(user) -> list[str]:
        """The fields ``user`` may not set on any source: putting a document before readers
        is a publishing decision."""
        return [] if user.has_perm(PUBLISH_PERMISSION) else ["document_is_public"]

    def anonymous_citations(self) -> list["Citation"]:
        """The citations that rely on this source without naming it. The database cannot
        tell (it holds their source encrypted), so each anonymous citation is opened."""
        return [
            citation
            for model in citation_models()
            for citation in model.objects.filter(is_anonymous=True).select_related(model.cites_for)
            if citation.cited_source_id == self.pk
        ]


class SourceAccess(models.Model):
    """One time a member of staff was shown a source's contact details or private notes."""

    source = models.ForeignKey(
        Source, null=True, on_delete=models.SET_NULL, related_name="accesses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    viewed_at = models.DateTimeField(default=timezone.now)
    shown = models.CharField(max_length=200, help_text="What the page showed.")

    class Meta:
        ordering = ["-viewed_at", "-pk"]
        get_latest_by = "viewed_at"
        verbose_name = "access to a source's contact details"
        verbose_name_plural = "accesses to sources' contact details"

    def __str__(self):
        who = self.user.get_username() if self.user else "a deleted user"
        return f"{who} saw the {self.shown} of {self.source or 'a deleted source'}"

    @classmethod
    def record(cls, source, user):
        """Note that ``user`` is being shown what ``source`` keeps from readers, if anything."""
        shown = [
            label
            for name, label in [
                ("contact_details", "contact details"),
                ("private_notes", "private notes"),
            ]
            if getattr(source, name)
        ]
        if shown:
            return cls.objects.create(source=source, user=user, shown=" and ".join(shown))
        return None


def citation_models() -> list[type["CitedSource"]]:
    """Every kind of citation: a story's, and those other apps add (live updates')."""
    return [model for model in apps.get_models() if issubclass(model, CitedSource)]


class CitationQuerySet(models.QuerySet):
    def seen_by_readers(self):
        """Citations shown to readers: those of public stories."""
        return self.filter(story__in=apps.get_model("stories", "Story").objects.public())

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for citation in objs:
            citation.seal()
        return super().bulk_create(objs, *args, **kwargs)


class CitedSource(models.Model):
    """How a piece of journalism relies on one source: the rules every kind of citation keeps.

    A named citation links its source; an anonymous one keeps the source's id only encrypted
    (``sealed_source``), so that the database, or a copy of it, does not say who it is.
    A concrete citation adds what it belongs to, its ``source`` foreign key (null, PROTECT)
    and the constraints below, named for its own table.
    """

    class CitedAs(models.TextChoices):
        ACCORDING_TO = "according_to", "According to"
        CONFIRMED_BY = "confirmed_by", "Confirmed by"
        INTERVIEW = "interview", "Interviewed by us"
        STATEMENT = "statement", "In a statement"
        DOCUMENT = "document", "Document reviewed by us"
        DATA = "data", "Data analysed by us"

    sealed_source = EncryptedTextField(blank=True, editable=False)
    cited_as = models.CharField(max_length=20, choices=CitedAs, default=CitedAs.ACCORDING_TO)
    supports = models.TextField(blank=True, help_text="What this source supports in the story.")
    is_anonymous = models.BooleanField(
        "anonymous",
        default=False,
        help_text="Readers see only the public description, never the source's identity, "
        "and the database keeps the identity encrypted.",
    )
    public_description = models.CharField(
        max_length=200,
        blank=True,
        help_text='How readers see an anonymous source, e.g. "a senior Treasury official".',
    )
    position = models.PositiveSmallIntegerField(default=0)

    # What the citation belongs to ("story", "update"): one citation of a source each.
    cites_for = ""

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.get_cited_as_display()} {self.public_name}"

    def save(self, *args, **kwargs):
        self.seal()
        super().save(*args, **kwargs)

    def clean(self):
        if self.is_anonymous and not self.public_description.strip():
            raise ValidationError(
                {"public_description": "Describe the anonymous source for readers."}
            )
        # The database cannot see an anonymous citation's source, so it cannot refuse a second
        # citation of it; this does.
        owner = f"{self.cites_for}_id"
        others = type(self).objects.filter(**{owner: getattr(self, owner)}).exclude(pk=self.pk)
        if self.cited_source_id and any(
            other.cited_source_id == self.cited_source_id
            and (other.is_anonymous or self.is_anonymous)
            for other in others
        ):
            raise ValidationError({"source": f"This {self.cites_for} already cites this source."})

    def validate_constraints(self, exclude=None):
        # The constraints hold for the row as it is stored, with an anonymous source sealed.
        stored = copy.copy(self)
        stored.seal()
        super(CitedSource, stored).validate_constraints(exclude)

    def seal(self):
        """Keep the source of an anonymous citation encrypted, and link a named one."""
        if self.is_anonymous and self.source_id is not None:
            self.sealed_source, self.source = str(self.source_id), None
        elif not self.is_anonymous:
            self.source_id, self.sealed_source = self.cited_source_id, ""

    @property
    def cited_source_id(self) -> int | None:
        """The source's id, named or anonymous; None if no key can open a sealed one."""
        if self.source_id is not None:
            return self.source_id
        if self.sealed_source and not isinstance(self.sealed_source, Unreadable):
            return int(self.sealed_source)
        return None

    @property
    def cited_source(self) -> Source | None:
        """The source itself, for the newsroom: for readers there is ``public_name``."""
        if self.source_id is not None:
            return self.source
        return Source.objects.filter(pk=self.cited_source_id).first()

    @property
    def source_is_unreadable(self) -> bool:
        return isinstance(self.sealed_source, Unreadable)

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


def citation_constraints(owner: str, prefix: str) -> list:
    """The constraints of a citation belonging to ``owner``, named with ``prefix``."""
    return [
        models.UniqueConstraint(fields=[owner, "source"], name=f"{prefix}_one_per_source"),
        models.CheckConstraint(
            condition=models.Q(is_anonymous=False) | ~models.Q(public_description=""),
            name=f"{prefix}_anonymous_has_description",
            violation_error_message="An anonymous source needs a public description.",
        ),
        models.CheckConstraint(
            condition=models.Q(is_anonymous=False, source__isnull=False, sealed_source="")
            | models.Q(is_anonymous=True, source__isnull=True),
            name=f"{prefix}_anonymous_source_is_sealed",
            violation_error_message="An anonymous citation keeps its source sealed.",
        ),
    ]


class Citation(CitedSource):
    """How one story relies on one source."""

    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="citations")
    # Null in the database for an anonymous citation, yet required in forms: ``seal`` moves
    # the chosen source into ``sealed_source`` as the citation is saved.
    source = models.ForeignKey(
        Source, null=True, on_delete=models.PROTECT, related_name="citations"
    )

    objects = CitationQuerySet.as_manager()
    cites_for = "story"

    class Meta(CitedSource.Meta):
        constraints = citation_constraints("story", "citation")

    @property
    def cited_in(self):
        return self.story


def seal_source_id(source_id) -> str:
    """An anonymous citation's source id as a revision keeps it: encrypted."""
    return encrypt(str(source_id))


def unseal_source_id(token) -> int | None:
    text = decrypt(token) if token else ""
    return int(text) if text else None
