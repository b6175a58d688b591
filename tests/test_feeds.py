import datetime
import html
import re
import shutil
import tempfile
from io import StringIO

import feedparser
from django.test import SimpleTestCase, TestCase, override_settings
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.http import http_date
from django.utils.xmlutils import SimplerXMLGenerator, UnserializableContentError

from stories.feeds import NewsAtomFeed, NewsRssFeed
from stories.models import Byline, Correction, Image, Story
from stories.xmlwriter import XMLWriter
from tests.helpers.demo import load_demo
from tests.helpers.factories import (
    add_byline,
    cite,
    hidden_stories,
    make_person,
    make_public_story,
    make_section,
    make_source,
)
from tests.helpers.live import add_update, make_live_story
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
        [rendition] = [r for r in image.renditions("16x9") if r.name.endswith("-1200.jpeg")]
        storage = image.file.storage
        cls.picture_url = f"http://testserver{storage.url(rendition.name)}"
        cls.picture_size = storage.size(rendition.name)

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
                assert entry.title == "Tom & Jerry <say> goodbye"
                assert entry.title_detail.type == "text/plain"
                # The summary is HTML that shows the dek as written.
                assert entry.summary == "The dek, with an &amp; and a &lt;tag&gt;."
                assert [a.name for a in entry.authors] == ["Elena Marsh", "Jonah Pike"]
                assert {t.term for t in entry.tags} == {"Government", "IRS", "Data sharing"}
                assert entry.published_parsed
                assert entry.updated_parsed > entry.published_parsed
                [enclosure] = entry.enclosures
                assert enclosure.href == self.picture_url
                assert enclosure.type == "image/jpeg"
                assert enclosure.length == str(self.picture_size)

    def test_items_carry_their_hero_as_a_media_rss_rendition(self):
        for kind in FEED_KINDS:
            with self.subTest(kind=kind):
                _, feed = self.parse(f"/{kind}/")
                [media] = feed.entries[0].media_content
                assert media == {
                    "url": self.picture_url,
                    "type": "image/jpeg",
                    "medium": "image",
                    "width": "1200",
                    "height": "675",
                    "filesize": str(self.picture_size),
                }
                # feedparser reads media:description, the alt text, as the entry's content.
                assert feed.entries[0].content[0].value == "The Treasury building at dusk"
                credit = [{"content": "Demo Photographer / The Ledger"}]
                assert feed.entries[0].media_credit == credit

    def test_the_feed_picture_is_a_rendition_never_the_upload(self):
        for kind in FEED_KINDS:
            with self.subTest(kind=kind):
                raw = self.client.get(f"/{kind}/").text
                assert self.image.file.url not in raw
                assert "/media/renditions/" in raw

    def test_an_items_categories_are_its_section_then_its_tags_by_name(self):
        for kind in FEED_KINDS:
            with self.subTest(kind=kind):
                _, feed = self.parse(f"/{kind}/")
                terms = [t.term for t in feed.entries[0].tags]
                assert terms == ["Government", "Data sharing", "IRS"]

    @override_settings(PAGE_CACHE_ENABLED=False)
    def test_a_feed_is_last_modified_when_its_newest_item_was(self):
        newest = self.story.updated_for_readers
        for kind in FEED_KINDS:
            with self.subTest(kind=kind):
                response, _ = self.parse(f"/{kind}/")
                assert response["Last-Modified"] == http_date(newest.timestamp())

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
                assert entry.title == "Correction: Tom & Jerry <say> goodbye"
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


@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class FeedTextTests(TestCase):
    """Feed readers read headlines and deks exactly as the newsroom wrote them: quotes and
    apostrophes as themselves, markup-like text as text, never rendered."""

    def entry(self, url):
        feed = feedparser.parse(self.client.get(url).content)
        assert not feed.bozo, (url, feed.bozo_exception)
        [entry] = feed.entries
        return entry

    def test_apostrophes_and_quotes_read_as_themselves(self):
        make_public_story(
            headline='A tax agency\'s promise to "protect" data',
            dek='The commissioner\'s word: "never".',
        )
        for kind in FEED_KINDS:
            with self.subTest(kind=kind):
                entry = self.entry(f"/{kind}/")
                assert entry.title == 'A tax agency\'s promise to "protect" data'
                assert entry.summary == 'The commissioner\'s word: "never".'

    def test_markup_in_a_headline_is_text_and_never_an_element(self):
        make_public_story(headline="Tom & Jerry <say> goodbye", dek="<b>Not bold</b> & <i>x</i>")
        for kind in FEED_KINDS:
            with self.subTest(kind=kind):
                raw = self.client.get(f"/{kind}/").text
                assert "<say>" not in raw and "&amp;lt;say" not in raw
                assert "<title>Tom &amp; Jerry &lt;say&gt; goodbye</title>" in raw or (
                    '<title type="text">Tom &amp; Jerry &lt;say&gt; goodbye</title>' in raw
                )
                entry = self.entry(f"/{kind}/")
                assert entry.title == "Tom & Jerry <say> goodbye"
                # The summary is HTML whose text is the dek: the tags are shown, not applied.
                assert entry.summary == "&lt;b&gt;Not bold&lt;/b&gt; &amp; &lt;i&gt;x&lt;/i&gt;"
                assert html.unescape(entry.summary) == "<b>Not bold</b> & <i>x</i>"

    def test_atom_titles_are_declared_text_so_even_html_tags_stay_text(self):
        make_public_story(headline="Why <b> is not bold")
        entry = self.entry("/atom/")
        assert entry.title_detail.type == "text/plain"
        assert entry.title == "Why <b> is not bold"

    def test_live_updates_read_as_their_text_in_both_formats(self):
        story = make_live_story()
        add_update(
            story,
            headline="",
            body="<p>The agency&#x27;s chief said &quot;no&quot; &amp; left.</p>",
        )
        for kind in FEED_KINDS:
            with self.subTest(kind=kind):
                entry = self.entry(f"/live/{story.pk}/{kind}/")
                assert entry.title == 'The agency\'s chief said "no" & left.'
                assert entry.summary == 'The agency\'s chief said "no" &amp; left.'


@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class FeedPictureTests(TestCase):
    def test_every_story_with_a_hero_has_its_picture_and_one_without_has_none(self):
        image = make_image()
        Image.objects.filter(pk=image.pk).update(renditions_key="")  # still being cut
        make_public_story(headline="Pictured", hero_image=image)
        make_public_story(headline="Unpictured")
        for kind in FEED_KINDS:
            with self.subTest(kind=kind):
                feed = feedparser.parse(self.client.get(f"/{kind}/").content)
                by_title = {entry.title: entry for entry in feed.entries}
                assert not by_title["Unpictured"].get("enclosures")
                assert "media_content" not in by_title["Unpictured"]
                # Until the renditions are cut the master stands in, as on the pages.
                [enclosure] = by_title["Pictured"].enclosures
                assert enclosure.href == f"http://testserver{image.file.url}"
        entries = feedparser.parse(self.client.get("/rss/").content).entries
        [media] = next(entry for entry in entries if entry.title == "Pictured").media_content
        assert (media["width"], media["height"]) == ("1200", "800")


@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class FullTextFeedTests(TestCase):
    """/rss/full/ and /atom/full/ carry each story's whole body, as clean as on its page."""

    def test_every_page_points_readers_and_feed_readers_at_them(self):
        page = self.client.get(self.story.get_absolute_url())
        self.assertContains(
            page,
            '<link rel="alternate" type="application/rss+xml" '
            'title="The Ledger: latest stories in full (RSS)" href="/rss/full/">',
        )
        for url in ["/rss/full/", "/atom/full/"]:
            self.assertContains(page, f'<a href="{url}">')

    @classmethod
    def setUpTestData(cls):
        cls.picture = make_image(alt_text="The Treasury at dusk", caption="", credit="A. Lens")
        cls.story = make_public_story(
            headline="Krause resigns",
            body=(
                '<p>The commissioner\'s letter &amp; <a href="/about/">our policy</a>.</p>'
                f'<figure class="figure"><img src="{cls.picture.file.url}" '
                f'data-file="{cls.picture.pk}"><figcaption class="figure-caption">'
                "The building</figcaption></figure>"
                "<p>More.</p>"
            ),
        )
        cite(
            cls.story,
            make_source(name="Zqx Confidential", contact_details="zqx@example.org"),
            supports="A fact",
        )
        for story in hidden_stories(canary="ZQXHIDDEN").values():
            story.body = "<p>ZQXHIDDEN body</p>"
            Story.objects.filter(pk=story.pk).update(body=story.body)

    def entry(self, url):
        feed = feedparser.parse(self.client.get(url).content)
        assert not feed.bozo, (url, feed.bozo_exception)
        [entry] = feed.entries
        return entry

    def test_each_item_carries_the_whole_body_as_html(self):
        for url in ["/rss/full/", "/atom/full/"]:
            with self.subTest(url=url):
                entry = self.entry(url)
                assert entry.title == "Krause resigns"
                [content] = entry.content if url.startswith("/atom") else entry.content[:1]
                assert content.type == "text/html"
                body = content.value
                assert "The commissioner's letter &amp; " in body
                assert '<a href="http://testserver/about/"' in body
                assert "<p>More.</p>" in body

    def test_inline_pictures_are_absolute_renditions_with_alt_text_and_caption(self):
        # A 1200 x 800 picture cut to 4:3 is 1067 wide: its widest rendition is 800 wide.
        [rendition] = [r for r in self.picture.renditions("4x3") if r.name.endswith("800.jpeg")]
        url = f"http://testserver{self.picture.file.storage.url(rendition.name)}"
        for url_of_feed in ["/rss/full/", "/atom/full/"]:
            with self.subTest(url=url_of_feed):
                raw = self.client.get(url_of_feed).text
                assert self.picture.file.url not in raw  # never the upload
                body = self.entry(url_of_feed).content[0].value
                [img] = re.findall(r"<img ([^>]*)>", body)
                assert dict(re.findall(r'(\w+)="([^"]*)"', img)) == {
                    "src": url,
                    "width": "800",
                    "height": "600",
                    "alt": "The Treasury at dusk",
                }
                assert "<figcaption>The building A. Lens</figcaption>" in body
                assert "data-file" not in body

    def test_the_short_feeds_carry_no_body(self):
        for url in ["/rss/", "/atom/"]:
            with self.subTest(url=url):
                raw = self.client.get(url).text
                assert "<p>More.</p>" not in raw and "More.&lt;/p&gt;" not in raw

    def test_nothing_hidden_or_confidential_is_in_the_full_feeds(self):
        for url in ["/rss/full/", "/atom/full/"]:
            with self.subTest(url=url):
                raw = self.client.get(url).text
                assert "Krause resigns" in raw
                assert "ZQXHIDDEN" not in raw
                assert "Zqx Confidential" not in raw and "zqx@example.org" not in raw

    def test_a_body_is_cleaned_by_the_pages_sanitizer_even_if_stored_otherwise(self):
        Story.objects.filter(pk=self.story.pk).update(
            body='<p onclick="steal()">Hi</p><script>alert(1)</script><img src="https://evil/x">'
        )
        for url in ["/rss/full/", "/atom/full/"]:
            with self.subTest(url=url):
                body = self.entry(url).content[0].value
                assert body == "<p>Hi</p>"

    @override_settings(PAGE_CACHE_ENABLED=False)
    def test_the_pictures_of_every_body_are_read_in_one_query(self):
        for _ in range(3):
            picture = make_image()
            make_public_story(
                body=f'<figure class="figure"><img src="{picture.file.url}" '
                f'data-file="{picture.pk}"></figure>'
            )
        for url in ["/rss/full/", "/atom/full/"]:
            with self.subTest(url=url), self.assertNumQueries(2):
                self.client.get(url)

    def test_the_full_feeds_are_named_apart(self):
        feed = feedparser.parse(self.client.get("/rss/full/").content).feed
        assert feed.title.endswith("(full stories)")


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


def feed_of_awkward_text(feed_type):
    feed = feed_type(
        title='Tom & "Jerry" <say>',
        link="http://testserver/",
        description="It's <b>bold</b> & new",
        subtitle="It's <b>bold</b> & new",
        language="en-us",
        feed_url="http://testserver/rss/?a=1&b=2",
        author_name="The Ledger",
    )
    moment = datetime.datetime(2026, 11, 24, 15, tzinfo=datetime.UTC)
    feed.add_item(
        title="Quotes \" and ' and both \"'",
        link="http://testserver/2026/11/24/a/",
        description="",
        unique_id="http://testserver/2026/11/24/a/",
        pubdate=moment,
        updateddate=moment + datetime.timedelta(hours=2),
        categories=["Money", 'Say "hi"', "Tabs\tand\nlines", "It's"],
        enclosures=[Enclosure("http://testserver/media/a b.jpg", "0", "image/jpeg")],
        authors=[("Ana & Ben", "http://testserver/people/ana/")],
    )
    feed.add_item(title="Plain", link="http://testserver/b/", description="Dek", authors=[])
    feed.add_item(
        title="",
        link="http://testserver/c/?x=1&y=2",
        description="<p>A & B</p>",
        pubdate=moment,
        author_name="Desk & Co",
        author_email="desk@example.org",
        author_link="http://testserver/desk/",
        item_copyright="© The Ledger",
    )
    return feed


class TextTitles:
    """A SAX handler that declares the titles of entries text (``type="text"``)."""

    def __init__(self, handler):
        self.handler = handler

    def __getattr__(self, name):
        return getattr(self.handler, name)

    def addQuickElement(self, name, contents=None, attrs=None):
        if name == "title":
            attrs = {"type": "text"}
        self.handler.addQuickElement(name, contents, attrs)


class AtomThroughSax(NewsAtomFeed):
    """What ``NewsAtomFeed`` writes, said through the stock generator's SAX calls: Django's
    entries with titles declared text, then one ``author`` element per author."""

    write_items = Atom1Feed.write_items

    def add_item_elements(self, handler, item):
        Atom1Feed.add_item_elements(self, TextTitles(handler), item)
        for name, url in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", url)
            handler.endElement("author")


class FeedWriterTests(SimpleTestCase):
    """Feeds are written by XMLWriter, whose document is the one Django's SAX writer makes."""

    def test_each_feed_format_writes_what_the_stock_feed_generator_writes(self):
        formats = [
            (NewsRssFeed, NewsRssFeed, Rss201rev2Feed),
            (NewsAtomFeed, AtomThroughSax, Atom1Feed),
        ]
        for ours, reference, stock in formats:
            with self.subTest(format=stock.__name__):
                written, expected = StringIO(), StringIO()
                feed_of_awkward_text(ours).write(written, "utf-8")
                # through SimplerXMLGenerator
                stock.write(feed_of_awkward_text(reference), expected, "utf-8")
                assert written.getvalue() == expected.getvalue()
                assert feedparser.parse(written.getvalue()).bozo == 0

    def test_elements_text_and_attributes_are_written_as_the_sax_writer_writes_them(self):
        def write(handler):
            handler.startDocument()
            handler.startElement("feed", {"xmlns": "urn:x", "b": 'say "hi"', "a": "it's"})
            handler.addQuickElement("empty")
            handler.addQuickElement("blank", "", {"href": "/?a=1&b=<2>"})
            handler.addQuickElement("text", "a & b < c > d \"e\" 'f'")
            handler.startElement("author", {})
            handler.characters("Ana")
            handler.characters("")
            handler.endElement("author")
            handler.startElement("open", {})
            handler.endElement("open")
            handler.addQuickElement("both", "x", {"q": "\"'", "tab": "a\tb\nc\rd"})
            handler.endElement("feed")

        expected = StringIO()
        write(SimplerXMLGenerator(expected, "utf-8", short_empty_elements=True))
        ours = XMLWriter("utf-8")
        write(ours)
        assert ours.getvalue() == expected.getvalue()

    def test_control_characters_are_refused_as_xml_cannot_carry_them(self):
        for write in [
            lambda handler: handler.addQuickElement("title", "bell \x07"),
            lambda handler: handler.addQuickElement("link", "", {"href": "\x0b"}),
            lambda handler: handler.characters("\x00"),
            lambda handler: handler.startElement("x", {"y": "\x1f"}),
        ]:
            with self.subTest(write=write), self.assertRaises(UnserializableContentError):
                write(XMLWriter("utf-8"))
