import html
import shutil
import tempfile

import feedparser
from django.test import TestCase, override_settings

from stories.models import Byline, Correction, Story
from tests.helpers.demo import load_demo
from tests.helpers.factories import add_byline, make_person, make_public_story, make_section
from tests.helpers.reader_data import make_image, stories_in

MEDIA_ROOT = tempfile.mkdtemp()


def tearDownModule():
    shutil.rmtree(MEDIA_ROOT, ignore_errors=True)


FEED_KINDS = {"rss": "rss20", "atom": "atom10"}


@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class FeedContentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section(slug="government", name="Government")
        cls.image = image = make_image()
        cls.story = make_public_story(
            section=cls.section,
            headline="Tom & Jerry <say> goodbye",
            dek="The dek, with an & and a <tag>.",
            hero_image=image,
        )
        cls.first = make_person(name="Elena Marsh", slug="elena-marsh", is_staff_member=True)
        cls.second = make_person(name="Jonah Pike", slug="jonah-pike", is_staff_member=True)
        add_byline(cls.story, cls.first)
        add_byline(cls.story, cls.second)
        add_byline(cls.story, make_person(name="Photo Person"), role=Byline.Role.PHOTOS)
        cls.story.tags.add("IRS", "Data sharing")
        Correction.objects.create(story=cls.story, text="We misspelled a name.")
        cls.story.refresh_from_db()

    def parse(self, url):
        response = self.client.get(url)
        assert response.status_code == 200, url
        feed = feedparser.parse(response.content)
        assert not feed.bozo, (url, feed.bozo_exception)
        return response, feed

    def test_every_feed_parses_in_both_formats(self):
        for base in ["/", "/section/government/", "/tag/irs/", "/people/elena-marsh/"]:
            for kind, version in FEED_KINDS.items():
                with self.subTest(url=base + kind):
                    _, feed = self.parse(f"{base}{kind}/")
                    assert feed.version == version
                    assert [e.link for e in feed.entries] == [
                        f"http://testserver{self.story.get_absolute_url()}"
                    ]

    def test_items_carry_authors_categories_dek_dates_and_image(self):
        for kind in FEED_KINDS:
            with self.subTest(kind=kind):
                _, feed = self.parse(f"/{kind}/")
                entry = feed.entries[0]
                # Readers show titles and summaries as HTML: markup-like text must arrive as text.
                assert html.unescape(entry.title) == "Tom & Jerry <say> goodbye"
                assert html.unescape(entry.summary) == "The dek, with an & and a <tag>."
                assert [a.name for a in entry.authors] == ["Elena Marsh", "Jonah Pike"]
                assert {t.term for t in entry.tags} == {"Government", "IRS", "Data sharing"}
                assert entry.published_parsed
                assert entry.updated_parsed > entry.published_parsed
                [enclosure] = entry.enclosures
                assert enclosure.href == f"http://testserver{self.image.file.url}"
                assert enclosure.type == "image/jpeg"
                assert enclosure.length == str(self.image.file.size)

    def test_atom_authors_link_to_their_pages(self):
        _, feed = self.parse("/atom/")
        hrefs = [a.href for a in feed.entries[0].authors]
        assert hrefs == [
            "http://testserver/people/elena-marsh/",
            "http://testserver/people/jonah-pike/",
        ]

    def test_corrections_feed_lists_corrections_with_links_to_them(self):
        for kind in FEED_KINDS:
            with self.subTest(kind=kind):
                _, feed = self.parse(f"/corrections/{kind}/")
                [entry] = feed.entries
                assert html.unescape(entry.title).startswith("Correction: Tom & Jerry <say>")
                assert "We misspelled a name." in entry.summary
                assert "#correction-" in entry.link

    def test_feeds_are_discoverable_on_the_pages_they_belong_to(self):
        pages = {
            "/": "/rss/",
            "/section/government/": "/section/government/rss/",
            "/tag/irs/": "/tag/irs/rss/",
            "/people/elena-marsh/": "/people/elena-marsh/atom/",
            "/corrections/": "/corrections/atom/",
        }
        for page, feed in pages.items():
            with self.subTest(page=page):
                text = self.client.get(page).text
                assert 'rel="alternate" type="application/' in text
                assert f'href="{feed}"' in text


class FeedBehaviourTests(TestCase):
    def test_feeds_of_unknown_or_hidden_objects_are_not_found(self):
        hidden_only = make_person(slug="hidden-only")
        draft = Story.objects.create(headline="x", slug="x", section=make_section())
        add_byline(draft, hidden_only)
        draft.tags.add("Secret topic")
        for url in [
            "/tag/nope/rss/",
            "/section/nope/atom/",
            "/people/hidden-only/rss/",
            "/tag/secret-topic/rss/",
        ]:
            with self.subTest(url=url):
                assert self.client.get(url).status_code == 404

    def test_renamed_objects_keep_their_feed_addresses(self):
        story = make_public_story()
        story.tags.add("Old name")
        tag = story.tags.get()
        tag.slug = "new-name"
        tag.save()
        section = story.section
        old_section = section.slug
        section.slug = "renamed-section"
        section.save()
        for old, new in [
            ("/tag/old-name/rss/", "/tag/new-name/rss/"),
            ("/tag/old-name/atom/", "/tag/new-name/atom/"),
            (f"/section/{old_section}/atom/", "/section/renamed-section/atom/"),
        ]:
            with self.subTest(old=old):
                response = self.client.get(old)
                assert response.status_code == 301
                assert response["Location"] == new

    def test_feed_queries_do_not_grow_with_the_number_of_stories(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        section = make_section(slug="s")
        author = make_person(slug="a", is_staff_member=True)
        urls = [
            "/rss/",
            "/atom/",
            "/section/s/rss/",
            "/tag/shared/atom/",
            "/people/a/rss/",
            "/corrections/rss/",
        ]

        def counts():
            result = {}
            for url in urls:
                with CaptureQueriesContext(connection) as queries:
                    assert self.client.get(url).status_code == 200
                result[url] = len(queries)
            return result

        stories_in(section, 5, person=author)
        few = counts()
        stories_in(section, 45, person=author)
        assert counts() == few
        assert max(few.values()) <= 5, few


class DemoFeedTests(TestCase):
    def test_demo_coverage_is_in_the_feeds(self):
        load_demo()
        feed = feedparser.parse(self.client.get("/rss/").content)
        titles = [e.title for e in feed.entries]
        assert any("Melanie Krause resigns" in t for t in titles)
        assert not any("Inside the weeks" in t for t in titles)
