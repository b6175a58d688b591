"""Two editors saving the same person, source, tag, section, page, correction or picture.

Each opens the change form; the first save goes through; the second is refused with the
name of whoever saved in between, and comes back with everything its editor typed.
"""

from django.test import Client, TestCase
from django.urls import reverse

from stories import workflow
from stories.models import Correction, Page, Revision, Tag
from stories.models.versions import VersionConflict
from tests.helpers.accounts import make_user
from tests.helpers.admin_forms import change_form_data
from tests.helpers.factories import make_person, make_public_story, make_section, make_source
from tests.helpers.pictures import TemporaryMedia, make_image


def make_correction():
    story = make_public_story()
    return workflow.add_correction(
        story,
        by=workflow.SYSTEM,
        kind="correction",
        text="An earlier version misspelled the mayor's name.",
        note="test data",
    )


# What each editor changes: a model, a way to make one, and the field both of them edit.
CASES = {
    "person": (make_person, "bio"),
    "source": (make_source, "private_notes"),
    "tag": (lambda: Tag.objects.create(name="Zoning", slug="zoning"), "name"),
    "section": (make_section, "description"),
    "page": (lambda: Page.objects.get(slug=Page.ABOUT), "summary"),
    "correction": (make_correction, "text"),
    "image": (make_image, "caption"),
}


class EditConflictTests(TemporaryMedia, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.alice = make_user("editor", "alice")
        cls.bob = make_user("editor", "bob")

    def open_as(self, user, obj):
        client = Client()
        client.force_login(user)
        url = reverse(f"admin:stories_{obj._meta.model_name}_change", args=[obj.pk])
        response = client.get(url)
        assert response.status_code == 200
        return client, url, response

    def test_the_later_of_two_saves_from_one_version_is_refused_and_keeps_what_was_typed(self):
        for name, (make, field) in CASES.items():
            with self.subTest(name):
                obj = make()
                alice, url, alice_page = self.open_as(self.alice, obj)
                bob, _, bob_page = self.open_as(self.bob, obj)

                saved = alice.post(url, change_form_data(alice_page, **{field: "Alice's text"}))
                refused = bob.post(url, change_form_data(bob_page, **{field: "Bob's text"}))

                assert saved.status_code == 302
                assert refused.status_code == 200
                obj.refresh_from_db()
                assert getattr(obj, field) == "Alice's text"
                assert obj.changed_by == self.alice
                text = refused.text
                assert "Your changes were not saved: Alice changed this" in text
                assert "after you opened it" in text
                assert "Bob&#x27;s text" in text
                assert f'href="{url}">reload the page</a>' in text

    def test_saving_again_after_being_told_replaces_the_other_version(self):
        for name, (make, field) in CASES.items():
            with self.subTest(name):
                obj = make()
                alice, url, alice_page = self.open_as(self.alice, obj)
                bob, _, bob_page = self.open_as(self.bob, obj)
                alice.post(url, change_form_data(alice_page, **{field: "Alice's text"}))
                refused = bob.post(url, change_form_data(bob_page, **{field: "Bob's text"}))

                again = bob.post(url, change_form_data(refused))

                assert again.status_code == 302
                obj.refresh_from_db()
                assert getattr(obj, field) == "Bob's text"
                assert obj.changed_by == self.bob

    def test_saves_one_after_another_each_from_the_newest_version_go_through(self):
        person = make_person()
        for editor, bio in [(self.alice, "First"), (self.bob, "Second"), (self.alice, "Third")]:
            client, url, page = self.open_as(editor, person)
            assert client.post(url, change_form_data(page, bio=bio)).status_code == 302
        person.refresh_from_db()
        assert (person.bio, person.version, person.changed_by) == ("Third", 4, self.alice)

    def test_a_renamed_tag_is_not_renamed_back_by_a_form_opened_before(self):
        tag = Tag.objects.create(name="Zoning", slug="zoning")
        alice, url, alice_page = self.open_as(self.alice, tag)
        bob, _, bob_page = self.open_as(self.bob, tag)
        alice.post(url, change_form_data(alice_page, name="Land use"))

        refused = bob.post(url, change_form_data(bob_page, description="Who builds what, where."))

        assert refused.status_code == 200
        tag.refresh_from_db()
        assert (tag.name, tag.description) == ("Land use", "")

    def test_a_refused_correction_edit_records_no_revision_and_the_accepted_one_does(self):
        correction = make_correction()
        alice, url, alice_page = self.open_as(self.alice, correction)
        bob, _, bob_page = self.open_as(self.bob, correction)
        alice.post(url, change_form_data(alice_page, text="Alice's text"))
        revisions = Revision.objects.filter(story=correction.story).count()

        bob.post(url, change_form_data(bob_page, text="Bob's text"))

        assert Revision.objects.filter(story=correction.story).count() == revisions
        edited = Revision.objects.filter(story=correction.story).order_by("pk").last()
        assert (edited.summary, edited.created_by) == ("Correction edited", self.alice)

    def test_a_correction_edited_in_the_story_form_is_refused_after_another_edit(self):
        correction = make_correction()
        story_url = reverse("admin:stories_story_change", args=[correction.story_id])
        bob = Client()
        bob.force_login(self.bob)
        story_page = bob.get(story_url)
        workflow.save_correction(Correction.objects.get(pk=correction.pk), by=self.alice)

        prefix = "corrections-0"
        refused = bob.post(story_url, change_form_data(story_page, **{f"{prefix}-text": "Bob's"}))

        assert refused.status_code == 200
        assert "Alice changed this correction" in refused.text
        correction.refresh_from_db()
        assert correction.text != "Bob's"

    def test_saving_a_stale_copy_outside_the_admin_raises_a_version_conflict(self):
        person = make_person(bio="Before")
        stale = type(person).objects.get(pk=person.pk)
        person.bio = "Saved first"
        person.changed_by = self.alice
        person.save()

        stale.bio = "Saved from an old copy"
        with self.assertRaises(VersionConflict) as raised:
            stale.save()

        assert raised.exception.current.by == self.alice
        person.refresh_from_db()
        assert person.bio == "Saved first"
