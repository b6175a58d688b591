"""Schema.org JSON-LD for story and person pages, and its safe embedding in HTML."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .addresses import address
from .images import RATIOS
from .models import Byline, Page, Story

# The schema.org type that says what kind of journalism a story is.
ARTICLE_TYPES = {
    Story.Kind.NEWS: "ReportageNewsArticle",
    Story.Kind.ANALYSIS: "AnalysisNewsArticle",
    Story.Kind.OPINION: "OpinionNewsArticle",
    Story.Kind.EXPLAINER: "BackgroundNewsArticle",
    Story.Kind.BACKGROUND: "BackgroundNewsArticle",
    Story.Kind.REVIEW: "ReviewNewsArticle",
}
LOGO = {"path": "img/logo.png", "width": 600, "height": 60}
#: What pages without a picture of their own are shared with: the logo on a 1200 x 630 card.
DEFAULT_SHARE_IMAGE = {"path": "img/share.png", "width": 1200, "height": 630}
#: The narrowest picture search engines and social cards take at its best.
SHARE_WIDTH = 1200

# Characters that could end a <script> element or start an HTML entity inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


# Google shows at most this many characters of an article's headline.
HEADLINE_LENGTH = 110


def headline(text):
    """``text`` as a headline of at most ``HEADLINE_LENGTH`` characters: a longer one ends at
    a word, with an ellipsis, rather than in the middle of one."""
    if len(text) <= HEADLINE_LENGTH:
        return text
    return text[: HEADLINE_LENGTH - 1].rsplit(" ", 1)[0].rstrip(" ,;:–—-") + "…"


def json_ld(data) -> str:
    """``data`` as a JSON-LD <script> element whose content cannot break out of it."""
    # On one line, which the C encoder writes: indented JSON is written by the pure-Python one.
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_SCRIPT_ESCAPES)),
    )


def iso(moment) -> str:
    """ISO 8601 with the newsroom's offset, e.g. 2026-11-24T10:15:00-05:00."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def authors(story):
    """The people credited with writing ``story``, from its ``byline_list``."""
    return [b.person for b in story.byline_list if b.role == Byline.Role.BY]


def large_renditions(image):
    """The largest JPEG rendition of ``image`` in each shape (16:9, 4:3, 1:1) that is at least
    ``SHARE_WIDTH`` wide; none while the renditions are being prepared (``renditions_ready``)."""
    largest = [[r for r in image.renditions(ratio) if r.format == "jpeg"][-1:] for ratio in RATIOS]
    return [r for [r] in filter(None, largest) if r.width >= SHARE_WIDTH]


def share_image(request, image=None):
    """What a page is shared with (``og:image``): the picture's 1200-pixel rendition in the
    widest shape it has, or the site's default card; never the uploaded original."""
    for ratio in RATIOS if image else ():
        for rendition in image.renditions(ratio):
            if rendition.format == "jpeg" and rendition.width == SHARE_WIDTH:
                return {
                    "url": _absolute(request, image.file.storage.url(rendition.name)),
                    "width": rendition.width,
                    "height": rendition.height,
                    "alt": image.alt_text,
                }
    return {
        "url": _absolute(request, static(DEFAULT_SHARE_IMAGE["path"])),
        "width": DEFAULT_SHARE_IMAGE["width"],
        "height": DEFAULT_SHARE_IMAGE["height"],
        "alt": settings.NEWSROOM_NAME,
    }


def _absolute(request, path):
    return request.build_absolute_uri(path) if request else path


def image_object(request, image, rendition):
    return {
        "@type": "ImageObject",
        "url": request.build_absolute_uri(image.file.storage.url(rendition.name)),
        "width": rendition.width,
        "height": rendition.height,
        "caption": image.caption or image.alt_text,
        "creditText": image.credit,
    }


def default_image_object(request):
    default = share_image(request)
    return {
        "@type": "ImageObject",
        "url": default["url"],
        "width": default["width"],
        "height": default["height"],
    }


def article_images(request, image):
    """The hero in the 16:9, 4:3 and 1:1 shapes search engines ask of articles, at least 1200
    pixels wide; the site's default card while there is none (search engines require one)."""
    renditions = large_renditions(image) if image else []
    return [image_object(request, image, r) for r in renditions] or [default_image_object(request)]


def person_reference(request, person):
    data = {
        "@type": "Person",
        "name": person.name,
        "url": request.build_absolute_uri(person.get_absolute_url()),
    }
    if person.title:
        data["jobTitle"] = person.title
    if person.photo and (portrait := _portrait(person.photo)):
        data["image"] = request.build_absolute_uri(person.photo.file.storage.url(portrait.name))
    return data


def _portrait(image):
    # The largest square JPEG: a face is cropped square on every page that shows one.
    return next((r for r in reversed(image.renditions("1x1")) if r.format == "jpeg"), None)


def publisher(request):
    def page_url(slug, section=""):
        return request.build_absolute_uri(address("stories:page", slug=slug)) + section

    home = request.build_absolute_uri(address("stories:home"))
    return {
        "@type": "NewsMediaOrganization",
        "@id": f"{home}#organization",
        "name": settings.NEWSROOM_NAME,
        "url": home,
        "logo": {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(static(LOGO["path"])),
            "width": LOGO["width"],
            "height": LOGO["height"],
        },
        "publishingPrinciples": page_url(Page.ETHICS),
        "ethicsPolicy": page_url(Page.ETHICS),
        "correctionsPolicy": page_url(Page.CORRECTIONS_POLICY),
        "masthead": page_url(Page.ABOUT, "#masthead"),
        "ownershipFundingInfo": page_url(Page.ABOUT, "#ownership"),
        "actionableFeedbackPolicy": request.build_absolute_uri(address("stories:contact")),
    }


def about_page(request, page):
    """The About page, about the newsroom."""
    url = request.build_absolute_uri(page.get_absolute_url())
    return {
        "@context": "https://schema.org",
        "@type": "AboutPage",
        "@id": url,
        "url": url,
        "name": page.title,
        "dateModified": iso(page.updated_at),
        "about": publisher(request),
    }


def news_article(request, story):
    """The article's JSON-LD, from what ``stories.story_page`` loads onto the story."""
    url = request.build_absolute_uri(story.get_absolute_url())
    by = authors(story)
    data = {
        "@context": "https://schema.org",
        "@type": ARTICLE_TYPES.get(story.kind, "NewsArticle"),
        "@id": url,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": headline(story.seo_headline or story.headline),
        "description": story.dek,
        "datePublished": iso(story.published_at),
        "dateModified": iso(story.updated_for_readers or story.published_at),
        "author": [person_reference(request, person) for person in by],
        "publisher": publisher(request),
        "articleSection": story.section.name,
        "keywords": [tag.name for tag in story.tag_list],
        "inLanguage": settings.LANGUAGE_CODE,
        "isAccessibleForFree": True,
    }
    contributors = [b.person for b in story.byline_list if b.person not in by]
    if contributors:
        data["contributor"] = [person_reference(request, p) for p in contributors]
    if story.dateline:
        data["dateline"] = story.dateline
    data["image"] = article_images(request, story.hero_image)
    if story.people_list:
        data["mentions"] = [person_reference(request, p) for p in story.people_list]
    if citations := cited_works(request, story):
        data["citation"] = citations
    if story.correction_list:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": f"{correction.get_kind_display()}: {correction.text}",
                "datePublished": iso(correction.published_at),
                "url": f"{url}#correction-{correction.pk}",
            }
            for correction in story.correction_list
        ]
    return data


def cited_works(request, story):
    """The sources a story cites by name with a public address. An anonymous citation is left
    out whole: even its description, linked to the story, says more than the page does."""
    return [
        {
            "@type": "CreativeWork",
            "name": citation.public_name,
            "url": request.build_absolute_uri(citation.public_url),
        }
        for citation in story.citation_list
        if not citation.is_anonymous and citation.public_url
    ]


def breadcrumbs(request, story):
    """Home, section, story: as search results show the story's place on the site."""
    trail = [
        (settings.NEWSROOM_NAME, address("stories:home")),
        (story.section.name, story.section.get_absolute_url()),
        (story.seo_headline or story.headline, story.get_absolute_url()),
    ]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(path),
            }
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }


def home(request):
    """The newsroom and its website, with the search readers can start from a search engine."""
    organization = {"@context": "https://schema.org", **publisher(request)}
    search = request.build_absolute_uri(address("stories:search"))
    website = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "@id": f"{organization['url']}#website",
        "name": settings.NEWSROOM_NAME,
        "url": organization["url"],
        "inLanguage": settings.LANGUAGE_CODE,
        "publisher": {"@id": organization["@id"]},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }
    return [organization, website]


def person(request, person):
    data = {"@context": "https://schema.org", **person_reference(request, person)}
    data["@id"] = data["url"]
    if person.bio:
        data["description"] = person.bio
    if person.profiles:
        data["sameAs"] = person.profiles
    if person.contact_email:
        data["email"] = person.contact_email
    if person.is_staff_member:
        data["worksFor"] = {"@type": "NewsMediaOrganization", "name": settings.NEWSROOM_NAME}
    elif person.organization:
        data["affiliation"] = {"@type": "Organization", "name": person.organization}
    return data
