from django.test import TestCase

from fronts.models import Banner, Front
from stories.models import Citation, Image, Person, Source, Story, Tag
from tests.helpers.demo import load_demo, run_demo_loader

DEMO_MODELS = (Story, Person, Source, Tag, Citation, Image)


def counts():
    return [model.objects.count() for model in DEMO_MODELS]


class DemoCoverageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = run_demo_loader()

    def test_loads_the_resignation_coverage(self):
        main = Story.objects.get(slug="irs-commissioner-melanie-krause-resigns")
        assert "Melanie Krause" in main.headline
        assert main.is_public
        assert main.people.filter(name="Melanie Krause").exists()
        assert main.bylines.count() == 2
        assert main.corrections.exists()
        assert main.related_stories.count() >= 3
        assert Citation.objects.filter(story=main, is_anonymous=True).exists()
        assert {"IRS", "DHS", "Immigration", "Privacy", "Data sharing", "Treasury"} <= set(
            Tag.objects.values_list("name", flat=True)
        )
        assert "created story: " + main.headline in self.output

    def test_includes_one_draft_that_stays_hidden(self):
        drafts = Story.objects.filter(status=Story.Status.DRAFT)
        assert drafts.count() == 1
        assert not drafts.filter(pk__in=Story.objects.public()).exists()

    def test_running_twice_changes_nothing_and_says_so(self):
        before = counts()
        output = run_demo_loader()
        assert "nothing changed" in output
        assert counts() == before

    def test_public_pages_show_the_coverage_but_never_the_draft(self):
        main = Story.objects.get(slug="irs-commissioner-melanie-krause-resigns")
        draft = Story.objects.get(status=Story.Status.DRAFT)
        home = self.client.get("/")
        assert home.status_code == 200
        assert main.headline in home.text
        assert draft.headline not in home.text
        page = self.client.get(main.get_absolute_url())
        assert page.status_code == 200
        assert "a senior Treasury official" in page.text
        assert "Demo Source" not in page.text
        assert "secure line" not in page.text
        assert self.client.get(draft.get_absolute_url()).status_code == 404

    def test_quiet_run_reports_only_the_total(self):
        Story.objects.get(status=Story.Status.DRAFT).delete()
        output = run_demo_loader(verbosity=0)
        assert output.startswith("Loaded the demo coverage (")
        assert "created story" not in output
        assert Story.objects.filter(status=Story.Status.DRAFT).count() == 1

    def test_the_explainer_carries_an_inline_library_picture(self):
        explainer = Story.objects.get(slug="what-the-irs-dhs-data-agreement-allows")
        response = self.client.get(explainer.get_absolute_url())
        assert response.status_code == 200
        page = response.text
        assert "<picture>" in page
        assert 'loading="lazy"' in page
        assert "Diagram: an arrow labelled limited data" in page
        assert "What the agreement allows, as officials describe it." in page


class DemoCopyTests(TestCase):
    """Other tests load a copy of what the loader made once: it is complete and usable."""

    def test_the_loader_finds_nothing_missing_from_the_copy(self):
        load_demo()
        before = counts()
        assert all(before), before
        assert "nothing changed" in run_demo_loader()
        assert counts() == before

    def test_the_copy_is_searchable_and_its_pictures_are_stored(self):
        load_demo()
        page = self.client.get("/search/", {"q": "Krause resigns"})
        assert page.status_code == 200
        assert "Melanie Krause resigns" in page.text
        for image in Image.objects.all():
            assert image.file.storage.exists(image.file.name)
            assert all(image.file.storage.exists(r.name) for r in image.renditions("4x3"))


class DemoFrontTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_the_home_front_leads_with_the_resignation(self):
        main = Story.objects.get(slug="irs-commissioner-melanie-krause-resigns")
        version = Front.objects.of().version_at()
        assert version.slots.first().story == main
        home = self.client.get("/").text
        lead = home.split('id="lead-headline"')[1].split("</h2>")[0]
        assert main.get_absolute_url() in lead
        assert "resigns" in lead

    def test_the_breaking_banner_has_expired_and_no_page_shows_it(self):
        banner = Banner.objects.get()
        assert banner.story.slug == "irs-commissioner-melanie-krause-resigns"
        assert not Banner.objects.live().exists()
        assert banner.text not in self.client.get("/").text
