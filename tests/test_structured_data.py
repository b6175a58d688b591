import html
import json
import re

from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.test import TestCase
from PIL import Image as PillowImage

from stories.models import Byline, Correction, Image, Page, Person, Source, Story
from stories.structured_data import json_ld
from tests.helpers.demo import load_demo
from tests.helpers.factories import (
    add_byline,
    cite,
    make_person,
    make_public_story,
    make_section,
    make_source,
)
from tests.helpers.pictures import picture_bytes
from tests.helpers.reader_data import make_image

LD_SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
OFFSET_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
META = re.compile(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">')
MEDIA = "http://testserver/media/"


def ld_blocks(response):
    return [json.loads(block) for block in LD_SCRIPT.findall(response.text)]


def structured_data(response, schema_type=None):
    """The page's one JSON-LD object of ``schema_type``, or its one object besides its
    breadcrumb trail."""
    blocks = ld_blocks(response)
    if schema_type:
        blocks = [block for block in blocks if block["@type"] == schema_type]
    else:
        blocks = [block for block in blocks if block["@type"] != "BreadcrumbList"]
    assert len(blocks) == 1
    return blocks[0]


def meta(response):
    """The page's <meta> properties and names: each with the list of its values."""
    found = {}
    for name, content in META.findall(response.text):
        found.setdefault(name, []).append(html.unescape(content))
    return found


def stored_size(url):
    """The width and height of the media file at ``url``, read from the file itself."""
    name = url.removeprefix(MEDIA)
    storage = Image._meta.get_field("file").storage
    with storage.open(name) as file, PillowImage.open(file) as picture:
        return picture.size


def large_image():
    """A picture large enough for a 1200-pixel rendition in every shape."""
    return make_image(data=picture_bytes(size=(2400, 1600)))


class StoryJsonLdTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.main = Story.objects.get(slug="irs-commissioner-melanie-krause-resigns")

    def test_demo_story_carries_every_required_field(self):
        data = structured_data(self.client.get(self.main.get_absolute_url()))
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "ReportageNewsArticle"
        assert data["headline"] == (self.main.seo_headline or self.main.headline)
        assert data["description"] == self.main.dek
        assert OFFSET_TIME.match(data["datePublished"])
        assert data["datePublished"] == "2026-11-24T10:15:00-05:00"
        assert OFFSET_TIME.match(data["dateModified"])
        assert data["dateModified"] > data["datePublished"]
        assert data["dateline"] == "WASHINGTON"
        assert "Data sharing" in data["keywords"]
        [author] = data["author"]
        assert author == {
            "@type": "Person",
            "name": "Elena Marsh",
            "url": "http://testserver/people/elena-marsh/",
            "jobTitle": "Tax and Treasury reporter",
        }
        publisher = data["publisher"]
        assert publisher["@type"] == "NewsMediaOrganization"
        assert publisher["logo"]["url"].endswith("/static/img/logo.png")
        assert publisher["publishingPrinciples"] == "http://testserver/ethics/"
        assert publisher["correctionsPolicy"] == "http://testserver/corrections-policy/"
        [correction] = data["correction"]
        assert correction["@type"] == "CorrectionComment"
        assert "signed last month" in correction["text"]
        assert OFFSET_TIME.match(correction["datePublished"])

    def test_policy_and_logo_addresses_exist(self):
        data = structured_data(self.client.get(self.main.get_absolute_url()))
        publisher = data["publisher"]
        for url in [publisher["publishingPrinciples"], publisher["correctionsPolicy"]]:
            assert self.client.get(url).status_code == 200
        from django.contrib.staticfiles import finders

        assert finders.find("img/logo.png")

    def test_type_of_work_picks_the_schema_org_subtype(self):
        expected = {
            Story.Kind.ANALYSIS: "AnalysisNewsArticle",
            Story.Kind.OPINION: "OpinionNewsArticle",
            Story.Kind.EXPLAINER: "BackgroundNewsArticle",
            Story.Kind.REVIEW: "ReviewNewsArticle",
            Story.Kind.INTERVIEW: "NewsArticle",
        }
        for kind, schema_type in expected.items():
            with self.subTest(kind=kind):
                story = make_public_story(kind=kind)
                assert structured_data(self.client.get(story.get_absolute_url()))["@type"] == (
                    schema_type
                )

    def test_image_authors_and_every_correction_are_included(self):
        hero = make_image()
        story = make_public_story(hero_image=hero)
        photos = {name: make_image() for name in ["A", "B", "C"]}
        for name, photo in photos.items():
            add_byline(story, make_person(name=name, photo=photo))
        add_byline(story, make_person(name="Snapper"), role=Byline.Role.PHOTOS)
        for text in ["One.", "Two."]:
            Correction.objects.create(story=story, text=text)
        data = structured_data(self.client.get(story.get_absolute_url()))
        assert [a["name"] for a in data["author"]] == ["A", "B", "C"]
        # A portrait is its square rendition, never the uploaded original.
        portrait = data["author"][0]["image"]
        assert portrait.startswith(f"{MEDIA}renditions/{photos['A'].pk}/")
        assert stored_size(portrait) == (800, 800)
        assert [c["name"] for c in data["contributor"]] == ["Snapper"]
        # A 1200 x 800 hero: only its 16:9 crop reaches the 1200 pixels search engines ask for.
        [image] = data["image"]
        assert (image["width"], image["height"]) == stored_size(image["url"]) == (1200, 675)
        assert image["url"].startswith(f"{MEDIA}renditions/{hero.pk}/")
        assert image["url"].endswith(".jpeg")
        assert len(data["correction"]) == 2

    def test_content_cannot_break_out_of_the_script_element(self):
        story = make_public_story(
            headline="</script><script>alert(1)</script>", dek="<!-- & -->", dateline="</SCRIPT>"
        )
        response = self.client.get(story.get_absolute_url())
        data = structured_data(response)
        assert data["headline"] == "</script><script>alert(1)</script>"
        assert data["dateline"] == "</SCRIPT>"
        assert "<script>alert(1)" not in response.text
        block = LD_SCRIPT.search(response.text).group(1)
        assert "<" not in block and ">" not in block and "&" not in block

    def test_json_ld_helper_escapes_markup_characters(self):
        html = json_ld({"a": "</script>&<!--"})
        assert html.startswith('<script type="application/ld+json">')
        inner = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
        assert json.loads(inner) == {"a": "</script>&<!--"}
        assert "</" not in inner


class PersonJsonLdTests(TestCase):
    def test_person_page_carries_person_structured_data(self):
        load_demo()
        marsh = Person.objects.get(slug="elena-marsh")
        data = structured_data(self.client.get(marsh.get_absolute_url()))
        assert data["@type"] == "Person"
        assert data["name"] == "Elena Marsh"
        assert data["url"] == "http://testserver/people/elena-marsh/"
        assert data["jobTitle"] == "Tax and Treasury reporter"
        assert data["worksFor"]["@type"] == "NewsMediaOrganization"
        krause = structured_data(self.client.get("/people/melanie-krause/"))
        assert krause["affiliation"]["name"] == "Internal Revenue Service"


class ShareImageTests(TestCase):
    """What a page is shared and indexed with: renditions of at least 1200 pixels, or the
    site's default card; never the uploaded original."""

    def test_story_json_ld_has_the_hero_in_every_shape_at_1200_pixels_or_more(self):
        hero = large_image()
        story = make_public_story(hero_image=hero)
        data = structured_data(self.client.get(story.get_absolute_url()))
        ratios = set()
        for image in data["image"]:
            width, height = stored_size(image["url"])
            assert (image["width"], image["height"]) == (width, height)
            assert width >= 1200
            ratios.add(round(width / height, 2))
            assert image["url"] != f"http://testserver{hero.file.url}"
        assert ratios == {1.78, 1.33, 1.0}

    def test_og_image_is_the_heros_1200_pixel_rendition(self):
        hero = large_image()
        story = make_public_story(hero_image=hero)
        response = self.client.get(story.get_absolute_url())
        tags = meta(response)
        [url] = tags["og:image"]
        assert url.startswith(f"{MEDIA}renditions/{hero.pk}/")
        assert stored_size(url) == (1200, 675)
        assert tags["og:image:width"] == ["1200"] and tags["og:image:height"] == ["675"]
        assert tags["og:image:alt"] == [hero.alt_text]
        assert tags["twitter:image"] == [url]
        assert tags["twitter:card"] == ["summary_large_image"]
        assert hero.file.url not in response.text.split("</head>")[0]

    def test_story_without_a_hero_is_shared_and_indexed_with_the_default_card(self):
        story = make_public_story()
        response = self.client.get(story.get_absolute_url())
        [image] = structured_data(response)["image"]
        assert image["url"] == "http://testserver/static/img/share.png"
        tags = meta(response)
        assert tags["og:image"] == [image["url"]]
        assert tags["og:image:width"] == ["1200"] and tags["og:image:height"] == ["630"]
        assert tags["og:image:alt"] == ["The Ledger"]
        with PillowImage.open(finders.find("img/share.png")) as card:
            assert (card.format, card.size) == ("PNG", (1200, 630))
            assert (image["width"], image["height"]) == card.size

    def test_hero_whose_renditions_are_being_prepared_is_not_shared_as_the_original(self):
        hero = large_image()
        Image.objects.filter(pk=hero.pk).update(renditions_key="")
        story = make_public_story(hero_image=hero)
        response = self.client.get(story.get_absolute_url())
        assert meta(response)["og:image"] == ["http://testserver/static/img/share.png"]
        [image] = structured_data(response)["image"]
        assert image["url"] == "http://testserver/static/img/share.png"

    def test_small_hero_falls_back_to_the_default_card(self):
        story = make_public_story(hero_image=make_image(data=picture_bytes(size=(900, 600))))
        response = self.client.get(story.get_absolute_url())
        assert meta(response)["og:image"] == ["http://testserver/static/img/share.png"]

    def test_every_list_page_has_a_share_image_with_its_size_and_alt_text(self):
        section = make_section()
        story = make_public_story(section=section)
        story.tags.add("Budget")
        person = make_person(is_staff_member=True)
        published = story.published_at
        pages = [
            "/",
            section.get_absolute_url(),
            "/tag/budget/",
            person.get_absolute_url(),
            "/search/?q=budget",
            "/corrections/",
            f"/{published.year}/",
            "/about/",
        ]
        for page in pages:
            with self.subTest(page=page):
                response = self.client.get(page)
                assert response.status_code == 200
                tags = meta(response)
                assert tags["og:image"] == ["http://testserver/static/img/share.png"]
                assert tags["og:image:width"] == ["1200"]
                assert tags["og:image:height"] == ["630"]
                assert tags["og:image:alt"] == ["The Ledger"]

    def test_person_page_is_shared_with_a_rendition_of_the_photo(self):
        photo = large_image()
        person = make_person(is_staff_member=True, photo=photo)
        response = self.client.get(person.get_absolute_url())
        [url] = meta(response)["og:image"]
        assert url.startswith(f"{MEDIA}renditions/{photo.pk}/")
        assert stored_size(url)[0] == 1200
        portrait = structured_data(response)["image"]
        assert portrait.startswith(f"{MEDIA}renditions/{photo.pk}/")
        width, height = stored_size(portrait)
        assert width == height


class SiteAndBreadcrumbTests(TestCase):
    def test_home_page_describes_the_newsroom_and_its_site_search(self):
        response = self.client.get("/")
        organization = structured_data(response, "NewsMediaOrganization")
        assert organization["@context"] == "https://schema.org"
        assert organization["name"] == "The Ledger"
        assert organization["url"] == "http://testserver/"
        website = structured_data(response, "WebSite")
        assert website["url"] == "http://testserver/"
        assert website["publisher"] == {"@id": organization["@id"]}
        action = website["potentialAction"]
        assert action["@type"] == "SearchAction"
        template = action["target"]["urlTemplate"]
        assert template == "http://testserver/search/?q={search_term_string}"
        # The placeholder the template names is the one query-input declares.
        assert action["query-input"] == "required name=search_term_string"
        search = self.client.get(template.replace("{search_term_string}", "budget"))
        assert search.status_code == 200

    def test_story_has_a_breadcrumb_trail_home_section_story(self):
        story = make_public_story(headline="Budget passes")
        response = self.client.get(story.get_absolute_url())
        trail = structured_data(response, "BreadcrumbList")["itemListElement"]
        assert [item["position"] for item in trail] == [1, 2, 3]
        assert [item["name"] for item in trail] == [
            "The Ledger",
            story.section.name,
            "Budget passes",
        ]
        assert [item["item"] for item in trail] == [
            "http://testserver/",
            f"http://testserver{story.section.get_absolute_url()}",
            f"http://testserver{story.get_absolute_url()}",
        ]
        for item in trail:
            assert item["@type"] == "ListItem"
            assert self.client.get(item["item"]).status_code == 200


class CitationTests(TestCase):
    def test_named_sources_with_a_public_address_are_cited_and_anonymous_ones_never(self):
        story = make_public_story()
        cite(story, make_source(name="Treasury report", url="https://example.gov/report"))
        cite(story, make_source(name="Unlinked official"))
        secret = make_source(
            name="CANARY-WHISTLEBLOWER",
            url="https://example.org/CANARY-URL",
            contact_details="CANARY-PHONE",
        )
        cite(story, secret, is_anonymous=True, public_description="a senior official")
        response = self.client.get(story.get_absolute_url())
        data = structured_data(response, "ReportageNewsArticle")
        assert data["citation"] == [
            {
                "@type": "CreativeWork",
                "name": "Treasury report",
                "url": "https://example.gov/report",
            }
        ]
        head = response.text.split("</head>")[0]
        assert "CANARY" not in head
        assert "a senior official" not in head
        assert "CANARY" not in response.text

    def test_a_public_document_is_cited_at_its_absolute_address(self):
        story = make_public_story()
        source = make_source(name="The agreement", kind=Source.Kind.DOCUMENT)
        Source.objects.filter(pk=source.pk).update(
            document_is_public=True, document="documents/a.pdf"
        )
        source.refresh_from_db()
        cite(story, source)
        data = structured_data(self.client.get(story.get_absolute_url()), "ReportageNewsArticle")
        [work] = data["citation"]
        assert work["url"] == f"http://testserver{source.document_url}"

    def test_story_citing_no_public_source_has_no_citation(self):
        story = make_public_story()
        cite(story, make_source(), is_anonymous=True, public_description="a person familiar")
        data = structured_data(self.client.get(story.get_absolute_url()), "ReportageNewsArticle")
        assert "citation" not in data


class PersonProfileTests(TestCase):
    def test_person_page_links_public_profiles_as_same_as(self):
        person = make_person(
            is_staff_member=True,
            profile_urls="https://mastodon.social/@ledger\n\n https://example.com/me \n",
        )
        data = structured_data(self.client.get(person.get_absolute_url()))
        assert data["sameAs"] == ["https://mastodon.social/@ledger", "https://example.com/me"]

    def test_profiles_must_be_https_addresses(self):
        for bad in ["http://example.com/me", "javascript:alert(1)", "example.com", "ftp://x.org"]:
            with self.subTest(bad=bad):
                person = Person(name="X", slug="x", profile_urls=f"https://ok.example\n{bad}")
                with self.assertRaises(ValidationError) as raised:
                    person.full_clean()
                assert "profile_urls" in raised.exception.message_dict
                assert "https://" in raised.exception.message_dict["profile_urls"][0]

    def test_person_without_profiles_has_no_same_as(self):
        person = make_person(is_staff_member=True)
        assert "sameAs" not in structured_data(self.client.get(person.get_absolute_url()))


class AboutPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.about = Page.objects.get(slug=Page.ABOUT)
        cls.about.ownership_and_funding = "<p>Owned by the OWNERSHIP-TEXT foundation.</p>"
        cls.about.how_to_contact = "<p>Write to CONTACT-TEXT.</p>"
        cls.about.save()
        cls.editor = make_person(name="Ada Editor", title="Editor in chief", is_staff_member=True)
        cls.reporter = make_person(name="Ben Reporter", title="Reporter", is_staff_member=True)
        cls.official = make_person(name="Outside Official", title="Treasury Secretary")

    def test_about_page_lists_the_staff_with_their_roles_and_pages(self):
        text = self.client.get("/about/").text
        masthead = text[text.index('id="masthead"') : text.index('id="ownership"')]
        assert f'<a href="{self.editor.get_absolute_url()}">Ada Editor</a>, Editor in chief' in (
            masthead
        )
        assert f'<a href="{self.reporter.get_absolute_url()}">Ben Reporter</a>, Reporter' in (
            masthead
        )
        assert "Outside Official" not in text

    def test_about_page_shows_ownership_policies_and_how_to_contact_us(self):
        response = self.client.get("/about/")
        text = response.text
        ownership = text[text.index('id="ownership"') : text.index('id="standards"')]
        assert "OWNERSHIP-TEXT" in ownership
        contact = text[text.index('id="contact"') :]
        assert "CONTACT-TEXT" in contact
        assert 'href="/tips/"' in contact and 'href="/contact-securely/"' in contact
        for href in ['href="/ethics/"', 'href="/corrections-policy/"', 'href="/corrections/"']:
            assert href in text
        data = structured_data(response, "AboutPage")
        assert data["about"]["@type"] == "NewsMediaOrganization"

    def test_publisher_points_at_each_section_of_the_about_page(self):
        story = make_public_story()
        publisher = structured_data(self.client.get(story.get_absolute_url()))["publisher"]
        assert publisher["masthead"] == "http://testserver/about/#masthead"
        assert publisher["ownershipFundingInfo"] == "http://testserver/about/#ownership"
        assert publisher["ethicsPolicy"] == "http://testserver/ethics/"
        assert publisher["correctionsPolicy"] == "http://testserver/corrections-policy/"
        feedback = self.client.get(publisher["actionableFeedbackPolicy"])
        assert feedback.status_code == 302
        assert feedback["Location"] == "/about/#contact"
        about = self.client.get("/about/").text
        for url in [
            publisher["masthead"],
            publisher["ownershipFundingInfo"],
            feedback["Location"],
        ]:
            assert f'id="{url.split("#")[1]}"' in about
        # The home page describes the same publisher.
        assert structured_data(self.client.get("/"), "NewsMediaOrganization") == {
            "@context": "https://schema.org",
            **publisher,
        }

    def test_a_new_member_of_staff_joins_the_masthead_at_once(self):
        with self.settings(PAGE_CACHE_ENABLED=True):
            assert "Cleo New" not in self.client.get("/about/").text
            make_person(name="Cleo New", title="Data editor", is_staff_member=True)
            assert "Cleo New" in self.client.get("/about/").text

    def test_only_the_about_page_has_ownership_and_contact_sections(self):
        ethics = Page.objects.get(slug=Page.ETHICS)
        ethics.how_to_contact = "<p>Call us.</p>"
        with self.assertRaises(ValidationError) as raised:
            ethics.full_clean()
        assert list(raised.exception.message_dict) == ["how_to_contact"]
        self.about.full_clean()

    def test_other_standing_pages_have_no_about_sections(self):
        text = self.client.get("/ethics/").text
        assert 'id="masthead"' not in text and 'id="contact"' not in text

    def test_sections_are_cleaned_like_the_body(self):
        self.about.how_to_contact = '<p onclick="x()">Hi<script>alert(1)</script></p>'
        self.about.save()
        self.about.refresh_from_db()
        assert "script" not in self.about.how_to_contact
        assert "onclick" not in self.about.how_to_contact


class DemoAboutPageTests(TestCase):
    def test_the_demo_about_page_names_the_staff_owner_funding_and_contacts(self):
        load_demo()
        text = self.client.get("/about/").text
        assert "The Ledger Foundation" in text
        assert "donations" in text
        assert "corrections@ledger.example" in text
        assert "Editors keep this section" not in text
        for slug in ["elena-marsh", "jonah-pike", "priya-raman"]:
            assert f'href="/people/{slug}/"' in text


def assert_google_article(data):
    """The shape Google's article rich results ask for."""
    assert data["@type"].endswith("NewsArticle") or data["@type"] == "LiveBlogPosting"
    assert 0 < len(data["headline"]) <= 110
    assert isinstance(data["image"], list) and data["image"]
    for image in data["image"]:
        assert image["url"].startswith("http") and image["width"] >= 1200
    assert data["author"], "an article names its authors"
    for author in data["author"]:
        assert author["@type"] == "Person" and author["name"]
        assert author["url"].startswith("http://testserver/people/")
    assert OFFSET_TIME.match(data["datePublished"])
    assert OFFSET_TIME.match(data["dateModified"])
    assert data["publisher"]["logo"]["url"].startswith("http")


class GoogleArticleShapeTests(TestCase):
    def test_demo_story_has_the_shape_of_a_google_article(self):
        load_demo()
        story = Story.objects.get(slug="irs-commissioner-melanie-krause-resigns")
        data = structured_data(self.client.get(story.get_absolute_url()))
        assert_google_article(data)
        # The demo's drawn hero is large enough for every shape.
        assert len(data["image"]) == 3

    def test_long_headline_is_cut_to_110_characters_at_a_word_with_an_ellipsis(self):
        long = "Lawmakers question the data agreement, " * 4
        story = make_public_story(headline=long.strip())
        add_byline(story, make_person(is_staff_member=True))
        data = structured_data(self.client.get(story.get_absolute_url()))
        assert_google_article(data)
        assert len(data["headline"]) <= 110
        assert data["headline"] == (
            "Lawmakers question the data agreement, Lawmakers question the data agreement, "
            "Lawmakers question the data…"
        )

    def test_story_without_a_hero_still_has_the_shape_of_a_google_article(self):
        story = make_public_story()
        add_byline(story, make_person(is_staff_member=True))
        assert_google_article(structured_data(self.client.get(story.get_absolute_url())))
