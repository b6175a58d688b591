"""What readers get of live coverage: the story page's stream, the polling fragment, JSON-LD.

Every list starts from ``LiveUpdate.objects.public()``. An update's authors and corrections
are read with it as JSON lists (``stories.aggregates``), so that a page of the stream, the
key events with the pinned update, and the time of the latest update cost a query each
however long the stream is; the polling fragment costs two.
"""

import datetime

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.html import strip_tags

import caching
from stories.aggregates import json_list, read
from stories.models import Person, Source, Story
from stories.pagination import ListPage, page_number
from stories.structured_data import headline, iso, person_reference

from .models import LiveUpdate, LiveUpdateCitation, LiveUpdateCorrection

PAGE_SIZE = 20
# The polling fragment carries this many of the newest updates; readers' pages ask for it
# this often. Every reader polls the same cached answer, so the database hears of it about
# once per purge, however many readers there are.
FRAGMENT_SIZE = 20
POLL_SECONDS = 30
STREAM_FIELDS = ["story", "headline", "body", "published_at", "pinned", "key_event"]


def _authors_of_each():
    return json_list(
        LiveUpdate.authors.through.objects.filter(liveupdate=OuterRef("pk")).values("liveupdate"),
        ordering=("person__name", "person_id"),
        id="person_id",
        name="person__name",
        slug="person__slug",
    )


def _corrections_of_each():
    return json_list(
        LiveUpdateCorrection.objects.filter(update=OuterRef("pk")).values("update"),
        ordering=("published_at", "id"),
        id="id",
        text="text",
        published_at="published_at",
    )


def _citations_of_each():
    # What readers see of a source, as a story page shows it (``stories.story_page``): an
    # anonymous citation's source is sealed, so its row holds no source to read.
    return json_list(
        LiveUpdateCitation.objects.filter(update=OuterRef("pk")).values("update"),
        ordering=("position", "id"),
        id="id",
        position="position",
        cited_as="cited_as",
        supports="supports",
        is_anonymous="is_anonymous",
        public_description="public_description",
        name="source__name",
        url="source__url",
        document="source__document",
        document_is_public="source__document_is_public",
    )


def _citation(fields):
    named = Source(
        name=fields.pop("name"),
        url=fields.pop("url"),
        document=fields.pop("document"),
        document_is_public=fields.pop("document_is_public"),
    )
    citation = LiveUpdateCitation(pk=fields.pop("id"), **fields)
    if not citation.is_anonymous:
        citation.source = named
    return citation


def public_updates(story, now):
    """The public updates of ``story`` with what a reader sees of each, newest first."""
    return (
        LiveUpdate.objects.public(now)
        .filter(story=story)
        .only(*STREAM_FIELDS)
        .annotate(
            author_data=_authors_of_each(),
            correction_data=_corrections_of_each(),
            citation_data=_citations_of_each(),
        )
        .order_by("-published_at", "-pk")
    )


def latest_public_update(now):
    """The time of the latest public update of each story (``OuterRef("pk")``), or None."""
    latest = LiveUpdate.objects.public(now).filter(story=OuterRef("pk")).order_by("-published_at")
    return Subquery(latest.values("published_at")[:1])


def _moment(text):
    moment = datetime.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def complete(updates):
    """Turn the JSON lists read with ``updates`` into ``author_list``, ``correction_list``
    and ``citation_list``."""
    people = set()
    for update in updates:
        authors = read(update.author_data)
        authors.sort(key=lambda a: (a["name"], a["id"]))  # SQLite does not order aggregates.
        update.author_list = [Person(pk=a["id"], name=a["name"], slug=a["slug"]) for a in authors]
        people.update(a["id"] for a in authors)
        corrections = read(update.correction_data)
        update.correction_list = sorted(
            (
                LiveUpdateCorrection(
                    pk=c["id"], text=c["text"], published_at=_moment(c["published_at"])
                )
                for c in corrections
            ),
            key=lambda c: (c.published_at, c.pk),
        )
        citations = sorted(read(update.citation_data), key=lambda c: (c["position"], c["id"]))
        update.citation_list = [_citation(fields) for fields in citations]
    caching.label_rows(Person, people)
    return updates


def coverage_context(request, story, now=None):
    """What the page of a live ``story`` adds: its coverage, key events, pinned update and the
    page of the stream ``?page=`` asks for (or, with ``?update=<id>``, the one holding it).

    Also brings ``story.last_significant_update`` (in memory) up to its latest public update,
    which the page's "Updated" line, its Open Graph tags and its JSON-LD read.
    """
    coverage = getattr(story, "live_coverage", None)
    if coverage is None:
        return {}
    now = now or timezone.now()
    updates = public_updates(story.pk, now)
    highlighted = complete(list(updates.filter(Q(key_event=True) | Q(pinned=True))))
    pinned = next((u for u in highlighted if u.pinned), None)
    stream = updates.exclude(pinned=True)
    if not coverage.newest_first:
        stream = stream.order_by("published_at", "pk")
    number = _page_asked(request, updates, coverage.newest_first)
    offset = (number - 1) * PAGE_SIZE
    rows = complete(list(stream[offset : offset + PAGE_SIZE + 1]))
    if not rows and number > 1:
        raise Http404("There is no such page.")
    latest = LiveUpdate.objects.public(now).filter(story=story.pk).aggregate(Max("published_at"))
    latest = latest["published_at__max"]
    if latest and (
        story.last_significant_update is None or latest > story.last_significant_update
    ):
        story.last_significant_update = latest
    return {
        "live": coverage,
        "live_page": ListPage(rows[:PAGE_SIZE], number, has_next=len(rows) > PAGE_SIZE),
        "key_events": sorted(
            (u for u in highlighted if u.key_event), key=lambda u: u.published_at, reverse=True
        ),
        "pinned": pinned,
        "live_latest": latest,
        "live_poll_seconds": POLL_SECONDS,
    }


def _parse_id(value):
    """``value`` as an id any database can hold, or None."""
    if not value.isascii() or not value.isdigit() or not 0 < int(value) < 2**63:
        return None
    return int(value)


def _page_asked(request, updates, newest_first):
    """The page ``?page=`` names, or the one holding the update ``?update=`` names (found
    with how many updates of the stream come before it, in one query). The pinned update is
    on every page: its page is the first."""
    asked = request.GET.get("update")
    if asked is None:
        return page_number(request.GET.get("page"))
    pk = _parse_id(asked)
    if pk is None:
        raise Http404("There is no such update.")
    moment = Subquery(updates.filter(pk=pk).values("published_at")[:1])
    if newest_first:
        before = Q(published_at__gt=moment) | Q(published_at=moment, pk__gt=pk)
    else:
        before = Q(published_at__lt=moment) | Q(published_at=moment, pk__lt=pk)
    counted = updates.order_by().aggregate(
        found=Count("pk", filter=Q(pk=pk)),
        before=Count("pk", filter=before & Q(pinned=False)),
    )
    if not counted["found"]:
        raise Http404("There is no such update.")
    return counted["before"] // PAGE_SIZE + 1


def live_story(story_id, now):
    """The public live story with ``story_id`` (its coverage loaded), or ``Http404``."""
    story = (
        Story.objects.public(now)
        .filter(pk=story_id, live_coverage__isnull=False)
        .select_related("live_coverage")
        .first()
    )
    if story is None:
        raise Http404("There is no such live story.")
    return story


def fragment_updates(story, now):
    """The newest public updates of ``story`` for the polling script, newest first."""
    return complete(list(public_updates(story.pk, now)[:FRAGMENT_SIZE]))


def update_url(request, story, update):
    """The address of ``update``: the page of the stream holding it, scrolled to it."""
    return request.build_absolute_uri(
        f"{story.get_absolute_url()}?update={update.pk}#{update.anchor}"
    )


def live_blog_posting(request, story, article, context):
    """``article`` (the story's JSON-LD) as a schema.org ``LiveBlogPosting`` with the updates
    the page shows as ``liveBlogUpdate``."""
    coverage = context["live"]
    shown = [u for u in [context["pinned"], *context["live_page"]] if u is not None]
    data = {**article, "@type": "LiveBlogPosting"}
    data["coverageStartTime"] = iso(coverage.started_at)
    if coverage.closed_at:
        data["coverageEndTime"] = iso(coverage.closed_at)
    data["liveBlogUpdate"] = [
        {
            "@type": "BlogPosting",
            "@id": update_url(request, story, update),
            "url": update_url(request, story, update),
            "headline": headline(update.headline or strip_tags(update.body)),
            "datePublished": iso(update.published_at),
            "articleBody": strip_tags(update.body),
            "author": [person_reference(request, person) for person in update.author_list],
        }
        for update in shown
    ]
    return data
