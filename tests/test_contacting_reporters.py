"""Readers can write to the newsroom's staff: a staff member's page gives the e-mail address
an editor set for readers, and links their public profiles."""

import shutil
import tempfile

from django.test import TestCase, override_settings

from stories.models import Person
from tests.helpers.accounts import make_user
from tests.helpers.factories import make_person, make_public_story
from tests.helpers.reader_data import make_image
from tests.test_structured_data import structured_data

MEDIA_ROOT = tempfile.mkdtemp()


def tearDownModule():
    shutil.rmtree(MEDIA_ROOT, ignore_errors=True)


@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class PersonContactTests(TestCase):
    def test_a_staff_members_page_gives_their_address_for_readers_and_their_profiles(self):
        person = make_person(
            is_staff_member=True,
            public_email="elena.marsh@ledger.example",
            profile_urls="https://mastodon.social/@elena",
        )
        response = self.client.get(person.get_absolute_url())
        self.assertContains(
            response,
            '<a href="mailto:elena.marsh@ledger.example">elena.marsh@ledger.example</a>',
            html=True,
        )
        self.assertContains(response, '<a href="https://mastodon.social/@elena" rel="me">')
        self.assertContains(response, 'href="/contact-securely/"')
        assert structured_data(response)["email"] == "elena.marsh@ledger.example"

    def test_someone_not_on_the_staff_is_given_no_address_even_if_one_was_kept(self):
        person = make_person(is_staff_member=True, public_email="left@ledger.example")
        person.is_staff_member = False
        person.save()
        make_public_story_about(person)
        response = self.client.get(person.get_absolute_url())
        assert response.status_code == 200
        self.assertNotContains(response, "left@ledger.example")
        assert "email" not in structured_data(response)

    def test_only_an_editor_sets_the_address_readers_see(self):
        assert "public_email" in Person.fields_for_editors_only(make_user("reporter"))
        assert "public_email" not in Person.fields_for_editors_only(make_user("editor"))

    def test_the_portrait_is_a_square_rendition_never_the_upload(self):
        photo = make_image(alt_text="Elena Marsh")
        person = make_person(is_staff_member=True, photo=photo)
        text = self.client.get(person.get_absolute_url()).text
        portrait = text[text.index('class="portrait"') : text.index("</picture>")]
        assert 'alt="Elena Marsh"' in portrait
        assert photo.file.url not in portrait
        assert "/renditions/" in portrait and "/1x1-" in portrait


def make_public_story_about(person):
    story = make_public_story()
    story.people.add(person)
    return story
