"""The admin says what is true: links, buttons, messages and history in editors' words."""

from datetime import timedelta

from django.contrib.admin.models import LogEntry
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from stories import workflow
from stories.models import Revision, Story
from tests.helpers.accounts import make_user, story_post_data
from tests.helpers.factories import make_public_story, make_story

Status = Story.Status


def admin_url(name, *args):
    return reverse(f"admin:stories_story_{name}", args=args)


class EditorLabelTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_view_on_site_is_offered_only_where_a_reader_would_find_the_story(self):
        later = timezone.now() + timedelta(days=1)
        hidden = {
            "draft": make_story(),
            "scheduled": make_public_story(published_at=later),
            "embargoed": make_public_story(embargo_until=later),
        }
        for state, story in hidden.items():
            with self.subTest(state):
                page = self.client.get(admin_url("change", story.pk)).text
                assert "View on site" not in page
        public = make_public_story()
        assert "View on site" in self.client.get(admin_url("change", public.pk)).text

    def test_scheduling_says_the_story_is_scheduled_not_published(self):
        story = make_story(status=Status.IN_REVIEW, published_at=timezone.now() + timedelta(1))
        response = self.client.post(admin_url("transition", story.pk, "publish"), follow=True)
        text = response.text
        assert "is scheduled: readers see it from" in text
        assert "is now published" not in text

    def test_a_correction_is_offered_only_for_a_story_readers_can_see(self):
        scheduled = make_public_story(published_at=timezone.now() + timedelta(days=1))
        page = self.client.get(admin_url("change", scheduled.pk)).text
        assert admin_url("correct", scheduled.pk) not in page
        with self.assertRaises(workflow.TransitionNotAllowed):
            workflow.add_correction(scheduled, by=self.editor, kind="correction", text="Early.")
        public = make_public_story()
        assert (
            admin_url("correct", public.pk) in self.client.get(admin_url("change", public.pk)).text
        )

    def test_revision_summaries_are_written_in_plain_english(self):
        story = make_public_story()
        workflow.add_correction(story, by=self.editor, kind="update", text="Treasury responded.")
        workflow.add_correction(story, by=self.editor, kind="editors_note", text="A note.")
        summaries = list(
            Revision.objects.filter(story=story).order_by("pk").values_list("summary", flat=True)
        )
        assert "Added an update" in summaries
        assert "Added an editor's note" in summaries

    def test_history_never_names_the_internal_revision_field(self):
        story = make_story(headline="Before")
        self.client.get(admin_url("change", story.pk))
        self.client.post(admin_url("change", story.pk), story_post_data(story, headline="After"))
        assert Story.objects.get(pk=story.pk).headline == "After"
        message = LogEntry.objects.get(object_id=str(story.pk)).get_change_message()
        assert "Headline" in message
        assert "revision" not in message.lower()
        history = self.client.get(admin_url("history", story.pk)).text
        assert "Base revision" not in history and "base_revision" not in history

    def test_status_changes_are_shown_by_their_names(self):
        story = make_story(status=Status.IN_REVIEW)
        workflow.publish(story, by=self.editor)
        page = self.client.get(admin_url("change", story.pk)).text
        assert "In review → Published" in page
        assert "in_review" not in page.split('id="workflow-heading"')[1].split("</section>")[0]
