from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from stories import workflow
from stories.models import Story
from tests.accounts import make_user
from tests.factories import hidden_stories, make_public_story


class PublicRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.public = make_public_story(headline="Visible")
        cls.hidden = hidden_stories()
        cls.editor = make_user("editor")

    def test_only_published_stories_whose_time_has_come_are_public(self):
        assert list(Story.objects.public()) == [self.public]

    def test_each_hidden_state_is_excluded(self):
        public = set(Story.objects.public())
        for state, story in self.hidden.items():
            with self.subTest(state=state):
                assert story not in public
                assert not story.is_public

    def test_scheduled_story_becomes_public_at_its_publish_time(self):
        scheduled = self.hidden["scheduled"]
        later = scheduled.published_at + timedelta(seconds=1)
        assert scheduled in Story.objects.public(at=later)

    def test_embargo_outranks_a_past_publish_time(self):
        embargoed = self.hidden["embargoed"]
        assert embargoed not in Story.objects.public()
        assert embargoed in Story.objects.public(at=embargoed.embargo_until)

    def test_publishing_without_a_time_publishes_now(self):
        story = self.hidden["draft"]
        before = timezone.now()
        workflow.publish(story, by=self.editor)
        assert story.published_at >= before
        assert story.is_public

    def test_waiting_holds_the_published_stories_readers_cannot_see_yet(self):
        waiting = set(Story.objects.waiting())
        assert waiting == {self.hidden["scheduled"], self.hidden["embargoed"]}
        assert self.hidden["scheduled"].is_scheduled
        assert not self.hidden["scheduled"].is_embargoed
        assert self.hidden["embargoed"].is_embargoed
        assert not self.hidden["embargoed"].is_scheduled
        assert not self.public.is_scheduled and not self.public.is_embargoed
