"""The body is edited with a rich-text editor that offers only what the sanitizer keeps."""

from django.contrib.staticfiles import finders
from django.test import TestCase, override_settings
from django.urls import reverse
from django_prose_editor.config import allowlist_from_extensions, expand_extensions

from stories.admin.stories import BODY_EXTENSIONS
from stories.models import Story
from stories.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_CLASSES, ALLOWED_TAGS
from tests.accounts import make_user, story_post_data
from tests.factories import make_story


class EditorConfigurationTests(TestCase):
    def test_everything_the_editor_can_produce_survives_the_sanitizer(self):
        allowed = allowlist_from_extensions(expand_extensions(BODY_EXTENSIONS))
        assert set(allowed["tags"]) <= ALLOWED_TAGS
        # rel is set on every link by the sanitizer itself; the numbering style of ordered
        # lists is switched off in the editor, and dropped by the sanitizer. Pictures are not
        # resizable in the editor: their size comes from the library's renditions.
        not_offered = {"a": {"rel"}, "ol": {"type", "data-type"}, "img": {"width", "height"}}
        for tag, attributes in allowed["attributes"].items():
            offered = set(attributes) - not_offered.get(tag, set())
            kept = ALLOWED_ATTRIBUTES.get(tag, set()) | (
                {"class"} if tag in ALLOWED_CLASSES else set()
            )
            assert offered <= kept, tag

    def test_ordered_list_numbering_styles_are_switched_off(self):
        assert BODY_EXTENSIONS["OrderedList"] == {"enableListAttributes": False}

    def test_the_editor_offers_headings_lists_links_quotes_emphasis_and_figures(self):
        allowed = set(allowlist_from_extensions(expand_extensions(BODY_EXTENSIONS))["tags"])
        assert {"p", "h2", "h3", "ul", "ol", "li", "a", "blockquote", "strong", "em"} <= allowed
        assert {"figure", "img", "figcaption"} <= allowed
        assert not {"table", "span", "h1", "code"} & allowed


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class EditorInTheAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.reporter = make_user("reporter")

    def setUp(self):
        self.client.force_login(self.reporter)

    def test_the_story_form_loads_the_editor_from_our_own_static_files(self):
        page = self.client.get(reverse("admin:stories_story_add")).text
        assert "data-django-prose-editor-configurable" in page
        assert "/static/django_prose_editor/configurable.js" in page
        assert "https://" not in page.split("<body")[0]  # nothing loaded from elsewhere
        assert finders.find("django_prose_editor/configurable.js")
        assert finders.find("django_prose_editor/editor.css")

    def test_markup_the_editor_cannot_make_is_removed_on_save(self):
        story = make_story()
        body = (
            '<h2>Heading</h2><p onclick="x()">Text <em>with</em> <a href="javascript:alert(1)">'
            "a bad link</a></p><script>alert(1)</script><img src=x>"
        )
        self.client.post(
            reverse("admin:stories_story_change", args=[story.pk]),
            story_post_data(story, body=body),
        )
        saved = Story.objects.get(pk=story.pk).body
        assert "<h2>Heading</h2>" in saved
        assert "<em>with</em>" in saved
        assert "onclick" not in saved
        assert "javascript" not in saved
        assert "<script" not in saved
        assert "<img" not in saved
