import datetime

from django.test import TestCase

from tests.helpers.factories import add_byline, make_person, make_public_story, make_section


class OldAddressTests(TestCase):
    def test_changing_a_published_storys_date_redirects_the_old_address(self):
        story = make_public_story(slug="moving-day")
        old_url = story.get_absolute_url()
        story.published_at -= datetime.timedelta(days=3)
        story.save()
        assert story.get_absolute_url() != old_url
        response = self.client.get(old_url)
        assert response.status_code == 301
        assert response["Location"] == story.get_absolute_url()

    def test_changing_slug_and_date_together_still_redirects(self):
        story = make_public_story(slug="first-slug")
        old_url = story.get_absolute_url()
        story.slug = "second-slug"
        story.published_at -= datetime.timedelta(days=40)
        story.save()
        response = self.client.get(old_url, follow=True)
        assert response.redirect_chain[-1] == (story.get_absolute_url(), 301)
        assert response.status_code == 200

    def test_old_person_and_section_feeds_redirect_to_the_new_ones(self):
        person = make_person(slug="jane-doe", is_staff_member=True)
        add_byline(make_public_story(), person)
        person.slug = "jane-roe"
        person.save()
        section = make_section(slug="politics")
        make_public_story(section=section)
        section.slug = "government"
        section.save()
        for old, new in [
            ("/people/jane-doe/rss/", "/people/jane-roe/rss/"),
            ("/people/jane-doe/atom/", "/people/jane-roe/atom/"),
            ("/section/politics/rss/", "/section/government/rss/"),
            ("/section/politics/?page=2", "/section/government/?page=2"),
        ]:
            with self.subTest(old=old):
                response = self.client.get(old)
                assert response.status_code == 301
                assert response["Location"] == new

    def test_old_slug_of_a_tag_no_longer_public_reveals_nothing(self):
        story = make_public_story()
        story.tags.add("Leaving")
        tag = story.tags.get()
        tag.slug = "left"
        tag.save()
        story.tags.clear()
        assert self.client.get("/tag/leaving/").status_code == 404
        assert self.client.get("/tag/leaving/rss/").status_code == 404
