from html import unescape

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stories import workflow
from stories.models import Story
from stories.sanitize import clean_html
from tests.helpers.banner import BannerAlreadyRead
from tests.helpers.factories import make_public_story, make_story
from tests.helpers.pictures import TemporaryMedia, make_image, picture_bytes


def figure(image, caption="", alt=None):
    """An inline image as the body's editor writes it when a library image is placed."""
    alt = image.alt_text if alt is None else alt
    caption_html = f'<figcaption class="figure-caption">{caption}</figcaption>' if caption else ""
    return (
        f'<figure class="figure"><img src="{image.file.url}" alt="{alt}" '
        f'data-file="{image.pk}">{caption_html}</figure>'
    )


class SanitizerTests(TemporaryMedia, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.image = make_image(alt_text="Flood water in the square")

    def test_the_editors_figure_of_a_library_image_is_stored_unchanged(self):
        html = (
            "<p>Before.</p>" + figure(self.image, "The square <em>at noon</em>") + "<p>After</p>"
        )
        assert clean_html(html) == html

    def test_cleaning_twice_changes_nothing(self):
        html = figure(self.image, "Caption")
        assert clean_html(clean_html(html)) == clean_html(html)

    def test_an_image_from_another_host_is_removed(self):
        for src in (
            "https://evil.example/tracker.gif",
            "//evil.example/media/images/2025/01/a.jpg",
            "http://evil.example/media/images/2025/01/a.jpg",
            "/static/img/logo.png",
            "/media/images/../secret.jpg",
            "/media/documents/2025/01/a.jpg",
            "data:image/png;base64,AAAA",
        ):
            html = clean_html(f'<p>Text</p><figure><img src="{src}" data-file="1"></figure>')
            assert "<img" not in html, src
            assert "evil" not in html
            assert "<p>Text</p>" in html

    def test_an_image_without_an_address_is_removed(self):
        assert "<img" not in clean_html('<img alt="x" data-file="3">')

    def test_event_handlers_and_other_attributes_are_removed_from_library_images(self):
        html = clean_html(
            f'<img src="{self.image.file.url}" data-file="{self.image.pk}" onerror="steal()" '
            'onload="x()" style="width:1px" srcset="https://evil.example/a.jpg 1w" '
            'class="tracker" width="1">'
        )
        assert html == f'<img src="{self.image.file.url}" data-file="{self.image.pk}">'

    def test_an_image_reference_that_is_not_a_number_is_dropped(self):
        html = clean_html(f'<img src="{self.image.file.url}" data-file="1 or 1=1">')
        assert html == f'<img src="{self.image.file.url}">'

    def test_figure_classes_other_than_the_editors_are_removed(self):
        html = clean_html(f'<figure class="figure ad-banner">{figure(self.image)[22:]}')
        assert 'class="figure"' in html
        assert "ad-banner" not in html


class ReaderTests(BannerAlreadyRead, TemporaryMedia, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.image = make_image(
            picture_bytes(size=(1000, 750)),
            alt_text="Flood water in the square",
            caption="Library caption",
            credit="Jo Photographer",
        )
        cls.story = make_public_story(
            body="<p>First paragraph.</p>" + figure(cls.image, "Story <em>caption</em>")
        )

    def story_page(self, story=None):
        response = self.client.get((story or self.story).get_absolute_url())
        assert response.status_code == 200
        return response.text

    def test_an_inline_image_is_shown_as_a_responsive_picture(self):
        page = self.story_page()
        body = page[page.index('<div class="story-body">') :]
        jpeg = [r for r in self.image.renditions("4x3") if r.format == "jpeg"]
        webp = [r for r in self.image.renditions("4x3") if r.format == "webp"]
        assert len(jpeg) > 1
        assert '<figure class="inline-image">' in body
        assert "<picture>" in body
        assert f"{self.image.file.storage.url(webp[-1].name)} {webp[-1].width}w" in body
        assert f"{self.image.file.storage.url(jpeg[0].name)} {jpeg[0].width}w" in body
        fallback = jpeg[1]
        assert f'width="{fallback.width}" height="{fallback.height}"' in body
        assert 'alt="Flood water in the square"' in body
        assert 'loading="lazy"' in body

    def test_readers_never_get_the_stored_image_tag(self):
        page = self.story_page()
        assert "data-file" not in page
        assert f'src="{self.image.file.url}"' not in page

    def test_the_caption_written_in_the_story_is_shown_with_the_library_credit(self):
        page = self.story_page()
        assert "Story <em>caption</em>" in page
        assert '<span class="credit">Jo Photographer</span>' in page
        assert "Library caption" not in page

    def test_without_a_caption_in_the_story_the_library_caption_is_shown(self):
        story = make_public_story(body=figure(self.image))
        assert "Library caption" in self.story_page(story)

    def test_the_alt_text_is_the_librarys_whatever_the_body_says(self):
        story = make_public_story(body=figure(self.image, alt="Something else"))
        page = self.story_page(story)
        assert 'alt="Flood water in the square"' in page
        assert "Something else" not in page

    def test_a_reference_to_a_deleted_image_renders_nothing(self):
        gone = make_image(alt_text="Gone")
        story = make_public_story(body="<p>Text.</p>" + figure(gone, "Lost caption"))
        gone.delete()
        page = self.story_page(story)
        assert "Lost caption" not in page
        assert "<p>Text.</p>" in page

    def test_a_library_image_placed_by_its_address_alone_is_shown(self):
        story = make_public_story(body=f'<p>Text.</p><img src="{self.image.file.url}">')
        assert 'alt="Flood water in the square"' in self.story_page(story)

    def test_the_preview_shows_inline_images(self):
        user = get_user_model().objects.create_superuser("chief", "c@example.org", "pw")
        self.client.force_login(user)
        draft = make_story(body=figure(self.image, "Draft caption"))
        url = reverse("admin:stories_story_preview", args=[draft.pk])
        response = self.client.get(url)
        assert response.status_code == 200
        assert "Draft caption" in response.text
        assert 'alt="Flood water in the square"' in response.text

    @override_settings(PAGE_CACHE_ENABLED=False)  # what the page costs, not the cache
    def test_story_page_queries_do_not_grow_with_inline_images(self):
        others = [make_image(alt_text=f"Picture {n}") for n in range(3)]
        one = make_public_story(body=figure(self.image))
        many = make_public_story(body="".join(figure(image) for image in [self.image, *others]))

        def count(story):
            with CaptureQueriesContext(connection) as queries:
                page = self.story_page(story)
            return len(queries), page.count('<figure class="inline-image">')

        assert count(one) == (count(one)[0], 1)
        assert count(many)[0] == count(one)[0]
        assert count(many)[1] == 4

    def test_search_and_feeds_still_work_with_inline_images(self):
        search = self.client.get(reverse("stories:search"), {"q": "caption"})
        assert search.status_code == 200
        assert self.story.headline in search.text
        feed = self.client.get(reverse("stories:rss"))
        assert feed.status_code == 200
        assert "data-file" not in feed.text


class PublishingTests(TemporaryMedia, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.undescribed = make_image(alt_text="", caption="Crowd at the gate")
        cls.editor = get_user_model().objects.create_superuser("ed", "e@example.org", "pw")

    def test_a_story_with_an_inline_image_without_alt_text_cannot_be_published(self):
        story = make_story(body=figure(self.undescribed))
        with self.assertRaises(ValidationError) as raised:
            workflow.publish(story, by=self.editor)
        assert "Crowd at the gate" in str(raised.exception.message_dict["body"])
        story.refresh_from_db()
        assert story.status == Story.Status.DRAFT

    def test_the_publish_transition_is_refused_too(self):
        story = make_story(body=figure(self.undescribed), status=Story.Status.IN_REVIEW)
        with self.assertRaises(workflow.TransitionNotAllowed):
            workflow.publish(story, by=self.editor)
        story.refresh_from_db()
        assert story.status == Story.Status.IN_REVIEW

    def test_once_the_library_image_is_described_the_story_can_be_published(self):
        image = make_image(alt_text="")
        story = make_story(body=figure(image))
        image.alt_text = "A gate"
        image.save()
        workflow.publish(story, by=self.editor)
        assert story.is_public

    def test_a_reference_to_a_deleted_image_does_not_block_publishing(self):
        gone = make_image(alt_text="")
        story = make_story(body=figure(gone))
        gone.delete()
        workflow.publish(story, by=self.editor)
        assert story.is_public

    def test_the_alt_text_of_an_inline_image_in_a_published_story_cannot_be_removed(self):
        image = make_image(alt_text="A gate")
        make_public_story(body=figure(image))
        image.alt_text = ""
        with self.assertRaises(ValidationError) as raised:
            image.full_clean()
        assert "alt_text" in raised.exception.message_dict


class PickerTests(TemporaryMedia, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.image = make_image(alt_text="Harbour at dawn", caption="The harbour")
        cls.other = make_image(alt_text="Mountain pass")
        User = get_user_model()
        cls.editor = User.objects.create_superuser("ed", "e@example.org", "pw")
        cls.nobody = User.objects.create_user("nobody", "n@example.org", "pw", is_staff=True)
        cls.url = reverse("admin:stories_image_picker")

    def test_the_picker_offers_library_images_with_their_address_and_id(self):
        self.client.force_login(self.editor)
        page = self.client.get(self.url, {"CKEditorFuncNum": "-1"}).text
        assert f'data-pick-image="{self.image.pk}"' in page
        assert f'data-url="{self.image.file.url}"' in page
        assert 'data-callback="-1"' in page

    def test_the_picker_searches_the_library(self):
        self.client.force_login(self.editor)
        page = self.client.get(self.url, {"q": "harbour"}).text
        assert "Harbour at dawn" in page
        assert "Mountain pass" not in page

    def test_a_forged_callback_is_ignored(self):
        self.client.force_login(self.editor)
        page = self.client.get(self.url, {"CKEditorFuncNum": '1"><script>'}).text
        assert 'data-callback=""' in page
        assert "<script>" not in page.split('data-callback="')[1][:20]

    def test_staff_without_access_to_images_cannot_open_the_picker(self):
        self.client.force_login(self.nobody)
        assert self.client.get(self.url).status_code == 403

    def test_the_story_editor_offers_figures_with_the_picker(self):
        self.client.force_login(self.editor)
        page = unescape(self.client.get(reverse("admin:stories_story_add")).text)
        assert f'"Figure":{{"pickerUrl":"{self.url}"}}' in page
