"""Who else has a story open: said while their page beats, gone when they leave or fall silent."""

from datetime import timedelta
from unittest import mock

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from stories.models import EditingPresence
from stories.models.workflow import HEARTBEAT, RECENTLY_OPENED
from tests.helpers.accounts import make_user
from tests.helpers.factories import make_public_story, make_story

ALSO_OPEN = "Also open for editing by Alice"


def admin_url(name, *args):
    return reverse(f"admin:stories_story_{name}", args=args)


class PresenceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.alice = make_user("editor", "alice")
        cls.bob = make_user("editor", "bob")
        cls.story = make_story()

    def open_as(self, user):
        self.client.force_login(user)
        return self.client.get(admin_url("change", self.story.pk)).text

    def later(self, delta):
        return mock.patch("django.utils.timezone.now", return_value=timezone.now() + delta)

    def test_the_change_page_beats_and_says_when_it_closes(self):
        page = self.open_as(self.alice)
        assert f'data-presence-url="{admin_url("still_open", self.story.pk)}"' in page
        assert f'data-leave-url="{admin_url("leave", self.story.pk)}"' in page
        assert "js/admin-presence.js" in page

    def test_leaving_the_page_removes_the_presence_at_once(self):
        self.open_as(self.alice)
        assert ALSO_OPEN in self.open_as(self.bob)
        self.client.force_login(self.alice)
        assert self.client.post(admin_url("leave", self.story.pk)).status_code == 204
        assert not EditingPresence.objects.filter(user=self.alice).exists()
        assert ALSO_OPEN not in self.open_as(self.bob)

    def test_a_presence_without_heartbeat_expires_after_a_minute_and_a_half(self):
        self.open_as(self.alice)
        with self.later(timedelta(seconds=85)):
            assert ALSO_OPEN in self.open_as(self.bob)
        with self.later(timedelta(seconds=91)):
            assert ALSO_OPEN not in self.open_as(self.bob)

    def test_a_heartbeat_keeps_the_presence_fresh(self):
        self.open_as(self.alice)
        beats = range(1, 6)
        for beat in beats:
            with self.later(HEARTBEAT * beat):
                response = self.client.post(admin_url("still_open", self.story.pk))
                assert response.status_code == 204
        with self.later(HEARTBEAT * beats[-1] + RECENTLY_OPENED - timedelta(seconds=1)):
            assert ALSO_OPEN in self.open_as(self.bob)

    def test_the_heartbeat_outlasts_its_own_interval_with_room_to_spare(self):
        assert 2 * HEARTBEAT <= RECENTLY_OPENED <= timedelta(minutes=2)

    def test_presence_is_posted_only_and_needs_the_csrf_token(self):
        self.client.force_login(self.alice)
        assert self.client.get(admin_url("still_open", self.story.pk)).status_code == 405
        assert self.client.get(admin_url("leave", self.story.pk)).status_code == 405
        strict = self.client_class(enforce_csrf_checks=True)
        strict.force_login(self.alice)
        assert strict.post(admin_url("still_open", self.story.pk)).status_code == 403
        assert strict.post(admin_url("leave", self.story.pk)).status_code == 403

    def test_only_someone_who_may_edit_the_story_is_recorded_as_having_it_open(self):
        published = make_public_story()
        reporter = make_user("reporter")
        self.client.force_login(reporter)
        assert self.client.post(admin_url("still_open", published.pk)).status_code == 403
        assert not EditingPresence.objects.filter(user=reporter).exists()
        assert self.client.post(admin_url("still_open", 987654)).status_code == 404

    def test_one_persons_leaving_does_not_remove_anothers_presence(self):
        self.open_as(self.alice)
        self.open_as(self.bob)
        self.client.post(admin_url("leave", self.story.pk))
        assert list(EditingPresence.objects.values_list("user", flat=True)) == [self.alice.pk]
