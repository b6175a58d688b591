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

# Characters that could end a <script> element or start an HTML entity inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


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


def image_object(request, image, rendition=None):
    return {
        "@type": "ImageObject",
        "url": request.build_absolute_uri(
            image.file.storage.url(rendition.name) if rendition else image.file.url
        ),
        "width": rendition.width if rendition else image.width,
        "height": rendition.height if rendition else image.height,
        "caption": image.caption or image.alt_text,
        "creditText": image.credit,
    }


def article_images(request, image):
    """The hero in the 16:9, 4:3 and 1:1 shapes search engines ask of articles, largest JPEG each."""
    largest = [[r for r in image.renditions(ratio) if r.format == "jpeg"][-1:] for ratio in RATIOS]
    return [image_object(request, image, r) for [r] in filter(None, largest)] or [
        image_object(request, image)
    ]


def person_reference(request, person):
    data = {
        "@type": "Person",
        "name": person.name,
        "url": request.build_absolute_uri(person.get_absolute_url()),
    }
    if person.title:
        data["jobTitle"] = person.title
    if person.photo:
        data["image"] = request.build_absolute_uri(person.photo.file.url)
    return data


def publisher(request):
    def page_url(slug):
        return request.build_absolute_uri(address("stories:page", slug=slug))

    return {
        "@type": "NewsMediaOrganization",
        "name": settings.NEWSROOM_NAME,
        "url": request.build_absolute_uri(address("stories:home")),
        "logo": {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(static(LOGO["path"])),
            "width": LOGO["width"],
            "height": LOGO["height"],
        },
        "publishingPrinciples": page_url(Page.ETHICS),
        "ethicsPolicy": page_url(Page.ETHICS),
        "correctionsPolicy": page_url(Page.CORRECTIONS_POLICY),
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
        "headline": (story.seo_headline or story.headline)[:110],
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
    if story.hero_image:
        data["image"] = article_images(request, story.hero_image)
    if story.people_list:
        data["mentions"] = [person_reference(request, p) for p in story.people_list]
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


def person(request, person):
    data = {"@context": "https://schema.org", **person_reference(request, person)}
    data["@id"] = data["url"]
    if person.bio:
        data["description"] = person.bio
    if person.is_staff_member:
        data["worksFor"] = {"@type": "NewsMediaOrganization", "name": settings.NEWSROOM_NAME}
    elif person.organization:
        data["affiliation"] = {"@type": "Organization", "name": person.organization}
    return data
