"""Autosave: what an editor types is kept for them alone, never as the story, until they save."""

import json
from unittest import mock, skipUnless

from django.db import OperationalError, connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stories import changes
from stories.models import Autosave, Revision, Story
from stories.models.workflow import KEPT_NEW_STORIES
from tests.helpers.accounts import make_user, story_post_data
from tests.helpers.factories import add_byline, make_public_story, make_story

CANARY = "Zephyrquill"


def admin_url(name, *args):
    return reverse(f"admin:stories_story_{name}", args=args)


def form_fields(story, **changes):
    """The change form's fields as the autosave script sends them: each name, its values."""
    posted = story_post_data(story, **changes)
    return {
        name: [str(v) for v in (value if isinstance(value, list) else [value])]
        for name, value in posted.items()
    }


class AutosaveTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor", "alice")
        cls.other_editor = make_user("editor", "bob")
        cls.reporter = make_user("reporter", "rita")
        cls.staff = make_user("staff", "sam")

    def setUp(self):
        self.records = []
        changes.listener(self.records.append)
        self.addCleanup(changes._listeners.remove, self.records.append)

    def autosave(self, story, payload=None, user=None, **changes):
        self.client.force_login(user or self.editor)
        if payload is None:
            payload = {"fields": form_fields(story, **changes)}
        url = admin_url("autosave", story.pk) if story else admin_url("autosave_new")
        body = payload if isinstance(payload, bytes) else json.dumps(payload)
        return self.client.post(url, body, content_type="application/json")

    def test_an_autosave_never_reaches_the_story_its_revisions_or_any_reader(self):
        story = make_public_story(headline="Council approves budget", slug="budget")
        self.client.force_login(self.editor)
        self.client.get(admin_url("change", story.pk))
        revisions = list(Revision.objects.values_list("pk", "snapshot"))
        self.records.clear()

        response = self.autosave(
            story, headline=f"{CANARY} headline", body=f"<p>{CANARY} in the body.</p>"
        )

        assert response.status_code == 200
        assert response.json()["label"].startswith("Saved a draft at ")
        assert Autosave.objects.get(story=story, user=self.editor).data["headline"] == [
            f"{CANARY} headline"
        ]
        stored = Story.objects.get(pk=story.pk)
        assert (stored.headline, stored.body) == (story.headline, story.body)
        assert list(Revision.objects.values_list("pk", "snapshot")) == revisions
        assert not self.records, "an autosave is no change to the story"
        self.client.logout()
        for url in [
            story.get_absolute_url(),
            "/",
            reverse("stories:rss"),
            reverse("stories:atom"),
            f"/api/v1/stories/{story.pk}/",
            "/api/v1/stories/",
        ]:
            with self.subTest(url):
                response = self.client.get(url)
                assert response.status_code == 200
                assert CANARY not in response.text
        found = self.client.get(reverse("stories:search"), {"q": CANARY})
        assert story.get_absolute_url() not in found.text, "no search finds it by its autosave"

    def test_the_editor_is_offered_their_unsaved_changes_back_and_nobody_else_is(self):
        story = make_story()
        self.autosave(story, headline=f"{CANARY} headline")

        page = self.client.get(admin_url("change", story.pk)).text
        assert "Restore your unsaved changes from" in page
        assert "Discard" in page
        assert f"{CANARY} headline" in page  # in the form's data, for the restore button
        self.client.force_login(self.other_editor)
        page = self.client.get(admin_url("change", story.pk)).text
        assert "Restore your unsaved changes" not in page
        assert CANARY not in page

    def test_saving_the_story_removes_the_autosave(self):
        story = make_story()
        self.autosave(story, headline=f"{CANARY} headline")
        response = self.client.post(
            admin_url("change", story.pk), story_post_data(story, headline="Saved for real")
        )
        assert response.status_code == 302
        assert not Autosave.objects.exists()
        assert "Restore your unsaved" not in self.client.get(admin_url("change", story.pk)).text

    def test_an_autosave_survives_an_edit_conflict_and_says_the_story_was_saved_since(self):
        story = make_story()
        self.client.force_login(self.editor)
        self.client.get(admin_url("change", story.pk))
        base = Revision.latest_id(story)
        self.autosave(story, headline=f"{CANARY} headline")
        self.client.force_login(self.other_editor)
        self.client.post(admin_url("change", story.pk), story_post_data(story, headline="Bob's"))
        self.client.force_login(self.editor)
        response = self.client.post(
            admin_url("change", story.pk), story_post_data(story, base, headline="Alice's")
        )
        assert "Your changes were not saved" in response.text
        assert "Restore your unsaved" not in response.text, "the form holds them already"
        assert Autosave.objects.filter(story=story, user=self.editor).exists()
        page = self.client.get(admin_url("change", story.pk)).text
        assert "Restore your unsaved changes from" in page
        assert "The story has been saved since" in page

    def test_discarding_removes_the_autosave(self):
        story = make_story()
        self.autosave(story, headline=f"{CANARY} headline")
        response = self.client.post(admin_url("discard_autosave", story.pk))
        assert response.status_code == 204
        assert not Autosave.objects.exists()

    def test_a_story_not_created_yet_is_autosaved_under_its_form_key_and_offered_back(self):
        key = "3f1b2c9e-0d4a-4b6f-9a51-7c2e8d90ab12"
        fields = {"headline": [f"{CANARY} new"], "body": ["<p>Draft</p>"]}
        assert self.autosave(None, {"form_key": key, "fields": fields}).status_code == 200
        assert self.autosave(None, {"form_key": key, "fields": fields}).status_code == 200
        assert Autosave.objects.get().form_key == key
        page = self.client.get(admin_url("add")).text
        assert "Restore your unsaved changes from" in page
        assert f'data-form-key="{key}"' in page
        assert self.autosave(None, {"fields": fields}).status_code == 400

    def test_only_the_latest_few_unsaved_new_stories_of_a_user_are_kept(self):
        for n in range(KEPT_NEW_STORIES + 2):
            payload = {"form_key": f"new-story-form-{n}", "fields": {"headline": [f"New {n}"]}}
            assert self.autosave(None, payload).status_code == 200
        kept = Autosave.objects.filter(user=self.editor).values_list("form_key", flat=True)
        assert sorted(kept) == [f"new-story-form-{n}" for n in range(2, KEPT_NEW_STORIES + 2)]
        self.autosave(make_story(), user=self.editor)
        assert Autosave.objects.filter(user=self.editor).count() == KEPT_NEW_STORIES + 1

    def test_creating_the_story_removes_the_autosave_of_its_form(self):
        key = "form-key-of-the-add-page"
        self.autosave(None, {"form_key": key, "fields": {"headline": ["New"]}})
        data = story_post_data(Story(section=make_story().section), 0, headline="New", slug="new")
        response = self.client.post(admin_url("add"), data | {"autosave_key": key})
        assert response.status_code == 302, response.text
        assert not Autosave.objects.exists()

    def test_only_someone_who_may_edit_the_story_may_autosave_it(self):
        draft = make_story()
        published = make_public_story()
        assert self.autosave(draft, user=self.reporter).status_code == 200
        assert self.autosave(published, user=self.reporter).status_code == 403
        assert self.autosave(draft, user=self.staff).status_code == 403
        fields = {"form_key": "a-new-story-form", "fields": {"headline": ["x"]}}
        assert self.autosave(None, fields, user=self.staff).status_code == 403
        self.client.logout()
        url = admin_url("autosave", draft.pk)
        response = self.client.post(url, "{}", content_type="application/json")
        assert response.status_code == 302  # to the sign-in page
        assert Autosave.objects.filter(story=published).count() == 0
        assert Autosave.objects.filter(user=self.staff).count() == 0

    def test_a_reporter_does_not_see_another_reporters_unsaved_changes(self):
        story = make_story()
        self.autosave(story, user=self.reporter, headline=f"{CANARY} headline")
        other = make_user("reporter", "rafael")
        self.client.force_login(other)
        assert CANARY not in self.client.get(admin_url("change", story.pk)).text

    def test_what_is_not_a_form_is_refused_with_400(self):
        story = make_story()
        for payload in [
            b"not json",
            b"\xff\xfe",
            [],
            {},
            {"fields": []},
            {"fields": {"headline": "not a list"}},
            {"fields": {"headline": [1]}},
            {"fields": {"headline": ["null \x00 character"]}},
            {"fields": {"": ["x"]}},
            {"fields": {"x" * 201: ["x"]}},
            {"fields": {f"f{n}": ["x"] for n in range(2001)}},
            {"form_key": "short", "fields": {}},
            {"form_key": 7, "fields": {}},
        ]:
            with self.subTest(payload=str(payload)[:60]):
                assert self.autosave(story, payload).status_code == 400
        assert not Autosave.objects.exists()

    def test_a_form_over_a_megabyte_is_refused_with_413(self):
        story = make_story()
        payload = {"fields": {"body": ["x" * 1_000_001]}}
        assert self.autosave(story, payload).status_code == 413
        assert not Autosave.objects.exists()

    @skipUnless(connection.vendor == "sqlite", "SQLite's write lock")
    def test_a_database_busy_past_its_lock_timeout_is_a_503_to_try_again(self):
        story = make_story()
        locked = OperationalError("database is locked")
        with mock.patch.object(Autosave, "keep", side_effect=locked):
            assert self.autosave(story).status_code == 503

    def test_an_autosave_reads_the_story_alone_not_what_its_page_shows(self):
        story = make_story()
        story.tags.add("Budget")
        add_byline(story)
        payload = {"fields": form_fields(story)}
        self.autosave(story, payload)
        with CaptureQueriesContext(connection) as captured:
            assert self.autosave(story, payload).status_code == 200
        tables = " ".join(query["sql"] for query in captured)
        assert "stories_byline" not in tables
        assert "stories_taggedstory" not in tables
        assert [q for q in captured if "stories_autosave" in q["sql"]][-1]["sql"].startswith(
            "UPDATE"
        ), "the same row, updated"

    def test_an_autosave_is_posted_only(self):
        story = make_story()
        self.client.force_login(self.editor)
        assert self.client.get(admin_url("autosave", story.pk)).status_code == 405
        assert self.client.get(admin_url("discard_autosave", story.pk)).status_code == 405

    def test_the_csrf_token_is_required(self):
        story = make_story()
        self.client = self.client_class(enforce_csrf_checks=True)
        self.client.force_login(self.editor)
        payload = json.dumps({"fields": {"headline": ["x"]}})
        url = admin_url("autosave", story.pk)
        assert self.client.post(url, payload, content_type="application/json").status_code == 403
        assert not Autosave.objects.exists()

    def test_neither_the_csrf_token_nor_a_cited_source_is_kept(self):
        # An anonymous citation's source is stored only encrypted; an autosave keeps none.
        story = make_story()
        payload = {
            "fields": {
                "csrfmiddlewaretoken": ["secret"],
                "citations-0-source": ["41"],
                "citations-0-source@labels": ["The whistle-blower"],
                "citations-__prefix__-source": [""],
                "citations-0-is_anonymous": ["on"],
                "headline": ["x"],
                "section@labels": ["Money"],
            }
        }
        assert self.autosave(story, payload).status_code == 200
        assert Autosave.objects.get().data == {
            "citations-0-is_anonymous": ["on"],
            "headline": ["x"],
            "section@labels": ["Money"],
        }


class ReadOnlyBodyTests(TestCase):
    def test_a_reporter_reads_a_published_body_as_text_not_markup(self):
        story = make_public_story(body="<p>The council <strong>voted</strong> 7–2.</p>")
        self.client.force_login(make_user("reporter"))
        page = self.client.get(admin_url("change", story.pk)).text
        assert "The council <strong>voted</strong> 7–2." in page
        assert "&lt;strong&gt;" not in page
        assert "&lt;p&gt;" not in page

    def test_the_read_only_body_is_sanitized_as_it_is_shown(self):
        story = make_public_story()
        Story.objects.filter(pk=story.pk).update(body='<p>Hi</p><script>alert("x")</script>')
        self.client.force_login(make_user("reporter"))
        page = self.client.get(admin_url("change", story.pk)).text
        assert '<script>alert("x")' not in page


class TargetLengthTests(TestCase):
    def test_a_target_length_is_saved_with_the_story_and_never_shown_to_readers(self):
        story = make_public_story()
        self.client.force_login(make_user("editor"))
        response = self.client.post(
            admin_url("change", story.pk), story_post_data(story, target_words=6173)
        )
        assert response.status_code == 302
        assert Story.objects.get(pk=story.pk).target_words == 6173
        self.client.logout()
        assert "6173" not in self.client.get(story.get_absolute_url()).text
