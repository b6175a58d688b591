import json
import re

from django.test import TestCase

from stories.models import Byline, Correction, Person, Story
from stories.structured_data import json_ld
from tests.helpers.demo import load_demo
from tests.helpers.factories import add_byline, make_person, make_public_story
from tests.helpers.reader_data import make_image

LD_SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
OFFSET_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def structured_data(response):
    blocks = LD_SCRIPT.findall(response.text)
    assert len(blocks) == 1
    return json.loads(blocks[0])


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
        assert data["author"][0]["image"] == f"http://testserver{photos['A'].file.url}"
        assert [c["name"] for c in data["contributor"]] == ["Snapper"]
        # The hero in each shape search engines ask for, at its largest size.
        shapes = {(image["width"], image["height"]) for image in data["image"]}
        assert shapes == {(1200, 675), (800, 600), (800, 800)}
        for image in data["image"]:
            name = image["url"].removeprefix("http://testserver/media/")
            assert name.startswith(f"renditions/{hero.pk}/") and name.endswith(".jpeg")
            assert hero.file.storage.exists(name)
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
