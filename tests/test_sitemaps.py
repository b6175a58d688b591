import datetime
import xml.etree.ElementTree as ET

from django.test import TestCase, override_settings
from django.utils import timezone
from django.utils.http import http_date

from fronts import curating
from fronts.curating import Entry
from fronts.models import Front
from stories import workflow
from stories.models import Correction, Page, Story
from tests.helpers.accounts import make_user
from tests.helpers.demo import load_demo
from tests.helpers.factories import (
    add_byline,
    hidden_stories,
    make_person,
    make_public_story,
    make_section,
)

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


class SitemapTests(TestCase):
    def xml(self, url):
        response = self.client.get(url)
        assert response.status_code == 200, url
        return ET.fromstring(response.content)

    def sitemap_entries(self):
        """Every <url> of every sitemap the index lists, as {path: lastmod}."""
        entries = {}
        index = self.xml("/sitemap.xml")
        for location in index.findall("sm:sitemap/sm:loc", NS):
            for url in self.xml(location.text).findall("sm:url", NS):
                path = url.find("sm:loc", NS).text.removeprefix("http://testserver")
                lastmod = url.find("sm:lastmod", NS)
                entries[path] = lastmod.text if lastmod is not None else None
        return entries

    def test_sitemap_lists_stories_sections_tags_and_people_with_lastmod(self):
        load_demo()
        entries = self.sitemap_entries()
        main = Story.objects.get(slug="irs-commissioner-melanie-krause-resigns")
        assert entries[main.get_absolute_url()] == "2026-11-24"
        assert entries["/section/government/"] == "2026-11-26"
        assert entries["/tag/irs/"] == "2026-11-26"
        assert entries["/people/elena-marsh/"] == "2026-11-26"
        assert entries["/people/melanie-krause/"] is not None
        for path in entries:
            with self.subTest(path=path):
                assert self.client.get(path).status_code == 200

    def test_sitemap_holds_only_public_stories(self):
        visible = make_public_story()
        hidden = hidden_stories()
        entries = self.sitemap_entries()
        assert visible.get_absolute_url() in entries
        for story in hidden.values():
            assert story.get_absolute_url() not in entries

    def test_news_sitemap_holds_only_stories_of_the_last_48_hours(self):
        now = timezone.now()
        fresh = make_public_story(
            headline="Fresh & new", published_at=now - datetime.timedelta(hours=47)
        )
        make_public_story(headline="Stale", published_at=now - datetime.timedelta(hours=49))
        hidden_stories()
        root = self.xml("/news-sitemap.xml")
        urls = root.findall("sm:url", NS)
        assert [u.find("sm:loc", NS).text for u in urls] == [
            f"http://testserver{fresh.get_absolute_url()}"
        ]
        news = urls[0].find("news:news", NS)
        assert news.find("news:title", NS).text == "Fresh & new"
        assert news.find("news:publication/news:name", NS).text == "The Ledger"
        assert news.find("news:publication/news:language", NS).text == "en"
        published = datetime.datetime.fromisoformat(news.find("news:publication_date", NS).text)
        assert published == fresh.published_at.replace(microsecond=0)

    @override_settings(PAGE_CACHE_ENABLED=False)
    def test_news_sitemap_is_last_modified_when_its_newest_story_was(self):
        assert "Last-Modified" not in self.client.get("/news-sitemap.xml")  # no story yet
        now = timezone.now()
        updated = make_public_story(
            published_at=now - datetime.timedelta(hours=5),
            last_significant_update=now - datetime.timedelta(hours=1),
        )
        make_public_story(published_at=now - datetime.timedelta(hours=3))
        response = self.client.get("/news-sitemap.xml")
        assert response["Last-Modified"] == http_date(updated.last_significant_update.timestamp())
        assert response["X-Robots-Tag"] == "noindex, noodp, noarchive"
        assert response["Content-Type"] == "application/xml"

    def test_news_sitemap_answers_only_the_pages_it_has(self):
        make_public_story()
        assert self.client.get("/news-sitemap.xml?p=1").status_code == 200
        for url in ["/news-sitemap.xml?p=abc", "/news-sitemap.xml?p=0", "/news-sitemap.xml?p=2"]:
            with self.subTest(url=url):
                assert self.client.get(url).status_code == 404

    def test_robots_txt_points_at_both_sitemaps(self):
        response = self.client.get("/robots.txt")
        assert response["Content-Type"].startswith("text/plain")
        lines = response.text.splitlines()
        assert "Sitemap: http://testserver/sitemap.xml" in lines
        assert "Sitemap: http://testserver/news-sitemap.xml" in lines

    def test_people_appear_only_once_they_are_public(self):
        person = make_person(slug="newcomer")
        story = make_public_story()
        assert "/people/newcomer/" not in self.sitemap_entries()
        add_byline(story, person)
        assert "/people/newcomer/" in self.sitemap_entries()

    def test_bad_sitemap_pages_are_not_found(self):
        for url in ["/sitemap-nope.xml", "/sitemap-stories.xml?p=abc", "/sitemap-stories.xml?p=9"]:
            with self.subTest(url=url):
                assert self.client.get(url).status_code == 404


def local_day(moment):
    return timezone.localdate(moment).isoformat()


class SitePagesSitemapTests(TestCase):
    """The home page, the standing pages and the corrections page, each with its lastmod."""

    def entries(self):
        root = ET.fromstring(self.client.get("/sitemap-pages.xml").content)
        return {
            url.find("sm:loc", NS).text.removeprefix("http://testserver"): (
                url.find("sm:lastmod", NS).text if url.find("sm:lastmod", NS) is not None else None
            )
            for url in root.findall("sm:url", NS)
        }

    def test_the_index_lists_the_sitemap_of_pages(self):
        index = ET.fromstring(self.client.get("/sitemap.xml").content)
        locations = [loc.text for loc in index.findall("sm:sitemap/sm:loc", NS)]
        assert "http://testserver/sitemap-pages.xml" in locations

    def test_home_standing_pages_and_corrections_are_listed(self):
        assert set(self.entries()) == {
            "/",
            "/about/",
            "/ethics/",
            "/corrections-policy/",
            "/contact-securely/",
            "/corrections/",
        }
        for path in self.entries():
            with self.subTest(path=path):
                assert self.client.get(path).status_code == 200

    def test_the_home_page_changed_with_the_latest_public_story_change(self):
        now = timezone.now()
        assert self.entries()["/"] is None  # no public story yet
        make_public_story(published_at=now - datetime.timedelta(days=9))
        updated = make_public_story(
            published_at=now - datetime.timedelta(days=20),
            last_significant_update=now - datetime.timedelta(days=3),
        )
        hidden_stories()  # drafts, embargoed and scheduled stories change nothing readers see
        assert self.entries()["/"] == local_day(updated.last_significant_update)
        newest = make_public_story(published_at=now - datetime.timedelta(days=1))
        assert self.entries()["/"] == local_day(newest.published_at)

    def test_the_home_page_changed_when_its_front_was_last_arranged(self):
        now = timezone.now()
        story = make_public_story(published_at=now - datetime.timedelta(days=9))
        front, editor = Front.objects.of(), make_user("editor")
        arranged = now - datetime.timedelta(days=2)
        curating.arrange(front, [Entry(story.pk)], by=editor, takes_effect_at=arranged)
        # An arrangement scheduled for later changes nothing readers see yet.
        later = now + datetime.timedelta(days=3)
        curating.arrange(front, [], by=editor, takes_effect_at=later)
        assert self.entries()["/"] == local_day(arranged)

    def test_the_corrections_page_changed_with_its_newest_public_correction(self):
        assert self.entries()["/corrections/"] is None
        story = make_public_story()
        correction = Correction.objects.create(story=story, text="We misspelled a name.")
        Correction.objects.filter(pk=correction.pk).update(
            published_at=timezone.now() - datetime.timedelta(days=4)
        )
        draft = Story.objects.create(headline="Draft", slug="draft", section=story.section)
        Correction.objects.create(story=draft, text="Not public.")
        assert self.entries()["/corrections/"] == local_day(
            timezone.now() - datetime.timedelta(days=4)
        )

    def test_a_standing_page_changed_when_it_was_saved(self):
        page = Page.objects.get(slug="ethics")
        Page.objects.filter(pk=page.pk).update(
            updated_at=timezone.now() - datetime.timedelta(days=30)
        )
        assert self.entries()["/ethics/"] == local_day(
            timezone.now() - datetime.timedelta(days=30)
        )
        page.refresh_from_db()
        page.body = "<p>New standards.</p>"
        page.save()
        assert self.entries()["/ethics/"] == local_day(timezone.now())


class SitePagesSitemapPurgeTests(TestCase):
    """The cached sitemap of pages is purged when any of its lastmods moves, and only then."""

    def get(self, url="/sitemap-pages.xml"):
        return self.client.get(url)

    def cached(self):
        self.get()
        return self.get().get("X-Page-Cache") == "hit"

    def test_every_change_it_shows_purges_it(self):
        editor = make_user("editor")
        story = make_public_story()
        changes = [
            lambda: workflow.add_correction(story, by=editor, kind="correction", text="Fixed."),
            lambda: Page.objects.get(slug="about").save(),
            lambda: Page.objects.create(title="Masthead", slug="masthead", body="<p>Us.</p>"),
            lambda: workflow.save_story(story, by=editor),
            lambda: make_public_story(),
            lambda: curating.arrange(Front.objects.of(), [Entry(story.pk)], by=editor),
        ]
        for change in changes:
            with self.subTest(change=change):
                assert self.cached()
                change()
                assert self.get().get("X-Page-Cache") != "hit"
        assert "/masthead/" in self.get().text

    def test_a_draft_edit_leaves_it_cached(self):
        draft = Story.objects.create(headline="Draft", slug="draft", section=make_section())
        assert self.cached()
        draft.headline = "Draft, edited"
        workflow.save_story(draft, by=make_user("editor"))
        assert self.get().get("X-Page-Cache") == "hit"
