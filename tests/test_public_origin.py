"""With SITE_URL set, every absolute URL the site writes starts with it, whatever Host and
protocol the request came in by; unset, the request's own origin is used."""

import json
import re
import xml.etree.ElementTree as ET

import feedparser
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from tests.helpers.accounts import make_user
from tests.helpers.factories import add_byline, make_person
from tests.helpers.reader_data import make_image, rich_story

ORIGIN = "https://news.example"
# Reached over plain HTTP under another name the site answers to, as behind a proxy.
REQUEST = {"HTTP_HOST": "localhost"}
LD_SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
META = re.compile(
    r'<(?:link rel="canonical" href|meta property="og:(?:url|image)" content)="([^"]+)"'
)
SITEMAP = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def urls_in(data):
    """Every URL value in a piece of JSON-LD."""
    if isinstance(data, dict):
        return [url for value in data.values() for url in urls_in(value)]
    if isinstance(data, list):
        return [url for value in data for url in urls_in(value)]
    return [data] if isinstance(data, str) and data.startswith("http") else []


@override_settings(SITE_URL=ORIGIN)
class PublicOriginTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.story = rich_story(1)
        cls.person = make_person(name="Elena Marsh", photo=make_image(), is_staff_member=True)
        add_byline(cls.story, cls.person)

    def get(self, path):
        response = self.client.get(path, **REQUEST)
        assert response.status_code == 200, path
        assert "localhost" not in response.text, path
        return response

    def assert_ours(self, urls):
        assert urls
        for url in urls:
            assert url.startswith(f"{ORIGIN}/"), url

    def test_canonical_and_open_graph_links_use_the_public_origin(self):
        for page in [self.story.get_absolute_url(), "/", self.person.get_absolute_url()]:
            with self.subTest(page=page):
                self.assert_ours(META.findall(self.get(page).text))
        story_page = self.get(self.story.get_absolute_url()).text
        assert f'href="{ORIGIN}{self.story.get_absolute_url()}"' in story_page

    def test_structured_data_uses_the_public_origin(self):
        data = json.loads(LD_SCRIPT.search(self.get(self.story.get_absolute_url()).text)[1])
        # The sources a story cites are at their own addresses.
        cited = {work["url"] for work in data.pop("citation", [])}
        assert cited and all(not url.startswith(ORIGIN) for url in cited)
        urls = [u for u in urls_in(data) if not u.startswith("https://schema.org")]
        self.assert_ours(urls)
        assert data["url"] == f"{ORIGIN}{self.story.get_absolute_url()}"
        assert data["publisher"]["logo"]["url"].startswith(f"{ORIGIN}/static/img/logo")
        person = json.loads(LD_SCRIPT.search(self.get(self.person.get_absolute_url()).text)[1])
        assert person["image"].startswith(f"{ORIGIN}/media/renditions/")

    def test_feeds_use_the_public_origin(self):
        section_feed = reverse("stories:section-rss", kwargs={"slug": self.story.section.slug})
        for path in ["/rss/", "/atom/", "/rss/full/", section_feed, "/corrections/atom/"]:
            with self.subTest(path=path):
                feed = feedparser.parse(self.get(path).content)
                urls = [feed.feed.link] + [entry.link for entry in feed.entries]
                urls += [e.href for entry in feed.entries for e in entry.get("enclosures", [])]
                urls += [
                    m["url"] for entry in feed.entries for m in entry.get("media_content", [])
                ]
                self.assert_ours(urls)
        rss = feedparser.parse(self.get("/rss/").content)
        [entry] = [e for e in rss.entries if e.link == f"{ORIGIN}{self.story.get_absolute_url()}"]
        assert entry.enclosures[0].href.startswith(f"{ORIGIN}/media/renditions/")
        assert entry.media_content[0]["url"] == entry.enclosures[0].href

    def test_sitemaps_and_robots_txt_use_the_public_origin(self):
        index = ET.fromstring(self.get("/sitemap.xml").content)
        sitemaps = [loc.text for loc in index.findall("sm:sitemap/sm:loc", SITEMAP)]
        self.assert_ours(sitemaps)
        # Sitemaps are paged by id ranges, so a page may hold nothing: check them together.
        locations = []
        for sitemap in [*sitemaps, f"{ORIGIN}/news-sitemap.xml"]:
            entries = ET.fromstring(self.get(sitemap.removeprefix(ORIGIN)).content)
            locations += [loc.text for loc in entries.findall("sm:url/sm:loc", SITEMAP)]
        self.assert_ours(locations)
        robots = self.get("/robots.txt").text
        sitemap_lines = [
            line.split(" ", 1)[1] for line in robots.splitlines() if "Sitemap:" in line
        ]
        assert sitemap_lines == [f"{ORIGIN}/sitemap.xml", f"{ORIGIN}/news-sitemap.xml"]

    def test_a_host_the_site_does_not_answer_to_is_still_refused(self):
        assert self.client.get("/", HTTP_HOST="evil.example").status_code == 400

    def test_a_form_post_is_checked_against_the_origin_the_browser_used(self):
        make_user("editor")
        client = Client(enforce_csrf_checks=True)
        client.get("/admin/login/", **REQUEST)
        response = client.post(
            "/admin/login/",
            {
                "username": "editor",
                "password": "pw",
                "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
            },
            HTTP_ORIGIN="http://localhost",
            **REQUEST,
        )
        assert response.status_code == 302
        assert response["Location"] == "/admin/"  # signed in: the CSRF check passed


class RequestOriginTests(TestCase):
    def test_without_site_url_absolute_urls_follow_the_request(self):
        story = rich_story(1)
        page = self.client.get(story.get_absolute_url(), **REQUEST).text
        assert f'<link rel="canonical" href="http://localhost{story.get_absolute_url()}">' in page
        feed = feedparser.parse(self.client.get("/rss/", secure=True, **REQUEST).content)
        assert f"https://localhost{story.get_absolute_url()}" in [e.link for e in feed.entries]
