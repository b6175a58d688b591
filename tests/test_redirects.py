from django.test import TestCase

from stories.models import SlugHistory, Story
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

