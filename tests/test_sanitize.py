from django.test import TestCase

from stories.sanitize import clean_html
from tests.helpers.factories import make_story


class SanitizerTests(TestCase):
    def test_script_and_style_elements_are_removed(self):
        html = clean_html("<p>Hi</p><script>alert(1)</script><style>p{}</style>")
        assert "<script" not in html
        assert "alert" not in html
        assert "<style" not in html
        assert "<p>Hi</p>" in html

    def test_event_handler_attributes_are_removed(self):
        html = clean_html('<p onclick="steal()">Text</p><a href="/x" onmouseover="x()">l</a>')
        assert "onclick" not in html
        assert "onmouseover" not in html
        assert "steal" not in html

    def test_javascript_links_lose_their_href(self):
        html = clean_html('<a href="javascript:alert(1)">click</a><a href="JaVaScRiPt:x">y</a>')
        assert "javascript" not in html.lower()

    def test_allowed_markup_is_kept(self):
        source = (
            "<h2>Heading</h2><p><strong>bold</strong> <em>it</em></p>"
            "<ul><li>one</li></ul><ol><li>two</li></ol><blockquote><p>quote</p></blockquote>"
        )
        assert clean_html(source) == source

    def test_links_keep_href_and_gain_noopener(self):
        html = clean_html('<a href="https://example.org/report">report</a>')
        assert 'href="https://example.org/report"' in html
        assert 'rel="noopener noreferrer"' in html

    def test_story_body_is_sanitized_when_saved(self):
        story = make_story(body='<p onload="x()">Safe</p><img src=x onerror="alert(1)">')
        story.refresh_from_db()
        assert story.body == "<p>Safe</p>"
