"""Every save is a revision; revisions can be compared and restored; no edit is lost."""

import re
from datetime import timedelta

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from stories import workflow
from stories.models import Byline, Citation, Image, Revision, Story
from stories.models.revisions import CONTENT_FIELDS, RELATION_FIELDS, opened, take_snapshot
from stories.revisions import restore_revision
from stories.search import search_stories
from tests.helpers.accounts import make_user, story_post_data
from tests.helpers.factories import (
    add_byline,
    cite,
    make_person,
    make_section,
    make_source,
    make_story,
)


def admin_url(name, *args):
    return reverse(f"admin:stories_story_{name}", args=args)


def base_revision_of(page):
    return int(re.search(r'name="base_revision" value="(\d+)"', page).group(1))


def fully_filled_story(tag_prefix, kind=Story.Kind.ANALYSIS):
    image = Image.objects.create(
        file=f"images/{tag_prefix}.png", alt_text=f"{tag_prefix} chart", width=1, height=1
    )
    story = make_story(
        kicker=f"{tag_prefix} kicker",
        headline=f"{tag_prefix} headline",
        dek=f"{tag_prefix} dek",
        body=f'<p>{tag_prefix} body with <a href="https://example.org/">a link</a>.</p>',
        dateline=f"{tag_prefix} CITY",
        kind=kind,
        seo_headline=f"{tag_prefix} seo",
        hero_image=image,
        target_words=100 * len(tag_prefix),
    )
    story.tags.add(f"{tag_prefix} one", f"{tag_prefix} two")
    add_byline(story, role=Byline.Role.BY)
    add_byline(story, role=Byline.Role.PHOTOS)
    cite(story, cited_as=Citation.CitedAs.INTERVIEW, supports=f"{tag_prefix} claim", position=1)
    cite(
        story,
        make_source(),
        is_anonymous=True,
        public_description=f"{tag_prefix} official",
        position=2,
    )
    story.people.add(make_person(), make_person())
    story.related_stories.add(make_story(), make_story())
    return story


class RevisionRecordTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.reporter = make_user("reporter")

    def test_every_admin_save_records_who_when_and_what(self):
        self.client.force_login(self.reporter)
        section = make_section()
        data = story_post_data(
            Story(headline="First", slug="first", section=section), base_revision=0
        )
        self.client.post(
            reverse("admin:stories_story_add"),
            data | {"tags": "IRS, Privacy", "create_tags": ["IRS", "Privacy"]},
        )
        story = Story.objects.get(slug="first")
        self.client.post(admin_url("change", story.pk), story_post_data(story, headline="Second"))
        first, second = story.revisions.order_by("pk")
        assert (first.created_by, first.summary) == (self.reporter, "Created")
        assert first.snapshot["headline"] == "First"
        assert first.snapshot["tags"] == ["IRS", "Privacy"]
        assert (second.created_by, second.summary) == (self.reporter, "Edited")
        assert second.changed_fields == ["headline"]
        assert first.created_at <= second.created_at <= timezone.now()

    def test_the_snapshot_holds_every_editable_field_and_relation(self):
        story = fully_filled_story("Snap")
        snapshot = Revision.record(story).snapshot
        assert set(CONTENT_FIELDS + RELATION_FIELDS) <= set(snapshot)
        assert snapshot["tags"] == ["Snap one", "Snap two"]
        assert [b["role"] for b in snapshot["bylines"]] == ["by", "photos"]
        assert snapshot["citations"][1]["public_description"] == "Snap official"
        assert len(snapshot["people"]) == len(snapshot["related_stories"]) == 2

    def test_history_lists_revisions_and_compare_shows_a_word_level_diff(self):
        story = make_story(headline="The commissioner resigns", body="<p>Old words here.</p>")
        older = Revision.record(story, self.editor)
        Story.objects.filter(pk=story.pk).update(headline="The commissioner quits")
        story.tags.add("Treasury")
        newer = Revision.record(story, self.editor, summary="Edited")
        self.client.force_login(self.reporter)
        history = self.client.get(admin_url("revisions", story.pk)).text
        assert f'value="{older.pk}"' in history and "headline and tags" in history
        page = self.client.get(admin_url("compare", story.pk), {"a": newer.pk, "b": older.pk})
        assert page.status_code == 200
        assert "<del>resigns</del>" in page.text
        assert "<ins>quits</ins>" in page.text
        assert "Treasury" in page.text
        assert "Body" not in page.text  # unchanged fields are not listed

    def test_compare_with_bad_input_is_a_clear_error_not_a_crash(self):
        story = make_story()
        Revision.record(story)
        other = Revision.record(make_story())
        self.client.force_login(self.editor)
        url = admin_url("compare", story.pk)
        assert self.client.get(url).status_code == 400
        assert self.client.get(url, {"a": "x", "b": "1"}).status_code == 400
        assert self.client.get(url, {"a": other.pk, "b": other.pk}).status_code == 404


class RestoreTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")

    def test_restore_round_trips_every_field_exactly(self):
        story = fully_filled_story("Before")
        old = Revision.record(story, self.editor)
        # Change every field and relation.
        replacement = fully_filled_story("After", kind=Story.Kind.OPINION)
        for name in CONTENT_FIELDS:
            attname = Story._meta.get_field(name).attname
            setattr(story, attname, getattr(replacement, attname))
        story.slug = "after-slug"
        story.save()
        story.tags.set(["After"])
        story.people.set([make_person()])
        story.related_stories.set([replacement])
        Byline.objects.filter(story=story).delete()
        add_byline(story, role=Byline.Role.EDITED_BY)
        Citation.objects.filter(story=story).delete()
        cite(story, cited_as=Citation.CitedAs.DATA)
        changed = Revision.record(story, self.editor)
        assert set(changed.changed_fields) == set(CONTENT_FIELDS + RELATION_FIELDS)

        restored = restore_revision(old, self.editor)

        assert opened(take_snapshot(story)) == opened(old.snapshot)
        assert opened(restored.snapshot) == opened(old.snapshot)
        assert restored.summary.startswith(f"Restored revision {old.pk}")
        assert Revision.objects.filter(story=story).count() == 3

    def test_restored_bylines_are_found_by_search_again(self):
        story = make_story(status=Story.Status.PUBLISHED, published_at=timezone.now())
        add_byline(story, make_person(name="Ottoline Quarrington"))
        old = Revision.record(story, self.editor)
        Byline.objects.filter(story=story).delete()
        assert not search_stories(Story.objects.public(), "Quarrington").exists()

        restore_revision(old, self.editor)
        assert list(search_stories(Story.objects.public(), "Quarrington")) == [story]

    def test_restore_leaves_the_publication_state_alone(self):
        story = make_story(headline="Draft text")
        old = Revision.record(story)
        workflow.publish(story, by=self.editor)
        restore_revision(old, self.editor)
        story.refresh_from_db()
        assert story.status == Story.Status.PUBLISHED
        assert story.is_public

    def test_restore_through_the_admin_is_itself_a_revision(self):
        story = make_story(headline="Original")
        old = Revision.record(story)
        Story.objects.filter(pk=story.pk).update(headline="Changed")
        Revision.record(story)
        self.client.force_login(self.editor)
        response = self.client.post(admin_url("restore", story.pk, old.pk), follow=True)
        assert "is restored as a new revision" in response.text
        assert Story.objects.get(pk=story.pk).headline == "Original"
        assert story.revisions.first().created_by == self.editor

    def test_a_revision_pointing_at_deleted_things_is_refused_with_a_message(self):
        story = make_story()
        person = make_person()
        story.people.add(person)
        old = Revision.record(story)
        story.people.clear()
        person.delete()
        self.client.force_login(self.editor)
        response = self.client.post(admin_url("restore", story.pk, old.pk), follow=True)
        assert "cannot be restored: a person has since been deleted" in response.text


class ConflictTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.alice = make_user("editor", "alice")
        cls.bob = make_user("editor", "bob")

    def test_a_stale_save_is_refused_naming_who_changed_what_and_keeping_the_text(self):
        story = make_story(headline="Original", body="<p>Original body</p>")
        url = admin_url("change", story.pk)
        self.client.force_login(self.bob)
        bob_base = base_revision_of(self.client.get(url).text)

        self.client.force_login(self.alice)
        alice_base = base_revision_of(self.client.get(url).text)
        self.client.post(url, story_post_data(story, alice_base, headline="Alice's headline"))

        self.client.force_login(self.bob)
        bob_text = "<p>Bob's carefully written paragraph</p>"
        response = self.client.post(url, story_post_data(story, bob_base, body=bob_text))
        assert response.status_code == 200
        assert "Your changes were not saved" in response.text
        assert "Alice changed headline" in response.text
        assert "Bob&#x27;s carefully written paragraph" in response.text
        assert admin_url("compare", story.pk) in response.text
        assert Story.objects.get(pk=story.pk).headline == "Alice's headline"
        assert Story.objects.get(pk=story.pk).body == "<p>Original body</p>"

        # Bob has seen the message and saves deliberately.
        new_base = base_revision_of(response.text)
        response = self.client.post(url, story_post_data(story, new_base, body=bob_text))
        assert response.status_code == 302
        assert Story.objects.get(pk=story.pk).body == bob_text

    def test_a_transition_after_opening_the_form_also_counts_as_a_change(self):
        story = make_story(status=Story.Status.IN_REVIEW)
        url = admin_url("change", story.pk)
        self.client.force_login(self.bob)
        base = base_revision_of(self.client.get(url).text)
        workflow.publish(story, by=self.alice)
        response = self.client.post(url, story_post_data(story, base, headline="Bob"))
        assert "Alice changed status" in response.text
        assert Story.objects.get(pk=story.pk).headline != "Bob"

    def test_someone_else_having_the_story_open_is_announced(self):
        story = make_story()
        url = admin_url("change", story.pk)
        self.client.force_login(self.alice)
        assert "Also open for editing" not in self.client.get(url).text
        self.client.force_login(self.bob)
        assert "Also open for editing by Alice" in self.client.get(url).text

    def test_an_old_open_is_not_announced(self):
        story = make_story()
        self.client.force_login(self.alice)
        self.client.get(admin_url("change", story.pk))
        story.editing_presences.update(seen_at=timezone.now() - timedelta(hours=1))
        self.client.force_login(self.bob)
        assert "Also open for editing" not in self.client.get(admin_url("change", story.pk)).text
