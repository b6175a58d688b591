from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from stories import workflow
from stories.models import Section, Story
from tests.helpers.accounts import make_user
from tests.helpers.factories import hidden_stories, make_public_story


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


class SectionVisibilityTests(TestCase):
    """A section is named to readers once a public story is in it, and not before."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.live = make_public_story(headline="Visible").section
        cls.hidden = hidden_stories()
        cls.unannounced = cls.hidden["draft"].section
        cls.unannounced.name = "Unannounced desk"
        cls.unannounced.save()

    def test_only_sections_with_a_public_story_are_public(self):
        assert list(Section.objects.public()) == [self.live]

    def test_a_section_of_hidden_work_is_in_no_navigation_sitemap_or_page(self):
        for url in ["/", self.live.get_absolute_url(), "/sitemap-sections.xml", "/search/"]:
            with self.subTest(url=url):
                response = self.client.get(url)
                assert response.status_code == 200
                assert "Unannounced desk" not in response.text
                assert self.unannounced.get_absolute_url() not in response.text
        for url in [self.unannounced.get_absolute_url(), f"/section/{self.unannounced.slug}/rss/"]:
            assert self.client.get(url).status_code == 404

    def test_a_section_is_named_once_its_first_story_is_published(self):
        workflow.publish(self.hidden["draft"], by=self.editor)
        assert "Unannounced desk" in self.client.get("/").text
        assert self.client.get(self.unannounced.get_absolute_url()).status_code == 200
        sitemap = self.client.get("/sitemap-sections.xml").text
        assert self.unannounced.get_absolute_url() in sitemap
