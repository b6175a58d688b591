import re
from html.parser import HTMLParser

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from stories.models import Page, Story
from tests.helpers.banner import BannerAlreadyRead
from tests.helpers.demo import load_demo
from tests.helpers.factories import make_person, make_public_story, make_section
from tests.helpers.reader_data import make_image, rich_story, stories_in

MAIN_SLUG = "irs-commissioner-melanie-krause-resigns"
STORY_PAGE_BUDGET = 6
LIST_PAGE_BUDGET = 5


class Landmarks(HTMLParser):
    """Collects what the accessibility checks look at."""

    def __init__(self):
        super().__init__()
        self.tags, self.h1_count, self.images, self.ids = [], 0, [], []
        self.html_lang = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag == "h1":
            self.h1_count += 1
        if tag == "img":
            self.images.append(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])


def landmarks(html):
    parser = Landmarks()
    parser.feed(html)
    return parser


def demo_urls():
    main = Story.objects.get(slug=MAIN_SLUG)
    return [
        "/",
        main.get_absolute_url(),
        "/section/government/",
        "/tag/irs/",
        "/people/melanie-krause/",
        "/people/elena-marsh/",
        "/2026/",
        "/2026/11/",
        "/2026/11/24/",
        "/corrections/",
        "/about/",
        "/ethics/",
        "/corrections-policy/",
    ]


class DemoPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.main = Story.objects.get(slug=MAIN_SLUG)

    def test_every_page_renders_the_demo_coverage_in_the_site_design(self):
        for url in demo_urls():
            with self.subTest(url=url):
                response = self.client.get(url)
                assert response.status_code == 200
                page = landmarks(response.text)
                assert page.html_lang == "en"
                assert page.h1_count == 1
                assert {"header", "nav", "main", "footer"} <= set(page.tags)
                assert 'href="#content"' in response.text
                assert 'id="content"' in response.text
                assert len(page.ids) == len(set(page.ids)), "ids must be unique"
                for name in ["description", "twitter:card"]:
                    assert f'name="{name}"' in response.text
                assert 'rel="canonical"' in response.text
                assert 'property="og:title"' in response.text

    def test_home_shows_the_lead_the_latest_and_stories_by_section(self):
        response = self.client.get("/")
        lead = Story.objects.public().first()
        assert 'id="lead-headline"' in response.text
        assert lead.headline in response.text.split('id="latest-heading"')[0]
        assert "By section" in response.text
        assert response.context["sections"], "stories by section"
        assert all(s.section == sec for sec, group in response.context["sections"] for s in group)

    def test_story_page_shows_everything_a_reader_needs(self):
        text = self.client.get(self.main.get_absolute_url()).text
        assert "<h1" in text and self.main.headline in text
        assert '<span class="kind">News</span>' in text
        assert 'href="/people/elena-marsh/">Elena Marsh</a>' in text
        assert "Additional reporting:" in text
        assert '<span class="dateline">WASHINGTON</span>' in text
        assert '<time datetime="2026-11-24T10:15:00-05:00">' in text
        assert "How we reported this" in text
        assert "a senior Treasury official" in text
        assert "People in this story" in text
        assert 'href="/tag/data-sharing/"' in text
        assert 'class="corrections"' in text
        assert text.index('class="corrections"') < text.index('class="story-body"')
        assert "More on this story" in text

    def test_hero_image_has_alt_caption_and_credit(self):
        story = make_public_story(hero_image=make_image())
        text = self.client.get(story.get_absolute_url()).text
        assert 'alt="The Treasury building at dusk"' in text
        assert 'width="800" height="450"' in text  # the 16:9 rendition, no layout shift
        assert "<figcaption>The Treasury Department in Washington." in text
        assert "Demo Photographer / The Ledger" in text
        assert '<meta property="og:image" content="http://testserver/media/renditions/' in text
        assert 'content="http://testserver/media/images/' not in text  # never the original
        assert '<meta name="twitter:card" content="summary_large_image">' in text

    def test_story_open_graph_article_tags(self):
        text = self.client.get(self.main.get_absolute_url()).text
        for meta in [
            'property="og:type" content="article"',
            'property="article:published_time" content="2026-11-24T10:15:00-05:00"',
            'property="article:modified_time"',
            'property="article:author" content="http://testserver/people/elena-marsh/"',
            'property="article:section" content="Government"',
            'property="article:tag" content="Data sharing"',
        ]:
            assert meta in text

    def test_tag_page_introduces_the_topic(self):
        text = self.client.get("/tag/data-sharing/").text
        assert "When one government agency hands records it holds to another." in text

    def test_person_page_lists_stories_by_and_about_them(self):
        marsh = self.client.get("/people/elena-marsh/")
        assert marsh.context["stories_by"]
        assert "Stories by Elena Marsh" in marsh.text
        krause = self.client.get("/people/melanie-krause/")
        assert krause.context["stories_about"]
        assert "Former IRS Commissioner" in krause.text

    def test_archives_list_what_was_published_in_the_period(self):
        day = self.client.get("/2026/11/24/")
        assert {s.published_at.date().day for s in day.context["page"]} <= {24, 25}
        assert self.main in list(day.context["page"])
        assert "Stories from November 24, 2026" in day.text
        month = self.client.get("/2026/11/")
        assert 'href="/2026/11/24/"' in month.text
        assert 'href="/2026/11/"' in self.client.get("/2026/").text

    def test_corrections_page_lists_corrections_newest_first_with_links(self):
        response = self.client.get("/corrections/")
        corrections = list(response.context["page"])
        assert corrections
        assert corrections == sorted(corrections, key=lambda c: c.published_at, reverse=True)
        assert f"{self.main.get_absolute_url()}#correction-" in response.text

    def test_standing_pages_are_linked_from_every_page_and_editable(self):
        home = self.client.get("/").text
        for slug in [Page.ABOUT, Page.ETHICS, Page.CORRECTIONS_POLICY]:
            assert f'href="/{slug}/"' in home
        page = Page.objects.get(slug=Page.ETHICS)
        page.body = "<p>Updated standards.</p><script>alert(1)</script>"
        page.save()
        text = self.client.get("/ethics/").text
        assert "Updated standards." in text
        assert "alert(1)" not in text

    def test_a_page_cannot_take_an_address_the_site_already_uses(self):
        from django.core.exceptions import ValidationError

        for slug in ["corrections", "rss"]:
            with self.subTest(slug=slug), self.assertRaises(ValidationError):
                Page(title="X", slug=slug, body="<p>x</p>").full_clean()
        Page(title="Jobs", slug="jobs", body="<p>x</p>").full_clean()


class BadInputTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.story = make_public_story(slug="a-story")
        cls.story.tags.add("IRS")

    def test_impossible_dates_are_not_found(self):
        for url in [
            "/2026/13/45/x/",
            "/2026/02/30/a-story/",
            "/2026/00/10/a-story/",
            "/2026/13/",
            "/2026/00/",
            "/2026/02/30/",
            "/0000/",
            "/9999/",
            "/9999/12/",
            "/9999/12/31/",
            "/1850/",
        ]:
            with self.subTest(url=url):
                assert self.client.get(url).status_code == 404

    def test_unknown_slugs_are_not_found_in_the_site_design(self):
        for url in [
            "/section/nope/",
            "/tag/nope/",
            "/people/nope/",
            "/2026/01/01/nope/",
            "/nope/",
        ]:
            with self.subTest(url=url):
                response = self.client.get(url)
                assert response.status_code == 404
                assert "We can’t find that page" in response.text
                assert 'class="site-header"' in response.text

    def test_bad_page_numbers_give_a_sensible_page(self):
        # Lists are not counted (see stories.pagination): what is not a page number gives
        # the first page, a page past the end of the list is not found.
        for url in [
            "/",
            "/section/" + self.story.section.slug + "/",
            "/tag/irs/",
            "/corrections/",
        ]:
            for page in ["abc", "-1", "0", "1e9", "%00"]:
                with self.subTest(url=url, page=page):
                    response = self.client.get(f"{url}?page={page}")
                    assert response.status_code == 200
                    assert response.context["page"].number == 1
            for page in ["2", "99999", "9" * 400]:
                with self.subTest(url=url, page=page):
                    assert self.client.get(f"{url}?page={page}").status_code == 404

    def test_over_long_and_binary_path_segments_are_not_found(self):
        long = "a" * 5000
        for url in [
            f"/tag/{long}/",
            f"/section/{long}/",
            f"/people/{long}/",
            f"/2026/01/01/{long}/",
            f"/{long}/",
            f"/tag/{long}/rss/",
            "/tag/%00/",
            "/tag/%FF%FE/",
            "/%00/",
            "/section/%C0%AF/",
            "/people/x%00y/rss/",
        ]:
            with self.subTest(url=url[:60]):
                assert self.client.get(url).status_code == 404

    def test_tags_with_letters_beyond_ascii_have_working_pages(self):
        self.story.tags.add("Café society")
        tag = self.story.tags.get(name="Café society")
        response = self.client.get(tag.get_absolute_url())
        assert response.status_code == 200
        assert "Café society" in response.text

    def test_machine_readable_times_are_valid_html_times_in_the_newsroom_zone(self):
        story = make_public_story()  # published "now", with microseconds
        for url in [story.get_absolute_url(), "/", "/corrections/", "/about/"]:
            with self.subTest(url=url):
                times = re.findall(r'datetime="([^"]+)"', self.client.get(url).text)
                assert times or url == "/corrections/"
                for value in times:
                    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[45]:00", value)

    def test_writing_methods_are_refused(self):
        assert self.client.post("/").status_code == 405
        assert self.client.post(self.story.get_absolute_url()).status_code == 405

    def test_server_error_page_is_in_the_site_design_and_needs_no_database(self):
        from stories.views import server_error

        with self.assertNumQueries(0):
            response = server_error(None)
        assert response.status_code == 500
        assert "Something went wrong on our side" in response.text
        assert "The Ledger" in response.text


# Budgets count what a page itself costs, without the page cache in front of it.
@override_settings(PAGE_CACHE_ENABLED=False)
class QueryBudgetTests(BannerAlreadyRead, TestCase):
    def count_queries(self, url):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        assert response.status_code == 200, url
        return len(queries)

    def test_story_page_queries_do_not_grow_with_its_connections(self):
        one = self.count_queries(rich_story(1).get_absolute_url())
        ten = self.count_queries(rich_story(10).get_absolute_url())
        assert one == ten <= STORY_PAGE_BUDGET, (one, ten)

    def test_list_pages_run_the_same_queries_for_5_stories_as_for_50(self):
        section = make_section(slug="budget")
        author = make_person(slug="reporter", is_staff_member=True)
        day = stories_in(section, 5, person=author)[0].published_at.date()
        archive = f"/{day:%Y}/{day:%m}/{day:%d}/"
        urls = [
            "/",
            "/?page=2",
            "/section/budget/",
            "/tag/shared/",
            "/people/reporter/",
            archive,
            archive[:9],
            archive[:6],
            "/corrections/",
        ]
        few = {url: self.count_queries(url) for url in urls if url != "/?page=2"}
        stories_in(section, 45, person=author)
        many = {url: self.count_queries(url) for url in urls}
        few["/?page=2"] = many["/?page=2"]
        assert many == few, (few, many)
        assert max(many.values()) <= LIST_PAGE_BUDGET, many


class ResponsiveAndStaticTests(TestCase):
    def test_nothing_is_loaded_from_another_host(self):
        load_demo()
        story = Story.objects.get(slug=MAIN_SLUG)
        text = self.client.get(story.get_absolute_url()).text
        loaded = re.findall(r'<(?:img|script|iframe|source)[^>]+src="([^"]+)"', text)
        loaded += re.findall(r'<link rel="(?:stylesheet|icon|preload)"[^>]+href="([^"]+)"', text)
        assert loaded
        for url in loaded:
            assert url.startswith("/") and not url.startswith("//"), url
        assert "<script src" not in text, "no JavaScript is needed to read a story"
