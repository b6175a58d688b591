"""The desk: the admin's home shows each staff member what needs them, hand-offs carry a
note to the people concerned, and a staff account is linked to its person's byline."""

import contextlib
from datetime import timedelta

from django.core import mail
from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from live.models import LiveCoverage
from stories import workflow
from stories.desk import desk_for
from stories.models import Byline, Person, Story
from tests.helpers.accounts import make_user, story_post_data
from tests.helpers.factories import add_byline, make_person, make_public_story, make_story

Status = Story.Status


def lists_of(user):
    return {desk_list.key: desk_list.items for desk_list in desk_for(user)}


class DeskTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.reporter = make_user("reporter")
        cls.other_reporter = make_user("reporter", "other")
        cls.editor = make_user("editor")
        cls.writer = make_person(name="Rae Porter", slug="rae", user=cls.reporter)
        cls.mine = make_story(headline="My draft")
        add_byline(cls.mine, cls.writer)
        cls.theirs = make_story(headline="Someone else's draft", created_by=cls.other_reporter)

    def test_a_reporter_sees_their_own_drafts_and_not_others(self):
        drafts = lists_of(self.reporter)["drafts"]
        assert [story.headline for story in drafts] == ["My draft"]
        assert "review" not in lists_of(self.reporter)  # editors' list

    def test_what_a_reporter_sends_for_review_waits_on_the_editors_desk_with_its_note(self):
        workflow.submit(self.mine, by=self.reporter, note="Needs a second source on the date.")
        waiting = lists_of(self.editor)["review"]
        assert [story.headline for story in waiting] == ["My draft"]
        assert waiting[0].last_note == "Needs a second source on the date."
        assert waiting[0].last_note_by == "reporter"
        assert [s.headline for s in lists_of(self.reporter)["submitted"]] == ["My draft"]
        notes = lists_of(self.editor)["notes"]
        assert [change.note for change in notes] == ["Needs a second source on the date."]

    def test_an_editors_note_back_reaches_the_reporters_desk_and_not_the_editors(self):
        workflow.submit(self.mine, by=self.reporter)
        workflow.return_to_draft(self.mine, by=self.editor, note="Cut the third paragraph.")
        assert [c.note for c in lists_of(self.reporter)["notes"]] == ["Cut the third paragraph."]
        assert lists_of(self.editor)["notes"] == []
        assert lists_of(self.other_reporter)["notes"] == []

    def test_coming_up_lists_what_goes_out_in_the_next_48_hours(self):
        now = timezone.now()
        soon = make_public_story(headline="Soon", published_at=now + timedelta(hours=5))
        held = make_public_story(headline="Held", embargo_until=now + timedelta(hours=30))
        make_public_story(headline="Later", published_at=now + timedelta(days=5))
        make_public_story(headline="Out already")
        coming = {story.headline for story in lists_of(self.editor)["coming"]}
        assert coming == {soon.headline, held.headline}

    def test_the_desk_is_a_constant_number_of_queries(self):
        def count():
            with CaptureQueriesContext(connection) as queries:
                lists_of(self.editor)
            return len(queries)

        count()  # The user's permissions are read once, then kept on the user.
        before = count()
        assert before == len(desk_for(self.editor))  # One query per list.
        for n in range(12):
            story = make_story(headline=f"Draft {n}", created_by=self.editor)
            workflow.submit(story, by=self.editor, note=f"Note {n}")
            make_public_story(published_at=timezone.now() + timedelta(hours=n + 1))
        assert count() == before

    def test_open_live_coverage_is_listed_for_those_who_file_updates(self):
        live = make_public_story(headline="Live: the resignation")
        LiveCoverage.objects.create(story=live)
        closed = make_public_story(headline="Live: yesterday")
        LiveCoverage.objects.create(story=closed, closed_at=timezone.now())
        assert [c.story.headline for c in lists_of(self.reporter)["live"]] == [live.headline]
        self.client.force_login(self.reporter)
        page = self.client.get(reverse("admin:index")).text
        assert f"{reverse('admin:live_liveupdate_add')}?story={live.pk}" in page

    def test_the_admin_home_is_the_desk(self):
        self.client.force_login(self.reporter)
        page = self.client.get(reverse("admin:index"))
        assert page.status_code == 200
        assert "My desk" in page.text and "My draft" in page.text
        assert "Someone else&#x27;s draft" not in page.text

    def test_staff_without_a_newsroom_role_see_no_desk(self):
        self.client.force_login(make_user("staff"))
        page = self.client.get(reverse("admin:index"))
        assert page.status_code == 200
        assert "My desk" not in page.text and "My draft" not in page.text


class HandOffTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.reporter = make_user("reporter")
        cls.editor = make_user("editor")
        cls.bystander = make_user("reporter", "bystander")
        cls.writer = make_person(name="Rae Porter", slug="rae", user=cls.reporter)

    def test_a_note_given_with_a_button_is_kept_and_shown_on_the_story(self):
        story = make_story(created_by=self.reporter)
        self.client.force_login(self.reporter)
        url = reverse("admin:stories_story_transition", args=[story.pk, "submit"])
        self.client.post(url, {"note": "Ready; the photo is still to come."})
        change = story.status_changes.get()
        assert (change.to_status, change.note) == (
            Status.IN_REVIEW,
            "Ready; the photo is still to come.",
        )
        page = self.client.get(reverse("admin:stories_story_change", args=[story.pk])).text
        assert "Ready; the photo is still to come." in page
        assert 'name="note"' in page

    def test_sending_for_review_mails_the_editors_and_not_the_sender(self):
        story = make_story(created_by=self.reporter)
        add_byline(story, self.writer)
        with self.captureOnCommitCallbacks(execute=True):
            workflow.submit(story, by=self.reporter, note="Over to you.")
        recipients = {address for message in mail.outbox for address in message.to}
        assert recipients == {"editor@example.org"}
        assert "Over to you." in mail.outbox[0].body
        assert "In review" in mail.outbox[0].subject

    def test_returning_a_story_mails_its_bylined_staff_and_its_creator(self):
        story = make_story(created_by=self.bystander, status=Status.IN_REVIEW)
        add_byline(story, self.writer)
        with self.captureOnCommitCallbacks(execute=True):
            workflow.return_to_draft(story, by=self.editor, note="Needs sourcing.")
        recipients = {address for message in mail.outbox for address in message.to}
        assert recipients == {"reporter@example.org", "bystander@example.org"}

    def test_no_mail_goes_out_for_a_change_that_is_rolled_back(self):
        story = make_story(created_by=self.reporter, status=Status.IN_REVIEW)
        with contextlib.suppress(RuntimeError), transaction.atomic():
            workflow.return_to_draft(story, by=self.editor, note="Never sent.")
            raise RuntimeError("the request failed after the change")
        assert Story.objects.get(pk=story.pk).status == Status.IN_REVIEW
        assert mail.outbox == []


class StaffAccountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.reporter = make_user("reporter")
        cls.editor = make_user("editor")
        cls.writer = make_person(name="Rae Porter", slug="rae", user=cls.reporter)

    def test_a_reporters_new_story_carries_their_byline(self):
        self.client.force_login(self.reporter)
        section = make_story().section
        data = story_post_data(
            Story(headline="Fresh", slug="fresh", section=section), base_revision=0
        )
        self.client.post(reverse("admin:stories_story_add"), data)
        story = Story.objects.get(slug="fresh")
        assert [(b.person, b.role) for b in story.bylines.all()] == [(self.writer, "by")]

    def test_a_story_given_its_bylines_keeps_them_as_given(self):
        other = make_person(name="Someone Else", slug="someone")
        story = Story(headline="Given", slug="given", section=make_story().section)
        workflow.save_story(
            story,
            by=self.reporter,
            save_related=lambda: Byline.objects.create(story=story, person=other, position=1),
        )
        assert [b.person for b in story.bylines.all()] == [other]

    def test_only_editors_link_a_person_to_a_staff_account(self):
        assert "user" in Person.fields_for_editors_only(self.reporter)
        assert "user" not in Person.fields_for_editors_only(self.editor)
        self.client.force_login(self.editor)
        page = self.client.get(reverse("admin:stories_person_change", args=[self.writer.pk]))
        assert 'name="user"' in page.text
