import datetime
import xml.etree.ElementTree as ET

from django.test import TestCase, override_settings
from django.utils import timezone
from django.utils.http import http_date

from stories.models import Story
from tests.helpers.demo import load_demo
from tests.helpers.factories import add_byline, hidden_stories, make_person, make_public_story

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
