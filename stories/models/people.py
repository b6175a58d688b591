from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

from stories.addresses import address

from .redirects import KeepsOldSlugs
from .stories import PUBLISH_PERMISSION
from .versions import Versioned

_https_url = URLValidator(schemes=["https"])


def validate_profile_urls(text):
    """One https address per line: anything else could send readers where no one checked."""
    for line in text.splitlines():
        if line.strip():
            try:
                _https_url(line.strip())
            except ValidationError:
                raise ValidationError(
                    "“%(line)s” is not an https:// address. Put one full address per line, "
                    "e.g. https://mastodon.social/@name.",
                    code="profile_url",
                    params={"line": line.strip()[:100]},
                ) from None


class PersonQuerySet(models.QuerySet):
    def public(self, at=None):
        """People readers may see: staff, and anyone in a byline or in a public story.

        Someone known to the newsroom only from unpublished work is not announced.
        """
        # Asked per person, not by listing every public story's people; people in the news
        # are most often in a story, so that is asked before their bylines.
        stories = apps.get_model("stories", "Story").objects.public(at)
        return self.filter(
            models.Q(is_staff_member=True)
            | models.Exists(stories.filter(people=models.OuterRef("pk")))
            | models.Exists(stories.filter(bylines__person=models.OuterRef("pk")))
        )


class Person(KeepsOldSlugs, Versioned):
    """Anyone the newsroom writes about or who writes for it; not necessarily a user."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    title = models.CharField(max_length=200, blank=True, help_text="Role or job title.")
    organization = models.CharField(max_length=200, blank=True)
    bio = models.TextField(blank=True)
    photo = models.ForeignKey(
        "stories.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    profile_urls = models.TextField(
        "public profiles",
        blank=True,
        validators=[validate_profile_urls],
        help_text="Their own website and public accounts (Mastodon, LinkedIn, Bluesky), one "
        "https:// address per line. Search engines read them to tell this person from others "
        "of the same name.",
    )
    public_email = models.EmailField(
        "e-mail for readers",
        blank=True,
        help_text="A work address readers may write to about this person's reporting. Shown "
        "on their page while they are on the staff. Only an editor sets this.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        verbose_name="staff account",
        help_text="The sign-in account of this staff member: their new stories carry their "
        "byline, and their desk lists the stories they are in. Only an editor sets this.",
    )
    is_staff_member = models.BooleanField(
        "staff",
        default=False,
        help_text="Works for the newsroom (reporters, editors, photographers): their page "
        "is public at once. Only an editor sets or clears this.",
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="person_unique_slug"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.address_of(self.slug)

    @staticmethod
    def address_of(slug):
        """The address of the person with ``slug``: for lists that read persons as rows."""
        return address("stories:person", slug=slug)

    @property
    def profiles(self) -> list[str]:
        """The public profile addresses, one per line of ``profile_urls``."""
        return [line.strip() for line in self.profile_urls.splitlines() if line.strip()]

    @property
    def contact_email(self) -> str:
        """The address readers may write to: a staff member's public e-mail, never anyone
        else's."""
        return self.public_email if self.is_staff_member else ""

    @property
    def has_public_page(self) -> bool:
        return self.pk is not None and Person.objects.public().filter(pk=self.pk).exists()

    def may_be_changed_by(self, user) -> bool:
        """Whether ``user`` may change or delete this person.

        What a public page shows goes to readers, so once this person's page is public
        (see ``PersonQuerySet.public``) only an editor changes it, as for a published story.
        """
        return user.has_perm(PUBLISH_PERMISSION) or not self.has_public_page

    @staticmethod
    def fields_for_editors_only(user) -> list[str]:
        """The fields ``user`` may not set on any person: marking someone as staff makes
        their page public at once, and an e-mail address on it invites readers to write, both
        publishing decisions."""
        if user.has_perm(PUBLISH_PERMISSION):
            return []
        return ["is_staff_member", "user", "public_email"]

    @staticmethod
    def of_user(user):
        """The person ``user`` signs in as, or None."""
        return Person.objects.filter(user=user).first() if user.is_authenticated else None
