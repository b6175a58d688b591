from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from stories.models import Citation, Person, Source, Story, Tag
from tests.helpers.demo import load_demo


class DemoCoverageTests(TestCase):
    def test_loads_the_resignation_coverage(self):
        output = load_demo()
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
        assert "created story: " + main.headline in output

    def test_includes_one_draft_that_stays_hidden(self):
        load_demo()
        drafts = Story.objects.filter(status=Story.Status.DRAFT)
        assert drafts.count() == 1
        assert not drafts.filter(pk__in=Story.objects.public()).exists()

    def test_running_twice_changes_nothing_and_says_so(self):
        load_demo()
        counts = [m.objects.count() for m in (Story, Person, Source, Tag, Citation)]
        output = load_demo()
        assert "nothing changed" in output
        assert [m.objects.count() for m in (Story, Person, Source, Tag, Citation)] == counts

    def test_public_pages_show_the_coverage_but_never_the_draft(self):
        load_demo()
        main = Story.objects.get(slug="irs-commissioner-melanie-krause-resigns")
        draft = Story.objects.get(status=Story.Status.DRAFT)
        home = self.client.get("/")
        assert main.headline in home.text
        assert draft.headline not in home.text
        page = self.client.get(main.get_absolute_url())
        assert page.status_code == 200
        assert "a senior Treasury official" in page.text
        assert "Demo Source" not in page.text
        assert "secure line" not in page.text
        assert self.client.get(draft.get_absolute_url()).status_code == 404

    def test_quiet_run_reports_only_the_total(self):
        out = StringIO()
        call_command("load_demo", verbosity=0, stdout=out)
        assert out.getvalue().startswith("Loaded the demo coverage (")
        assert "created story" not in out.getvalue()

    def test_the_explainer_carries_an_inline_library_picture(self):
        load_demo()
        explainer = Story.objects.get(slug="what-the-irs-dhs-data-agreement-allows")
        page = self.client.get(explainer.get_absolute_url()).text
        assert "<picture>" in page
        assert 'loading="lazy"' in page
        assert "Diagram: an arrow labelled limited data" in page
        assert "What the agreement allows, as officials describe it." in page
