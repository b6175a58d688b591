"""Query budgets of every reader page: an exact number per page (lists, stories, standing
pages, search, shared previews), the same for 5 stories as for 50, and lists that never
count, rank or aggregate the whole archive.

The budgets are what a page costs to build, with the page cache out of the way; a page
served from the cache runs no query at all (tests/test_page_cache.py).
"""

import datetime
import re
from unittest import mock

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from live import workflow
from stories import sitemaps
from stories.models import Correction, PreviewLink
from tests.helpers.accounts import make_user
from tests.helpers.banner import BannerAlreadyRead
from tests.helpers.factories import (
    add_byline,
    make_person,
    make_public_story,
    make_section,
    make_story,
)
from tests.helpers.live import add_update, make_live_story
from tests.helpers.pictures import TemporaryMedia
from tests.helpers.reader_data import make_image, rich_story, stories_in

# Pages and their exact number of queries, whatever the archive holds.
LIST_PAGES = {
    # the front's slotted stories, the other stories, their bylines, each section's newest,
    # the sections for the menu (the banner is read once for every page: tests/helpers/banner.py)
    "/": 5,
    "/?page=2": 4,  # the slotted stories are left out of every page
    "/section/budget/": 5,  # the section, its front's slotted stories, stories, bylines, menu
    "/tag/shared/": 4,
    "/people/reporter/": 4,
    "{day}": 3,  # stories, bylines, menu
    "{month}": 4,  # ... and which days have stories
    "{year}": 4,  # ... and which months have stories
    "/corrections/": 2,
    "/rss/": 1,  # the stories, with their bylines and tags
    "/atom/": 1,
    "/rss/full/": 1,  # the stories with their bodies (and one more for the bodies' pictures)
    "/atom/full/": 1,
    "/section/budget/rss/": 2,  # the section, and the stories
    "/tag/shared/atom/": 2,
    "/people/reporter/rss/": 2,
    "/corrections/rss/": 1,
    "/sitemap.xml": 3,  # the newest public story, tag and person
    "/sitemap-stories.xml": 2,  # how many pages, then the page
    "/sitemap-sections.xml": 1,
    "/sitemap-pages.xml": 4,  # the standing pages, the newest stories' times, the home front's
    # arrangement, the newest correction
    "/sitemap-tags.xml": 3,  # how many pages, the tags, their newest stories
    "/sitemap-people.xml": 3,
    "/news-sitemap.xml": 2,
}
STORY_PAGE = 4  # the story with its related stories, tags and corrections; people, sources, menu
OTHER_PAGES = {
    "/about/": 3,  # the standing page, the menu, the staff on its masthead
    "/ethics/": 2,  # the standing page, the menu
    "/robots.txt": 0,
    "/.well-known/security.txt": 0,
    "/search/": 2,  # no search yet: the menu, the form's sections
}
# A search asks the index of the database at hand, which each database builds its own way.
SEARCH_PAGES = {
    "sqlite": {"/search/?q=story": 6, "/search/?q=story&order=newest": 6, "/search/?q=zzqx": 7},
    "postgresql": {
        "/search/?q=story": 7,
        "/search/?q=story&order=newest": 7,
        "/search/?q=zzqx": 15,  # no result: suggestions from headlines, tags and names
    },
}
# The link, the story page's queries, whether the story is public, its related stories.
SHARED_PREVIEW = 9

# What would read every public story: a count, a ranking, an aggregate over the archive.
UNBOUNDED = re.compile(r"COUNT\(|ROW_NUMBER|OVER \(|DENSE_RANK", re.IGNORECASE)


@override_settings(PAGE_CACHE_ENABLED=False)
class PageBudgetTests(BannerAlreadyRead, TemporaryMedia, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section(slug="budget")
        cls.author = make_person(slug="reporter", is_staff_member=True)
        cls.stories = stories_in(cls.section, 5, person=cls.author)
        day = timezone.localdate(cls.stories[0].published_at)
        cls.archives = {
            "{day}": f"/{day:%Y/%m/%d}/",
            "{month}": f"/{day:%Y/%m}/",
            "{year}": f"/{day:%Y}/",
        }

    def url(self, page):
        return self.archives.get(page, page)

    def queries(self, url):
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return [query["sql"] for query in captured]

    def test_every_list_page_runs_its_exact_number_of_queries(self):
        stories_in(self.section, 20, person=self.author)  # so that "/?page=2" exists
        for page, budget in LIST_PAGES.items():
            with self.subTest(page=page):
                assert len(self.queries(self.url(page))) == budget

    def test_list_pages_run_the_same_queries_for_5_stories_as_for_50(self):
        pages = [page for page in LIST_PAGES if page != "/?page=2"]
        few = {page: len(self.queries(self.url(page))) for page in pages}
        stories_in(self.section, 45, person=self.author)
        many = {page: len(self.queries(self.url(page))) for page in pages}
        assert many == few

    def test_no_list_page_counts_ranks_or_aggregates_the_archive(self):
        stories_in(self.section, 20, person=self.author)
        for page in LIST_PAGES:
            if page == "/news-sitemap.xml":
                continue  # counts the last 48 hours only, as django.contrib.sitemaps pages
            for sql in self.queries(self.url(page)):
                with self.subTest(page=page, sql=sql[:80]):
                    assert not UNBOUNDED.search(sql)

    def test_story_page_runs_its_exact_number_of_queries_whatever_it_holds(self):
        for connections in (1, 10):
            story = rich_story(connections)
            with self.subTest(connections=connections):
                assert len(self.queries(story.get_absolute_url())) == STORY_PAGE

    def test_every_other_reader_page_runs_its_exact_number_of_queries(self):
        for page, budget in OTHER_PAGES.items():
            with self.subTest(page=page):
                assert len(self.queries(page)) == budget

    def test_search_pages_run_their_exact_number_of_queries(self):
        for page, budget in SEARCH_PAGES[connection.vendor].items():
            with self.subTest(page=page):
                assert len(self.queries(page)) == budget

    def test_a_shared_preview_runs_its_exact_number_of_queries(self):
        draft = make_story(headline="Draft under review")
        link = PreviewLink.objects.create(story=draft, created_by=make_user("editor"))
        assert len(self.queries(link.get_absolute_url())) == SHARED_PREVIEW

    def test_pictures_placed_in_a_story_body_take_one_query_more_however_many(self):
        pictures = [make_image(alt_text=f"Picture {n}") for n in range(3)]
        for count in (1, 3):
            figures = "".join(
                f'<figure class="figure"><img src="{image.file.url}" data-file="{image.pk}">'
                "</figure>"
                for image in pictures[:count]
            )
            story = make_public_story(body=f"<p>Text.</p>{figures}")
            with self.subTest(pictures=count):
                assert len(self.queries(story.get_absolute_url())) == STORY_PAGE + 1


@override_settings(PAGE_CACHE_ENABLED=False)
class SitemapLastmodBeyondTheNewestStoriesTests(TestCase):
    """Tags and people take their lastmod from the newest public stories, and those not in
    them from all of theirs: the answer is the same, at one more query."""

    def test_a_tag_and_a_person_not_in_the_newest_stories_keep_their_true_lastmod(self):
        now = timezone.now()
        old = make_public_story(published_at=now - datetime.timedelta(days=400))
        old.tags.add("Old topic")
        old.people.add(make_person(slug="old-news"))
        Correction.objects.create(story=old, text="A later correction does not matter here.")
        for hours in range(3):
            recent = make_public_story(published_at=now - datetime.timedelta(hours=hours + 1))
            recent.tags.add("New topic")
            add_byline(recent, make_person(slug=f"new-reporter-{hours}"))
        expected = timezone.localdate(old.published_at).isoformat()
        tag, person = old.tags.get(), old.people.get()
        with mock.patch.object(sitemaps, "RECENT_STORIES", 2):
            for url, path, pk in [
                ("/sitemap-tags.xml", "/tag/old-topic/", tag.pk),
                ("/sitemap-people.xml", "/people/old-news/", person.pk),
            ]:
                # Ids keep growing between tests on PostgreSQL: read the page holding this one.
                number = (pk - 1) // sitemaps.PagedSitemap.per_page + 1
                with self.subTest(url=url), CaptureQueriesContext(connection) as captured:
                    text = self.client.get(url, {"p": number} if number > 1 else {}).text
                    assert (
                        f"<loc>http://testserver{path}</loc><lastmod>{expected}</lastmod>" in text
                    )
                    assert len(captured) == LIST_PAGES[url] + 1


@override_settings(PAGE_CACHE_ENABLED=False)
class SitemapPagesTests(TestCase):
    def test_stories_beyond_the_first_hundred_ids_are_on_the_next_pages(self):
        moved = make_public_story(id=sitemaps.StorySitemap.per_page + 5)
        index = self.client.get("/sitemap.xml").text
        assert "<loc>http://testserver/sitemap-stories.xml?p=2</loc>" in index
        assert moved.get_absolute_url() not in self.client.get("/sitemap-stories.xml").text
        assert moved.get_absolute_url() in self.client.get("/sitemap-stories.xml?p=2").text
        assert self.client.get("/sitemap-stories.xml?p=3").status_code == 404


# A live story adds its key events with the pinned update, a page of its stream (each update
# with its authors and corrections) and the time of its latest update; the polling fragment
# is the live story, then its newest updates; a feed of updates the same.
LIVE_STORY_PAGE = STORY_PAGE + 3
LIVE_PAGES = {"/live/{pk}/updates/": 2, "/live/{pk}/rss/": 2, "/live/{pk}/atom/": 2}


@override_settings(PAGE_CACHE_ENABLED=False)
class LivePageBudgetTests(BannerAlreadyRead, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.story = make_live_story()
        people = [make_person() for _ in range(3)]
        editor = make_user("editor")
        start = timezone.now() - datetime.timedelta(minutes=30)
        cls.updates = [
            add_update(
                cls.story,
                published_at=start + datetime.timedelta(seconds=n),
                authors=people[: n % 4],
            )
            for n in range(200)
        ]
        workflow.pin(cls.updates[7], by=editor)
        for update in cls.updates[::50]:
            workflow.mark_key_event(update, by=editor)
            workflow.correct_update(update, by=editor, text="A name was misspelt.")

    def queries(self, url):
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
        assert response.status_code == 200, url
        return len(captured)

    def test_a_live_story_of_200_updates_runs_its_exact_number_of_queries_on_every_page(self):
        url = self.story.get_absolute_url()
        for query in ["", "?page=2", "?page=10"]:
            with self.subTest(page=query):
                assert self.queries(url + query) == LIVE_STORY_PAGE
        # Opening the page that holds an update costs one more: where the update falls.
        assert self.queries(f"{url}?update={self.updates[0].pk}") == LIVE_STORY_PAGE + 1

    def test_the_polling_fragment_and_the_feeds_of_updates_run_their_exact_queries(self):
        for path, budget in LIVE_PAGES.items():
            with self.subTest(path=path):
                assert self.queries(path.format(pk=self.story.pk)) == budget


# The content API: a story list is its stories with their bylines and tags (one query), and
# one more per section, tag or person it is filtered by; a story is the story with its tags
# and corrections, its related stories, its people, its sources (and pictures in its body).
API_BUDGETS = {
    "/api/v1/stories/?limit={n}": 1,
    "/api/v1/stories/?limit={n}&section=budget&tag=shared&person=reporter": 4,
    "/api/v1/sections/?limit={n}": 1,
    "/api/v1/tags/?limit={n}": 1,
    "/api/v1/people/?limit={n}": 1,
    "/api/v1/corrections/?limit={n}": 1,
}
API_STORY = 4


@override_settings(PAGE_CACHE_ENABLED=False)
class ApiBudgetTests(TemporaryMedia, TestCase):
    @classmethod
    def setUpTestData(cls):
        section = make_section(name="Budget", slug="budget")
        reporter = make_person(name="Reporter", slug="reporter", is_staff_member=True)
        for story in stories_in(section, 30, person=reporter):
            story.hero_image = make_image() if story.pk % 10 == 0 else None
            story.save()
        cls.small, cls.big = rich_story(1), rich_story(5)

    def queries(self, url):
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        return len(captured)

    def test_each_api_list_costs_the_same_at_any_page_size(self):
        for url, budget in API_BUDGETS.items():
            for n in (5, 25, 100):
                with self.subTest(url=url, n=n):
                    assert self.queries(url.format(n=n)) == budget <= 6

    def test_a_story_costs_the_same_however_much_it_holds(self):
        for story in (self.small, self.big):
            with self.subTest(story=story.pk):
                assert self.queries(f"/api/v1/stories/{story.pk}/") == API_STORY <= 6
