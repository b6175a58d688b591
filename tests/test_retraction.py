"""A story readers have seen is retracted, not deleted: it stays at its address as a notice
with its corrections, leaves every list, and the record that it was wrong stays public."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from stories import workflow
from stories.models import Correction, Revision, Story
from tests.helpers.accounts import make_user
from tests.helpers.factories import add_byline, make_person, make_public_story, make_section

Status = Story.Status
NOTICE = "The memo it rested on was forged."


class RetractedStoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.section = make_section(name="Money", slug="money")
        cls.reporter = make_person(name="Ada Reporter", slug="ada", is_staff_member=True)
        cls.other = make_public_story(section=cls.section, headline="A story that stands")
        add_byline(cls.other, cls.reporter)
        cls.other.tags.add("IRS")
        cls.story = make_public_story(
            section=cls.section,
            headline="Commissioner took bribes",
            dek="Zqxwithdrawn dek",
            body="<p>Zqxwithdrawn body</p>",
        )
        add_byline(cls.story, cls.reporter)
        cls.story.tags.add("IRS")
        workflow.add_correction(
            cls.story, by=cls.editor, kind="correction", text="We misdated the memo."
        )
        cls.retraction = workflow.retract(cls.story, by=cls.editor, text=NOTICE)
        cls.story.refresh_from_db()

    def test_the_story_stays_at_its_address_as_a_notice_with_its_corrections(self):
        response = self.client.get(self.story.get_absolute_url())
        assert response.status_code == 200
        page = response.text
        assert "This story has been retracted" in page
        assert "Commissioner took bribes" in page
        assert NOTICE in page and "We misdated the memo." in page
        assert page.index(NOTICE) < page.index("We misdated the memo.")  # newest first

    def test_the_notice_has_none_of_the_text_no_structured_data_and_is_not_indexed(self):
        response = self.client.get(self.story.get_absolute_url())
        assert "Zqxwithdrawn" not in response.text
        assert "application/ld+json" not in response.text
        assert response["X-Robots-Tag"] == "noindex"
        assert '<meta name="robots" content="noindex">' in response.text

    def test_the_story_leaves_every_list_feed_sitemap_and_search(self):
        day = timezone.localdate(self.story.published_at)
        for url in [
            "/",
            "/section/money/",
            "/tag/irs/",
            "/people/ada/",
            f"/{day:%Y}/{day:%m}/{day:%d}/",
            "/rss/",
            "/atom/",
            "/section/money/rss/",
            "/tag/irs/atom/",
            "/people/ada/rss/",
            "/sitemap-stories.xml",
            "/news-sitemap.xml",
            "/search/?q=commissioner+bribes",
            "/api/v1/stories/?limit=100",
        ]:
            with self.subTest(url):
                response = self.client.get(url)
                assert response.status_code == 200
                assert "Commissioner took bribes" not in response.text
        # The lists themselves still answer with what stands.
        assert "A story that stands" in self.client.get("/section/money/").text

    def test_the_retraction_is_on_the_corrections_page_and_in_its_feeds(self):
        for url in ["/corrections/", "/corrections/rss/", "/corrections/atom/"]:
            with self.subTest(url):
                page = self.client.get(url).text
                assert NOTICE in page and "We misdated the memo." in page
        listed = self.client.get("/api/v1/corrections/?limit=100").json()["items"]
        assert {"retraction", "correction"} <= {item["kind"] for item in listed}

    def test_the_api_answers_410_with_the_address_of_the_notice(self):
        response = self.client.get(f"/api/v1/stories/{self.story.pk}/")
        assert response.status_code == 410
        data = response.json()
        assert data["url"].endswith(self.story.get_absolute_url())
        assert data["retracted_at"].startswith(str(self.story.retracted_at.year))

    def test_the_status_change_and_revision_say_who_retracted_it_and_when(self):
        change = self.story.status_changes.first()
        assert (change.from_status, change.to_status) == (Status.PUBLISHED, Status.RETRACTED)
        assert change.changed_by == self.editor
        assert str(change).endswith("Published → Retracted")
        assert Revision.objects.filter(story=self.story).first().summary == "Retracted"
        assert self.retraction.kind == Correction.Kind.RETRACTION
        assert self.retraction.published_at == self.story.retracted_at

    def test_nobody_edits_or_corrects_it_again(self):
        with self.assertRaises(PermissionDenied):
            workflow.save_story(self.story, by=self.editor)
        with self.assertRaises(PermissionDenied):
            workflow.add_correction(self.story, by=self.editor, kind="correction", text="More.")
        with self.assertRaises(PermissionDenied):
            workflow.retract(self.story, by=self.editor, text="Again.")


class RetractingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.reporter = make_user("reporter")

    def test_only_a_story_readers_can_see_is_retracted(self):
        scheduled = make_public_story(published_at=timezone.now() + timedelta(hours=3))
        embargoed = make_public_story(embargo_until=timezone.now() + timedelta(hours=3))
        for story in [scheduled, embargoed]:
            with self.subTest(story.pk), self.assertRaises(workflow.TransitionNotAllowed):
                workflow.retract(story, by=self.editor, text=NOTICE)
            assert Story.objects.get(pk=story.pk).status == Status.PUBLISHED

    def test_a_retraction_tells_readers_why(self):
        story = make_public_story()
        with self.assertRaises(ValidationError) as refused:
            workflow.retract(story, by=self.editor, text="   ")
        assert "why" in refused.exception.message_dict["text"][0]
        assert Story.objects.get(pk=story.pk).status == Status.PUBLISHED

    def test_reporters_do_not_retract(self):
        story = make_public_story()
        with self.assertRaises(PermissionDenied):
            workflow.retract(story, by=self.reporter, text=NOTICE)
        assert not story.corrections.exists()

    def test_a_retraction_is_never_added_as_a_mere_correction(self):
        story = make_public_story()
        with self.assertRaises(workflow.TransitionNotAllowed):
            workflow.add_correction(story, by=self.editor, kind="retraction", text=NOTICE)
        with self.assertRaises(ValidationError) as refused:
            Correction(story=story, kind="retraction", text=NOTICE).full_clean()
        assert "kind" in refused.exception.message_dict

    def test_which_stories_have_reached_readers(self):
        now = timezone.now()
        shown_then_unpublished = make_public_story()
        workflow.unpublish(shown_then_unpublished, by=self.editor)
        held_then_unpublished = make_public_story(published_at=now + timedelta(days=1))
        workflow.unpublish(held_then_unpublished, by=self.editor)
        reopened = make_public_story()
        workflow.unpublish(reopened, by=self.editor)
        workflow.reopen(reopened, by=self.editor)
        cases = {
            "draft": (make_public_story(status=Status.DRAFT, published_at=None), False),
            "scheduled": (make_public_story(published_at=now + timedelta(days=1)), False),
            "public": (make_public_story(), True),
            "unpublished after readers saw it": (shown_then_unpublished, True),
            "unpublished before its time": (held_then_unpublished, False),
            "reopened as a draft after readers saw it": (reopened, True),
        }
        for name, (story, reached) in cases.items():
            with self.subTest(name):
                story.refresh_from_db()
                assert story.has_reached_readers() is reached
                assert workflow.can_delete(self.editor, story) is not reached


class RetractionAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")

    def setUp(self):
        self.client.force_login(self.editor)

    def url(self, name, story):
        return reverse(f"admin:stories_story_{name}", args=[story.pk])

    def test_an_editor_retracts_from_the_story_page_after_confirming(self):
        story = make_public_story(headline="A story to withdraw")
        change_page = self.client.get(self.url("change", story)).text
        assert self.url("retract", story) in change_page

        form = self.client.get(self.url("retract", story))
        assert form.status_code == 200
        assert 'name="text"' in form.text and 'name="confirm"' in form.text

        unconfirmed = self.client.post(self.url("retract", story), {"text": NOTICE})
        assert unconfirmed.status_code == 200
        assert "This field is required" in unconfirmed.text
        assert NOTICE in unconfirmed.text  # the notice typed is kept
        assert Story.objects.get(pk=story.pk).status == Status.PUBLISHED

        done = self.client.post(self.url("retract", story), {"text": NOTICE, "confirm": "on"})
        assert done.status_code == 302
        assert Story.objects.get(pk=story.pk).status == Status.RETRACTED

    def test_the_retract_button_is_offered_only_for_stories_readers_can_see(self):
        scheduled = make_public_story(published_at=timezone.now() + timedelta(days=1))
        page = self.client.get(self.url("change", scheduled)).text
        assert self.url("retract", scheduled) not in page
        assert self.client.post(
            self.url("retract", scheduled), {"text": NOTICE, "confirm": "on"}
        ).status_code in (302, 403)
        assert Story.objects.get(pk=scheduled.pk).status == Status.PUBLISHED

    def test_the_correction_form_offers_no_retraction(self):
        story = make_public_story()
        page = self.client.get(self.url("correct", story)).text
        assert 'value="correction"' in page
        assert 'value="retraction"' not in page
