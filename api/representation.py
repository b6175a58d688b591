"""What the API says of a story, a section, a tag, a person and a correction.

Everything is read from the public rule (``Story.objects.public()`` and the ``public()`` of
the other models); a partner key with embargo access adds ``Story.objects.under_embargo()``,
and such a story says so in its ``embargo``. Sources are shown as the story page shows them
(``stories.story_page``: a citation's public name and address, never who is behind an
anonymous one, never a source's contact details or notes). Every instance loaded labels the
response for the page cache, and what is read as rows is labelled as its instances would be.

``story(pk)`` gives one story's representation to code outside a request (webhooks).
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

import caching
from live import reader as live_reader
from stories import images as picture_files
from stories.aggregates import (
    bylines_of_each,
    corrections_of_each,
    ordered_aggregates,
    read,
    tags_of_each,
)
from stories.models import Person, Story, Tag
from stories.models.stories import LISTED_FIELDS
from stories.prepared import Prepared
from stories.story_page import (
    citations_of,
    corrections_read_with,
    credits,
    tag_fields_read_with,
)
from stories.templatetags.pictures import with_pictures

from . import cursors

API_PREFIX = "/api/v1"


def iso(moment):
    return None if moment is None else moment.astimezone(datetime.UTC).isoformat()


class Origin:
    """Builds absolute addresses: of the reader site, and of the API."""

    def __init__(self, origin: str):
        self.origin = origin.rstrip("/")

    def url(self, path: str) -> str:
        return f"{self.origin}{path}"

    def api(self, path: str) -> str:
        return f"{self.origin}{API_PREFIX}{path}"


def default_origin() -> Origin:
    return Origin(settings.SITE_URL or "")


def visible_stories(now, embargo_access=False):
    """The stories a reader may see; with ``embargo_access``, those under embargo as well."""
    stories = Story.objects.public(now)
    if embargo_access:
        stories = stories | Story.objects.under_embargo(now)
    return stories


# --- Stories ----------------------------------------------------------------------------


def _with_bylines_and_tags(stories):
    return stories.annotate(byline_data=bylines_of_each(), tag_data=tags_of_each())


def listed_stories(stories):
    """``stories`` loading what a list item shows: one query, bylines and tags included."""
    return _with_bylines_and_tags(
        stories.select_related("section", "hero_image").only(
            *LISTED_FIELDS,
            "embargo_until",
            "updated_at",
            "section__name",
            "section__slug",
            *(f"hero_image__{name}" for name in IMAGE_FIELDS),
        )
    )


IMAGE_FIELDS = (
    "file",
    "width",
    "height",
    "alt_text",
    "caption",
    "credit",
    "focal_x",
    "focal_y",
    "renditions_key",
)


def image(picture, origin):
    """A library picture with the addresses of its renditions, by ratio, smallest first
    (none while they are being prepared)."""
    if picture is None or not picture.width:
        return None
    url = picture.file.storage.url
    return {
        "id": picture.pk,
        "alt_text": picture.alt_text,
        "caption": picture.caption,
        "credit": picture.credit,
        "width": picture.width,
        "height": picture.height,
        "renditions": {
            ratio: [
                {
                    "url": _absolute(origin, url(r.name)),
                    "width": r.width,
                    "height": r.height,
                    "format": r.format,
                }
                for r in picture.renditions(ratio)
            ]
            for ratio in picture_files.RATIOS
        },
    }


def _absolute(origin, url):
    return url if "://" in url else origin.url(url)


def _named(pk, name, slug, address, collection, origin):
    """A section, tag or person as the API names it: ids, name, slug and both addresses."""
    return {
        "id": pk,
        "name": name,
        "slug": slug,
        "url": origin.url(address),
        "api_url": origin.api(f"/{collection}/{pk}/"),
    }


def section(obj, origin):
    return _named(obj.pk, obj.name, obj.slug, obj.get_absolute_url(), "sections", origin)


def _tag(pk, name, slug, origin):
    return _named(pk, name, slug, Tag.address_of(slug), "tags", origin)


def _person_named(pk, name, slug, origin):
    return _named(pk, name, slug, Person.address_of(slug), "people", origin)


def embargo(story, now):
    """How an embargoed story is marked; None for a story readers may see."""
    if story.embargo_until is None or story.embargo_until <= now:
        return None
    return {
        "until": iso(story.embargo_until),
        "note": "Embargoed: not for publication before "
        f"{story.embargo_until.astimezone(datetime.UTC):%Y-%m-%d %H:%M} UTC.",
    }


def story_summary(story, origin, now):
    """A story as a list shows it, from a row of ``listed_stories()``."""
    bylines = read(story.byline_data)
    if not ordered_aggregates():
        bylines.sort(key=lambda fields: fields["position"])
    caching.label_rows(Person, [fields["person"] for fields in bylines])
    tags = tag_fields_read_with(story)
    caching.label_rows(Tag, [tag["id"] for tag in tags])
    return {
        "id": story.pk,
        "url": origin.url(story.get_absolute_url()),
        "api_url": origin.api(f"/stories/{story.pk}/"),
        "headline": story.headline,
        "dek": story.dek,
        "kicker": story.kicker,
        "kind": story.kind,
        "slug": story.slug,
        "section": section(story.section, origin),
        "published_at": iso(story.published_at),
        "updated_at": iso(story.updated_for_readers),
        "modified_at": iso(modified(story)),
        "embargo": embargo(story, now),
        "bylines": [
            {
                "role": fields["role"],
                "person": _person_named(fields["person"], fields["name"], fields["slug"], origin),
            }
            for fields in bylines
        ],
        "tags": [_tag(tag["id"], tag["name"], tag["slug"], origin) for tag in tags],
        "hero_image": image(story.hero_image, origin),
    }


def _story_list(
    now,
    embargo_access,
    limit,
    section=None,
    tag=None,
    person=None,
    kind=None,
    since=None,
    after_time=None,
    after_id=None,
):
    listed = visible_stories(now, embargo_access)
    if section is not None:
        listed = listed.filter(section=section)
    if tag is not None:
        listed = listed.filter(tags=tag)
    if person is not None:
        listed = listed.by_or_about(person)
    if kind is not None:
        listed = listed.filter(kind=kind)
    if since is not None:
        listed = listed.filter(Q(updated_at__gte=since) | Q(last_significant_update__gte=since))
    if after_time is not None:
        listed = listed.filter(cursors.before(after_time, after_id))
    return listed_stories(listed).order_by("-published_at", "-pk")[: limit + 1]


# A page of stories, newest first, with one more to tell whether a next page exists; each
# filter is given as an id (or a kind, a time, a cursor's position), or left out.
story_list = Prepared(_story_list, shape=("embargo_access", "limit"))


def modified(story):
    """When anything of the story last changed: an edit, or a correction."""
    return max(filter(None, (story.updated_at, story.last_significant_update)), default=None)


def _detailed(stories):
    detailed = listed_stories(stories).defer(None).select_related("live_coverage")
    return detailed.annotate(correction_data=corrections_of_each())


LIVE_UPDATES = 100


def _citation(origin, citation):
    """What readers see of a story's or an update's source: never who an anonymous one is."""
    return {
        "cited_as": citation.cited_as,
        "cited_as_label": citation.get_cited_as_display(),
        "name": citation.public_name,
        "url": _absolute(origin, citation.public_url) if citation.public_url else None,
        "is_anonymous": citation.is_anonymous,
        "supports": citation.supports,
    }


def live(story, origin, now):
    """A live story's coverage and newest public updates (one query), or None."""
    coverage = getattr(story, "live_coverage", None)
    if coverage is None:
        return None
    updates = live_reader.complete(list(live_reader.public_updates(story.pk, now)[:LIVE_UPDATES]))
    return {
        "is_open": coverage.is_live,
        "started_at": iso(coverage.started_at),
        "closed_at": iso(coverage.closed_at),
        "newest_first": coverage.newest_first,
        "summary_html": coverage.summary,
        "updates": [
            {
                "id": update.pk,
                "url": origin.url(
                    f"{story.get_absolute_url()}?update={update.pk}#{update.anchor}"
                ),
                "headline": update.headline,
                "body_html": str(with_pictures(update.body)),
                "published_at": iso(update.published_at),
                "authors": [
                    _person_named(person.pk, person.name, person.slug, origin)
                    for person in update.author_list
                ],
                "pinned": update.pinned,
                "key_event": update.key_event,
                "corrections": [
                    {"id": c.pk, "text": c.text, "published_at": iso(c.published_at)}
                    for c in update.correction_list
                ],
                "citations": [_citation(origin, c) for c in update.citation_list],
            }
            for update in updates
        ],
    }


# The two queries of a story's detail, compiled once (stories.prepared).
_visible_story = Prepared(
    lambda story_id, now, embargo_access: _detailed(
        visible_stories(now, embargo_access).filter(pk=story_id)
    ),
    shape=("embargo_access",),
)
_related_stories = Prepared(
    lambda story_id, now: listed_stories(Story.objects.public(now).related_to(story_id)).order_by(
        "-published_at", "-pk"
    )
)


def story_detail(story_id, origin, now, embargo_access=False):
    """The whole story with ``story_id`` readers (or, with ``embargo_access``, a partner) may
    see, or None: four queries, five when its body places pictures from the library."""
    found = _visible_story(story_id=story_id, now=now, embargo_access=embargo_access)
    if not found:
        return None
    story = found[0]
    related = _related_stories(story_id=story.pk, now=now)
    byline_list, people_list = credits(story)
    data = story_summary(story, origin, now)
    data.update(
        seo_headline=story.seo_headline,
        dateline=story.dateline,
        body_html=str(with_pictures(story.body)),
        people=[
            {
                **_person_named(person.pk, person.name, person.slug, origin),
                "title": person.title,
            }
            for person in people_list
        ],
        corrections=[correction(c, origin) for c in corrections_read_with(story)],
        citations=[_citation(origin, citation) for citation in citations_of(story=story.pk)],
        related=[story_summary(other, origin, now) for other in related],
        live=live(story, origin, now),
    )
    data["bylines"] = [
        {
            "role": byline.role,
            "person": {
                **_person_named(byline.person.pk, byline.person.name, byline.person.slug, origin),
                "title": byline.person.title,
            },
        }
        for byline in byline_list
    ]
    data["_story"] = story
    return data


def story(pk, *, origin=None, now=None, embargo_access=False) -> dict | None:
    """The API representation of the story ``pk``, as ``GET /api/v1/stories/<pk>/`` gives it,
    or None when readers may not see it (for a webhook: send its id and address instead)."""
    data = story_detail(
        pk, origin or default_origin(), now or timezone.now(), embargo_access=embargo_access
    )
    if data is not None:
        del data["_story"]
    return data


# --- Everything else ----------------------------------------------------------------------


def section_detail(obj, origin):
    return {
        **section(obj, origin),
        "description": obj.description,
        "stories_api_url": origin.api(f"/stories/?section={obj.slug}"),
    }


def tag_detail(obj, origin):
    return {
        **_tag(obj.pk, obj.name, obj.slug, origin),
        "description": obj.description,
        "stories_api_url": origin.api(f"/stories/?tag={obj.slug}"),
    }


def person_detail(obj, origin):
    return {
        **_person_named(obj.pk, obj.name, obj.slug, origin),
        "title": obj.title,
        "organization": obj.organization,
        "bio": obj.bio,
        "is_staff_member": obj.is_staff_member,
        "photo": image(obj.photo, origin),
        "stories_api_url": origin.api(f"/stories/?person={obj.slug}"),
    }


def correction(obj, origin, story=None):
    data = {
        "id": obj.pk,
        "kind": obj.kind,
        "kind_label": obj.get_kind_display(),
        "text": obj.text,
        "published_at": iso(obj.published_at),
    }
    if story is not None:
        data["story"] = {
            "id": story.pk,
            "headline": story.headline,
            "url": origin.url(story.get_absolute_url()),
            "api_url": origin.api(f"/stories/{story.pk}/"),
        }
    return data
