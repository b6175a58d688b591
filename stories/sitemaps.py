"""Sitemaps for search engines: every public page, in pages of bounded size, and a news sitemap
of the last 48 hours.

Stories, tags and people are listed in pages of ``per_page`` consecutive ids:
``/sitemap-stories.xml`` holds ids 1 to 100, ``/sitemap-stories.xml?p=2`` the next hundred,
and so on. A page costs about the same however large the archive grows, and the index learns
how many pages there are from the newest public id alone. Nothing reads every story, so the
index gives no ``lastmod`` for its pages; each page gives one for every address it lists.
"""

import math
from datetime import timedelta
from html import escape

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Max, OuterRef, Q, Subquery
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

import caching
from fronts.models import HOME, FrontVersion
from live.reader import latest_public_update

from .models import Byline, Correction, Page, Person, Section, Story, Tag
from .prepared import Prepared, padded
from .purging import NAVIGATION
from .structured_data import iso

NEWS_WINDOW = timedelta(hours=48)
# The newest public stories, which tell when most tags and people last had a new story.
RECENT_STORIES = 1000
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NAMESPACE = "http://www.google.com/schemas/sitemap-news/0.9"
NEWS_PAGE_SIZE = 1000
ROBOTS = "noindex, noodp, noarchive"


def newest_story_times(ids, *paths):
    """For each of ``ids`` with a public story, the publish time of its newest one.

    ``paths`` lead from a story to the ids (``"tagged_items__tag"``, say). Most ids are
    answered from the newest ``RECENT_STORIES`` public stories alone; only the others are
    looked for among all of their stories.
    """
    now = timezone.now()
    # The ids of a sitemap page are consecutive: their range reads only the page's rows.
    low, high = min(ids, default=0), max(ids, default=0)
    between = _recent_between(now=now, low=low, high=high, paths=paths, recent=RECENT_STORIES)
    between = _times(between)
    times = {key: newest for key, newest in between.items() if key in ids}
    missing = set(ids) - times.keys()
    if missing:
        times |= _times(_all_among(now=now, ids=padded(sorted(missing)), paths=paths))
    return times


def _newest(stories, paths, **lookups):
    """The newest of ``stories`` for each id their ``paths`` lead to that passes ``lookups``:
    rows of (id, publish time), an id once per path."""
    parts = [
        stories.filter(**{f"{path}__{lookup}": value for lookup, value in lookups.items()})
        .order_by()
        .values(path)
        .annotate(newest=Max("published_at"))
        .values_list(path, "newest")
        for path in paths
    ]
    return parts[0].union(*parts[1:], all=True).order_by()


def _recent(now, recent):
    public = Story.objects.public(now)
    return public.filter(pk__in=public.order_by("-published_at").values("pk")[:recent])


_recent_between = Prepared(
    lambda now, low, high, paths, recent: _newest(_recent(now, recent), paths, gte=low, lte=high),
    shape=("paths", "recent"),
)
_all_among = Prepared(
    lambda now, ids, paths: _newest(Story.objects.public(now), paths, **{"in": ids}),
    shape=("paths",),
)


def _times(rows):
    times = {}
    for key, newest in rows:
        if key is not None:
            times[key] = max(newest, times.get(key, newest))
    return times


def _first(rows):
    return rows[0] if rows else None


class PagedSitemap:
    """A sitemap of one kind of public object, in pages of ``per_page`` consecutive ids."""

    per_page = 100

    def newest_public_id(self):
        raise NotImplementedError

    def entries(self, first, last):
        """(path, last modified) of the public objects with ids from ``first`` to ``last``."""
        raise NotImplementedError

    def page_count(self):
        return max(1, math.ceil((self.newest_public_id() or 0) / self.per_page))

    def page(self, number):
        first = (number - 1) * self.per_page + 1
        return self.entries(first, first + self.per_page - 1)


class StorySitemap(PagedSitemap):
    newest = Prepared(
        lambda now: Story.objects.public(now).order_by("-pk").values_list("pk", flat=True)[:1]
    )
    rows = Prepared(
        lambda now, first, last: (
            Story.objects.public(now)
            .filter(pk__gte=first, pk__lte=last)
            .order_by("pk")
            .annotate(latest_update=latest_public_update(now))
            .values_list(
                "pk",
                "slug",
                "published_at",
                "created_at",
                "last_significant_update",
                "latest_update",
            )
        )
    )

    def newest_public_id(self):
        return _first(self.newest(now=timezone.now()))

    def entries(self, first, last):
        stories = self.rows(now=timezone.now(), first=first, last=last)
        caching.label_rows(Story, [pk for pk, *_ in stories])
        return [
            (
                Story.address_of(slug, published or created),
                # A live story changes with each update readers see.
                max(
                    filter(None, [Story.update_shown(update, published), latest]),
                    default=published,
                ),
            )
            for _, slug, published, created, update, latest in stories
        ]


class SectionSitemap(PagedSitemap):
    """Sections are few: one page. A listing changes when a story is added to it."""

    def page_count(self):
        return 1

    sections = Prepared(
        lambda now: Section.objects.public(now).annotate(
            newest=Subquery(
                Story.objects.public(now)
                .filter(section=OuterRef("pk"))
                .order_by("-published_at")
                .values("published_at")[:1]
            )
        )
    )

    def page(self, number):
        sections = self.sections(now=timezone.now())
        return [(section.get_absolute_url(), section.newest) for section in sections]


class TagSitemap(PagedSitemap):
    """Tags of public stories (``Tag.objects.public()``), each with its newest story's time."""

    newest = Prepared(
        lambda now: Tag.objects.public(now).order_by("-pk").values_list("pk", flat=True)[:1]
    )
    rows = Prepared(
        lambda first, last: (
            Tag.objects.filter(pk__gte=first, pk__lte=last)
            .order_by("pk")
            .values_list("pk", "slug")
        )
    )

    def newest_public_id(self):
        return _first(self.newest(now=timezone.now()))

    def entries(self, first, last):
        tags = self.rows(first=first, last=last)
        caching.label_rows(Tag, [pk for pk, _ in tags])
        times = newest_story_times({pk for pk, _ in tags}, "tagged_items__tag")
        return [(Tag.address_of(slug), times[pk]) for pk, slug in tags if pk in times]


class PersonSitemap(PagedSitemap):
    """People readers may see (``Person.objects.public()``): staff, and anyone in a public
    story, with the time of their newest story."""

    @staticmethod
    def _newest(now):
        public = Story.objects.public(now)

        def newest(people):
            return Subquery(people.order_by("-person").values("person")[:1])

        staff = Person.objects.filter(is_staff_member=True).order_by("-pk").values("pk")[:1]
        candidates = Person.objects.filter(
            Q(pk=Subquery(staff))
            | Q(pk=newest(Byline.objects.filter(story__in=public)))
            | Q(pk=newest(Story.people.through.objects.filter(story__in=public)))
        )
        return candidates.order_by("-pk").values_list("pk", flat=True)[:1]

    newest = Prepared(_newest)
    rows = Prepared(
        lambda first, last: (
            Person.objects.filter(pk__gte=first, pk__lte=last)
            .order_by("pk")
            .values_list("pk", "slug", "is_staff_member")
        )
    )

    def newest_public_id(self):
        return _first(self.newest(now=timezone.now()))

    def entries(self, first, last):
        people = self.rows(first=first, last=last)
        caching.label_rows(Person, [pk for pk, _, _ in people])
        times = newest_story_times({pk for pk, _, _ in people}, "bylines__person", "people")
        return [
            (Person.address_of(slug), times.get(pk))
            for pk, slug, is_staff_member in people
            if is_staff_member or pk in times
        ]


class SitePagesSitemap(PagedSitemap):
    """The home page, the standing pages (About, Ethics, ...) and the corrections page: one page.

    The home page changes with the latest public story change (a story published, or updated
    significantly, among the newest ``RECENT_STORIES``) or with its front's arrangement, the
    corrections page with its newest correction, a standing page when it is saved.
    """

    def page_count(self):
        return 1

    latest_correction = Prepared(
        lambda now: (
            Correction.objects.public(now)
            .order_by("-published_at")
            .values_list("published_at", flat=True)[:1]
        )
    )
    pages = Prepared(lambda: Page.objects.order_by("slug").values_list("pk", "slug", "updated_at"))
    home_arranged = Prepared(
        lambda now: (
            FrontVersion.objects.filter(front__key=HOME)
            .in_effect(now)
            .values_list("takes_effect_at", flat=True)[:1]
        )
    )

    def page(self, number):
        now = timezone.now()
        pages = self.pages()
        caching.label_rows(Page, [pk for pk, _, _ in pages])
        caching.label(None, f"front-{HOME}")
        return [
            (reverse("stories:home"), self.home_changed(now)),
            *((reverse("stories:page", args=[slug]), updated) for _, slug, updated in pages),
            (reverse("stories:corrections"), _first(self.latest_correction(now=now))),
        ]

    def home_changed(self, now):
        latest = _recent(now, RECENT_STORIES).aggregate(
            published=Max("published_at"), updated=Max("last_significant_update")
        )
        arranged = _first(self.home_arranged(now=now))
        return max(filter(None, [latest["published"], latest["updated"], arranged]), default=None)


SITEMAPS = {
    "pages": SitePagesSitemap(),
    "stories": StorySitemap(),
    "sections": SectionSitemap(),
    "tags": TagSitemap(),
    "people": PersonSitemap(),
}


def _xml(lines):
    # Machine-readable lists of addresses, written out directly: a template's loop would
    # cost more than everything else a page of a sitemap does.
    content = "\n".join(['<?xml version="1.0" encoding="UTF-8"?>', *lines, ""])
    response = HttpResponse(content, content_type="application/xml")
    response.headers["X-Robots-Tag"] = ROBOTS
    return response


def index(request):
    locations = []
    for name, sitemap in SITEMAPS.items():
        location = request.build_absolute_uri(reverse("sitemap-section", args=[name]))
        locations.append(location)
        locations += [f"{location}?p={number}" for number in range(2, sitemap.page_count() + 1)]
    return _xml(
        [
            f'<sitemapindex xmlns="{NAMESPACE}">',
            *(f"<sitemap><loc>{escape(location)}</loc></sitemap>" for location in locations),
            "</sitemapindex>",
        ]
    )


def sitemap(request, section):
    sitemap = SITEMAPS.get(section)
    number = request.GET.get("p", "1")
    if sitemap is None or not number.isdigit() or not 1 <= int(number) <= sitemap.page_count():
        raise Http404("There is no such sitemap.")
    origin = request.build_absolute_uri("/").removesuffix("/")
    zone = timezone.get_current_timezone()

    def url(path, moment):
        lastmod = (
            f"<lastmod>{moment.astimezone(zone).date().isoformat()}</lastmod>" if moment else ""
        )
        return f"<url><loc>{escape(origin + path)}</loc>{lastmod}</url>"

    return _xml(
        [
            f'<urlset xmlns="{NAMESPACE}">',
            *(url(path, moment) for path, moment in sitemap.page(int(number))),
            "</urlset>",
        ]
    )


def news(request):
    """Google News: the public stories of the last 48 hours, newest first, 1,000 to a page."""
    since = timezone.now() - NEWS_WINDOW
    stories = Story.objects.public().filter(published_at__gte=since)
    stories = stories.values_list(
        "pk", "headline", "slug", "published_at", "created_at", "last_significant_update"
    )
    number = request.GET.get("p", 1)
    try:
        stories = list(Paginator(stories, NEWS_PAGE_SIZE).page(number))
    except PageNotAnInteger:
        raise Http404(f"No page '{number}'") from None
    except EmptyPage:
        raise Http404(f"Page {number} empty") from None
    caching.label_rows(Story, [pk for pk, *_ in stories])
    # As when a template rendered it with the site's context (stories.context_processors).
    caching.label(request, NAVIGATION)
    origin = request.build_absolute_uri("/").removesuffix("/")
    publication = (
        "      <news:publication>\n"
        f"        <news:name>{escape(settings.NEWSROOM_NAME)}</news:name>\n"
        "        <news:language>en</news:language>\n"
        "      </news:publication>\n"
    )
    response = _xml(
        [
            f'<urlset xmlns="{NAMESPACE}" xmlns:news="{NEWS_NAMESPACE}">',
            *(
                "  <url>\n"
                f"    <loc>{escape(origin + Story.address_of(slug, published or created))}</loc>\n"
                "    <news:news>\n"
                f"{publication}"
                f"      <news:publication_date>{iso(published)}</news:publication_date>\n"
                f"      <news:title>{escape(headline)}</news:title>\n"
                "    </news:news>\n"
                "  </url>"
                for _, headline, slug, published, created, _ in stories
            ),
            "</urlset>",
        ]
    )
    if stories:
        newest = max(
            Story.update_shown(update, published) or published
            for _, _, _, published, _, update in stories
        )
        response.headers["Last-Modified"] = http_date(newest.timestamp())
    return response
