from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from stories.models import SlugHistory, Story
from tests.helpers.accounts import make_user, story_post_data
from tests.helpers.factories import make_person, make_public_story, make_section, make_story


class OldSlugRedirectTests(TestCase):
    def test_story_slug_change_redirects_old_url(self):
        story = make_public_story(slug="old-story")
        old_url = story.get_absolute_url()
        story.slug = "new-story"
        story.save()
        response = self.client.get(old_url)
        assert response.status_code == 301
        assert response["Location"] == story.get_absolute_url()

    def test_story_date_in_url_is_corrected_with_a_301(self):
        story = make_public_story(slug="dated")
        response = self.client.get("/1999/01/01/dated/")
        assert response.status_code == 301
        assert response["Location"] == story.get_absolute_url()

    def test_chained_renames_all_lead_to_the_current_slug(self):
        section = make_section(slug="first")
        make_public_story(section=section)
        for slug in ["second", "third"]:
            section.slug = slug
            section.save()
        for old in ["first", "second"]:
            response = self.client.get(f"/section/{old}/")
            assert response.status_code == 301
            assert response["Location"] == "/section/third/"

    def test_redirect_keeps_what_follows_the_slug_and_the_query(self):
        person = make_person(slug="old-name", is_staff_member=True)
        person.slug = "new-name"
        person.save()
        response = self.client.get("/people/old-name/?page=2")
        assert response["Location"] == "/people/new-name/?page=2"

    def test_tag_rename_redirects(self):
        story = make_public_story()
        story.tags.add("Data sharing")
        tag = story.tags.get()
        old = tag.slug
        tag.slug = "data-sharing-agreements"
        tag.save()
        response = self.client.get(f"/tag/{old}/")
        assert response.status_code == 301
        assert response["Location"] == "/tag/data-sharing-agreements/"

    def test_old_slug_of_a_hidden_story_reveals_nothing(self):
        story = make_story(slug="secret-draft")
        story.slug = "renamed-draft"
        story.save()
        assert SlugHistory.objects.filter(slug="secret-draft").exists()
        response = self.client.get("/2026/01/01/secret-draft/")
        assert response.status_code == 404
        assert b"renamed-draft" not in response.content

    def test_a_live_slug_wins_over_history(self):
        first = make_public_story(slug="shared")
        first.slug = "moved-away"
        first.save()
        second = make_public_story(slug="shared")
        response = self.client.get(second.get_absolute_url())
        assert response.status_code == 200
        assert response.context["story"] == second
        assert Story.objects.count() == 2

    def test_an_old_slug_that_also_names_a_path_segment_redirects_correctly(self):
        story = make_public_story()
        story.tags.add("Tag")
        tag = story.tags.get()
        assert tag.slug == "tag"
        tag.slug = "topic-x"
        tag.save()
        for path, target in [
            ("/tag/tag/", "/tag/topic-x/"),
            ("/tag/tag/rss/", "/tag/topic-x/rss/"),
        ]:
            response = self.client.get(path)
            assert response.status_code == 301
            assert response["Location"] == target


class TakenOldSlugTests(TestCase):
    """An old address of something readers see keeps leading to it."""

    @classmethod
    def setUpTestData(cls):
        cls.live = make_public_story(slug="budget-vote", headline="Budget passes")
        cls.old_url = cls.live.get_absolute_url()
        cls.live.slug = "budget-passes"
        cls.live.save()

    def test_a_draft_cannot_take_the_old_slug_of_a_public_story(self):
        draft = make_story(slug="a-draft")
        draft.slug = "budget-vote"
        with self.assertRaises(ValidationError) as caught:
            draft.full_clean()
        assert "“Budget passes”" in caught.exception.message_dict["slug"][0]

    def test_the_story_form_refuses_it_and_the_301_survives(self):
        draft = make_story(slug="a-draft")
        self.client.force_login(make_user("reporter"))
        url = reverse("admin:stories_story_change", args=[draft.pk])
        response = self.client.post(url, story_post_data(draft, slug="budget-vote"))
        assert response.status_code == 200
        assert "is an old address of “Budget passes”" in response.text
        draft.refresh_from_db()
        assert draft.slug == "a-draft"
        response = self.client.get(self.old_url)
        assert response.status_code == 301
        assert response["Location"] == self.live.get_absolute_url()

    def test_an_old_slug_of_hidden_work_or_of_the_story_itself_is_free(self):
        hidden = make_story(slug="leaked-name")
        hidden.slug = "neutral-name"
        hidden.save()
        make_story(slug="fresh", section=hidden.section).full_clean()
        other = make_story(slug="other")
        other.slug = "leaked-name"
        other.full_clean()
        self.live.slug = "budget-vote"
        self.live.full_clean()
