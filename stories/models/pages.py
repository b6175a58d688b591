from django.core.exceptions import ValidationError
from django.db import models
from django.urls import Resolver404, resolve, reverse

from stories.sanitize import clean_html

from .versions import Versioned


class Page(Versioned):
    """A standing page readers can consult, such as About, Ethics or the corrections policy."""

    # The pages the site links to everywhere and structured data cites as policies.
    ABOUT = "about"
    ETHICS = "ethics"
    CORRECTIONS_POLICY = "corrections-policy"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=100, help_text="The page's address: /about/ for the slug “about”."
    )
    summary = models.CharField(
        max_length=300, blank=True, help_text="One sentence for search engines and social cards."
    )
    body = models.TextField(
        help_text="Paragraphs, headings, lists, links, quotes and emphasis. Anything else is removed."
    )
    # The About page's own sections: search engines read each one's address as the newsroom's
    # statement of ownership and funding, and of how to reach it.
    ownership_and_funding = models.TextField(
        "ownership and funding",
        blank=True,
        help_text="About page only: who owns the newsroom and who pays for its work (donors, "
        "grants, advertising), shown under “Ownership and funding”.",
    )
    how_to_contact = models.TextField(
        "how to contact the newsroom",
        blank=True,
        help_text="About page only: addresses, e-mail and telephone, and who answers, shown "
        "under “Contact us”.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="page_unique_slug"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        self.ownership_and_funding = clean_html(self.ownership_and_funding)
        self.how_to_contact = clean_html(self.how_to_contact)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("stories:page", kwargs={"slug": self.slug})

    def clean(self):
        # A slug the site already uses (``corrections``, ``rss``) would make the page unreachable.
        try:
            match = resolve(f"/{self.slug}/")
        except Resolver404:
            match = None
        if self.slug and (match is None or match.view_name != "stories:page"):
            raise ValidationError(
                {"slug": "This address is already used by the site; choose another."}
            )
        if self.slug != self.ABOUT:
            shown_on_about_only = {
                name: "Only the About page shows this; move it into the body or leave it empty."
                for name in ("ownership_and_funding", "how_to_contact")
                if getattr(self, name).strip()
            }
            if shown_on_about_only:
                raise ValidationError(shown_on_about_only)

    @property
    def is_about(self) -> bool:
        return self.slug == self.ABOUT
