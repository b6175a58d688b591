"""Transitions, scheduling, embargo display and corrections: in the admin and from code."""

import zoneinfo
from datetime import UTC, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stories import workflow
from stories.models import Correction, Revision, StatusChange, Story
from stories.models.revisions import BASELINE_SUMMARY
from tests.accounts import make_user, story_post_data
from tests.factories import make_public_story, make_section, make_story

Status = Story.Status
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def admin_url(name, *args):
    return reverse(f"admin:stories_story_{name}", args=args)


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class TransitionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.reporter = make_user("reporter")
        cls.editor = make_user("editor")

    def test_a_story_travels_from_draft_to_published_and_back_with_every_step_recorded(self):
        story = make_story()
        self.client.force_login(self.reporter)
        self.client.post(admin_url("transition", story.pk, "submit"))
        self.client.force_login(self.editor)
        self.client.post(admin_url("transition", story.pk, "publish"))
        self.client.post(admin_url("transition", story.pk, "unpublish"))
        steps = list(
            StatusChange.objects.filter(story=story)
            .order_by("pk")
            .values_list("from_status", "to_status", "changed_by__username")
        )
        assert steps == [
            ("draft", "in_review", "reporter"),
            ("in_review", "published", "editor"),
            ("published", "unpublished", "editor"),
        ]
        assert all(c.changed_at <= timezone.now() for c in StatusChange.objects.all())
        summaries = Revision.objects.filter(story=story).order_by("pk").values_list("summary")
        assert [s for (s,) in summaries] == [
            BASELINE_SUMMARY,
            "Submit for review",
            "Publish",
            "Unpublish",
        ]

    def test_publishing_without_a_time_publishes_now_and_the_story_is_public(self):
        story = make_story(status=Status.IN_REVIEW)
        workflow.publish(story, by=self.editor)
        story.refresh_from_db()
        assert story.is_public
        assert story.published_at <= timezone.now()

    def test_publishing_with_a_future_time_schedules_and_the_public_rule_releases_it(self):
        when = timezone.now() + timedelta(hours=5)
        story = make_story(status=Status.IN_REVIEW, published_at=when)
        assert workflow.TRANSITIONS["publish"].label_for(story) == "Schedule"
        workflow.publish(story, by=self.editor)
        assert not story.is_public
        assert story in Story.objects.public(at=when)

    def test_a_transition_from_the_wrong_state_is_refused_with_a_message(self):
        story = make_story(status=Status.DRAFT)
        self.client.force_login(self.editor)
        response = self.client.post(admin_url("transition", story.pk, "unpublish"), follow=True)
        assert "cannot be moved by “Unpublish”" in response.text
        assert Story.objects.get(pk=story.pk).status == Status.DRAFT
        assert not StatusChange.objects.filter(story=story).exists()

    def test_the_change_page_offers_only_the_transitions_of_the_current_state(self):
        story = make_public_story()
        self.client.force_login(self.editor)
        page = self.client.get(admin_url("change", story.pk)).text
        assert ">Unpublish<" in page
        assert ">Submit for review<" not in page
        assert ">Publish<" not in page

    def test_saving_the_form_never_changes_the_status(self):
        story = make_story(status=Status.IN_REVIEW)
        self.client.force_login(self.editor)
        self.client.post(admin_url("change", story.pk), story_post_data(story, status="published"))
        assert Story.objects.get(pk=story.pk).status == Status.IN_REVIEW


@override_settings(PASSWORD_HASHERS=FAST_HASHER, TIME_ZONE="America/New_York")
class ScheduleAndEmbargoDisplayTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.reporter = make_user("reporter")
        cls.editor = make_user("editor")
        cls.when = datetime(2099, 7, 4, 15, 30, tzinfo=UTC)
        cls.scheduled = make_story(
            headline="Scheduled canary", status=Status.PUBLISHED, published_at=cls.when
        )
        cls.embargoed = make_public_story(
            headline="Embargoed canary", embargo_until=datetime(2099, 5, 6, 12, 0, tzinfo=UTC)
        )
        cls.live = make_public_story(headline="Live canary")
        cls.draft = make_story(headline="Draft canary")

    def setUp(self):
        self.client.force_login(self.reporter)

    def test_the_scheduled_view_lists_scheduled_and_embargoed_stories_only(self):
        page = self.client.get(admin_url("scheduled")).text
        assert "Scheduled canary" in page
        assert "Embargoed canary" in page
        assert "Live canary" not in page
        assert "Draft canary" not in page

    def test_the_scheduled_view_shows_newsroom_time_and_utc(self):
        page = self.client.get(admin_url("scheduled")).text
        local = self.when.astimezone(zoneinfo.ZoneInfo("America/New_York"))
        assert local.hour == 11
        assert "Jul 4, 2099, 11:30 EDT" in page
        assert "2099-07-04 15:30 UTC" in page
        assert "America/New_York" in page

    def test_the_change_page_shows_the_embargo_prominently_in_both_time_zones(self):
        page = self.client.get(admin_url("change", self.embargoed.pk)).text
        assert "<strong>EMBARGOED</strong> until" in page
        assert "2099-05-06 12:00 UTC" in page
        assert 'class="errornote embargo-notice"' in page

    def test_the_changelist_flags_embargoed_and_scheduled_stories(self):
        page = self.client.get(reverse("admin:stories_story_changelist")).text
        assert "<strong>EMBARGOED</strong> until" in page
        assert "Scheduled for" in page

    def test_a_reporter_may_extend_an_embargo_but_not_lift_or_shorten_it(self):
        story = make_story(embargo_until=self.when)
        url = admin_url("change", story.pk)
        for earlier in [None, self.when - timedelta(hours=1)]:
            response = self.client.post(url, story_post_data(story, embargo_until=earlier))
            assert "Only an editor can lift or shorten an embargo" in response.text
            assert Story.objects.get(pk=story.pk).embargo_until == self.when
        later = self.when + timedelta(days=1)
        self.client.post(url, story_post_data(story, embargo_until=later))
        assert Story.objects.get(pk=story.pk).embargo_until == later

    def test_an_editor_lifts_an_embargo_with_the_button_and_it_is_recorded(self):
        story = make_public_story(embargo_until=self.when)
        self.client.force_login(self.editor)
        self.client.post(admin_url("lift_embargo", story.pk))
        story.refresh_from_db()
        assert story.embargo_until is None
        assert story.is_public
        latest = story.revisions.first()
        assert latest.summary == "Lifted the embargo"
        assert latest.created_by == self.editor


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class CorrectionActionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_an_editor_adds_a_correction_that_readers_see_with_the_update_time(self):
        story = make_public_story()
        assert "Add a correction" in self.client.get(admin_url("change", story.pk)).text
        response = self.client.post(
            admin_url("correct", story.pk),
            {"kind": "correction", "text": "An earlier version misstated the date."},
        )
        assert response.status_code == 302
        story.refresh_from_db()
        correction = Correction.objects.get(story=story)
        assert story.last_significant_update == correction.published_at
        assert story.updated_for_readers == correction.published_at
        page = self.client.get(story.get_absolute_url()).text
        assert "An earlier version misstated the date." in page
        assert "Updated" in page
        assert story.revisions.first().summary == "Added a correction"

    def test_a_correction_needs_text(self):
        story = make_public_story()
        response = self.client.post(admin_url("correct", story.pk), {"kind": "correction"})
        assert response.status_code == 200
        assert "This field is required" in response.text
        assert not Correction.objects.filter(story=story).exists()

    def test_corrections_are_only_for_published_stories(self):
        story = make_story()
        response = self.client.post(
            admin_url("correct", story.pk), {"kind": "correction", "text": "x"}, follow=True
        )
        assert "published stories only" in response.text
        assert not Correction.objects.filter(story=story).exists()


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class QueryBudgetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.story = make_story()

    def setUp(self):
        self.client.force_login(self.editor)

    def count(self, url):
        with CaptureQueriesContext(connection) as queries:
            assert self.client.get(url).status_code == 200
        return len(queries)

    def add_rows(self, n):
        for _ in range(n):
            make_story(status=Status.PUBLISHED, published_at=timezone.now() + timedelta(days=1))
            Revision.record(self.story, self.editor, summary="Edited")

    def test_scheduled_and_revision_lists_cost_the_same_for_3_rows_as_for_30(self):
        urls = [admin_url("scheduled"), admin_url("revisions", self.story.pk)]
        self.add_rows(3)
        few = [self.count(url) for url in urls]
        self.add_rows(27)
        assert [self.count(url) for url in urls] == few


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class WorkflowFunctionTests(TestCase):
    """The one path every caller takes: the admin, commands, the demo loader, an API."""

    @classmethod
    def setUpTestData(cls):
        cls.reporter = make_user("reporter")
        cls.editor = make_user("editor", "alice")

    def test_every_action_names_who_acts(self):
        story = make_story()
        with self.assertRaises(TypeError):
            workflow.publish(story, by=None)
        with self.assertRaises(TypeError):
            workflow.save_story(story, by=None)
        assert Story.objects.get(pk=story.pk).status == Status.DRAFT

    def test_a_program_acts_as_the_system_only_saying_who_it_is_and_is_recorded_so(self):
        story = make_story()
        with self.assertRaises(ValueError):
            workflow.publish(story, by=workflow.SYSTEM)
        workflow.publish(story, by=workflow.SYSTEM, note="nightly import")
        change = StatusChange.objects.get(story=story)
        assert (change.from_status, change.to_status, change.changed_by) == (
            "draft",
            "published",
            None,
        )
        latest = story.revisions.first()
        assert (latest.summary, latest.created_by) == ("Publish — nightly import", None)

    def test_publishing_at_a_future_time_schedules_and_says_so(self):
        when = timezone.now() + timedelta(days=2)
        story = workflow.publish(make_story(), by=self.editor, at=when)
        assert story.published_at == when
        assert not story.is_public
        assert story in Story.objects.public(at=when)
        assert StatusChange.objects.get(story=story).publish_time == when
        assert story.revisions.first().summary == "Schedule"

    def test_a_reporter_cannot_publish_or_lift_an_embargo_from_code_either(self):
        story = make_story(
            status=Status.IN_REVIEW, embargo_until=timezone.now() + timedelta(days=1)
        )
        for act in (workflow.publish, workflow.lift_embargo):
            with self.subTest(act=act.__name__), self.assertRaises(PermissionDenied):
                act(story, by=self.reporter)
        story.refresh_from_db()
        assert story.status == Status.IN_REVIEW
        assert story.embargo_until is not None
        assert not StatusChange.objects.filter(story=story).exists()

    def test_saving_records_a_revision_and_never_moves_the_status(self):
        story = make_story(headline="Before")
        story.headline = "After"
        revision = workflow.save_story(story, by=self.reporter)
        assert (revision.summary, revision.created_by) == ("Edited", self.reporter)
        assert revision.snapshot["headline"] == "After"
        story.status = Status.PUBLISHED
        story.published_at = timezone.now()
        with self.assertRaises(ValidationError) as refused:
            workflow.save_story(story, by=self.editor)
        assert "status" in refused.exception.message_dict
        assert Story.objects.get(pk=story.pk).status == Status.DRAFT

    def test_a_reporter_saving_cannot_set_a_publish_time_or_shorten_an_embargo(self):
        embargo = timezone.now() + timedelta(days=1)
        story = make_story(embargo_until=embargo)
        story.published_at = timezone.now() + timedelta(days=3)
        story.embargo_until = embargo - timedelta(hours=1)
        with self.assertRaises(ValidationError) as refused:
            workflow.save_story(story, by=self.reporter)
        assert set(refused.exception.message_dict) == {"published_at", "embargo_until"}
        stored = Story.objects.get(pk=story.pk)
        assert (stored.published_at, stored.embargo_until) == (None, embargo)

    def test_a_save_from_an_outdated_revision_is_refused_naming_the_later_ones(self):
        story = make_story(headline="Original")
        base = workflow.save_story(story, by=self.reporter).pk
        story.headline = "Alice's headline"
        theirs = workflow.save_story(story, by=self.editor, base_revision=base)
        story.headline = "The reporter's headline"
        with self.assertRaises(workflow.EditConflict) as refused:
            workflow.save_story(story, by=self.reporter, base_revision=base)
        assert refused.exception.later == [theirs]
        assert Story.objects.get(pk=story.pk).headline == "Alice's headline"

    def test_a_new_story_starts_as_a_draft_created_by_whoever_saved_it(self):
        story = Story(headline="New", slug="new-through-the-workflow", section=make_section())
        revision = workflow.save_story(story, by=self.reporter)
        assert revision.summary == "Created"
        story.refresh_from_db()
        assert (story.status, story.created_by) == (Status.DRAFT, self.reporter)
