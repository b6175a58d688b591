"""In production (DEBUG off) every file a page links to answers, cached as long as it may be:
static files through WhiteNoise, pictures through the media view, and nothing else."""

import gzip
import re
from pathlib import Path
from urllib.parse import urlsplit

import brotli
import feedparser
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.templatetags.static import static
from django.test import TestCase

from tests.helpers.factories import add_byline, make_person, make_public_story
from tests.helpers.production import ProductionMode
from tests.helpers.reader_data import make_image

YEAR = "public, max-age=31536000, immutable"
LINKED_FILE = re.compile(r'(?:href|src|content|srcset)="([^"]+)"|"(?:url|image)": "([^"]+)"')


def linked_files(html):
    """Every /static/ and /media/ path a page refers to, in links, srcsets and JSON-LD."""
    found = set()
    for attribute, json_value in LINKED_FILE.findall(html):
        for candidate in (attribute or json_value).split(","):
            path = urlsplit(candidate.strip().split(" ")[0]).path
            if path.startswith(("/static/", "/media/")):
                found.add(path)
    return found


class StaticFilesTests(ProductionMode, TestCase):
    def test_pages_link_the_stylesheet_under_its_hashed_name(self):
        html = self.client.get("/").text
        assert re.search(r'href="/static/css/site\.[0-9a-f]{12}\.css"', html)

    def test_site_css_answers_200_cached_for_a_year(self):
        response = self.client.get(static("css/site.css"))
        assert response.status_code == 200
        assert response["Cache-Control"] == YEAR
        assert response["Content-Type"].startswith("text/css")
        original = Path(finders.find("css/site.css")).read_bytes()
        assert b"".join(response.streaming_content) == original

    def test_site_css_is_sent_pre_compressed_in_brotli_and_gzip(self):
        original = Path(finders.find("css/site.css")).read_bytes()
        for encoding, decompress in [("br", brotli.decompress), ("gzip", gzip.decompress)]:
            with self.subTest(encoding=encoding):
                response = self.client.get(static("css/site.css"), HTTP_ACCEPT_ENCODING=encoding)
                assert response.status_code == 200
                assert response["Content-Encoding"] == encoding
                assert response["Vary"] == "Accept-Encoding"
                assert decompress(b"".join(response.streaming_content)) == original

    def test_the_admins_and_the_rich_text_editors_files_are_served_alike(self):
        for name in [
            "admin/css/base.css",
            "admin/js/core.js",
            "django_prose_editor/editor.js",
            "django_prose_editor/editor.css",
            "css/admin-rich-text.css",
        ]:
            with self.subTest(name=name):
                url = static(name)
                assert url != f"/static/{name}", "not hashed"
                response = self.client.get(url)
                assert response.status_code == 200
                assert response["Cache-Control"] == YEAR

    def test_a_name_without_its_hash_is_served_but_not_cached_for_long(self):
        response = self.client.get("/static/css/site.css")
        assert response.status_code == 200
        assert response["Cache-Control"] == "max-age=60, public"

    def test_a_missing_static_file_is_the_404_page(self):
        assert self.client.get("/static/css/nothing.css").status_code == 404

    def test_favicons_are_linked_and_favicon_ico_answers(self):
        html = self.client.get("/").text
        for name in ["img/favicon.ico", "img/favicon.svg", "img/apple-touch-icon.png"]:
            with self.subTest(name=name):
                assert f'href="{static(name)}"' in html
                assert self.client.get(static(name)).status_code == 200
        response = self.client.get("/favicon.ico", follow=True)
        assert response.redirect_chain == [(static("img/favicon.ico"), 302)]
        assert b"".join(response.streaming_content).startswith(b"\x00\x00\x01\x00")


class PicturesInProductionTests(ProductionMode, TestCase):
    @classmethod
    def setUpTestData(cls):
        photo = make_image(alt_text="Elena Marsh")
        cls.story = make_public_story(hero_image=make_image())
        add_byline(cls.story, make_person(name="Elena Marsh", photo=photo, is_staff_member=True))
        cls.person = cls.story.bylines.get().person

    def test_a_rendition_answers_200_cached_for_a_year(self):
        rendition = self.story.hero_image.renditions("16x9")[0]
        response = self.client.get(default_storage.url(rendition.name))
        assert response.status_code == 200
        assert response["Cache-Control"] == YEAR
        assert response["Content-Type"] == "image/webp"
        assert response["X-Content-Type-Options"] == "nosniff"
        with default_storage.open(rendition.name) as stored:
            assert b"".join(response.streaming_content) == stored.read()

    def test_every_file_the_story_page_links_to_answers_200(self):
        html = self.client.get(self.story.get_absolute_url()).text
        files = linked_files(html)
        assert {f for f in files if f.startswith("/media/renditions/")}, "no renditions linked"
        assert static("img/logo.png") in files  # the publisher's logo in the JSON-LD
        for path in files:
            with self.subTest(path=path):
                response = self.client.get(path)
                assert response.status_code == 200
                assert response["Cache-Control"] == YEAR

    def test_portraits_and_feed_enclosures_answer_200_cached_for_a_year(self):
        html = self.client.get(self.person.get_absolute_url()).text
        portrait = default_storage.url(self.person.photo.renditions("1x1")[0].name)
        assert portrait in html  # the square rendition, not the upload
        feed = feedparser.parse(self.client.get("/rss/").content)
        enclosure = urlsplit(feed.entries[0].enclosures[0].href).path
        assert enclosure.startswith("/media/renditions/")  # the hero's rendition
        for path in [portrait, enclosure]:
            with self.subTest(path=path):
                response = self.client.get(path)
                assert response.status_code == 200
                assert response["Cache-Control"] == YEAR


class MediaViewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.image = make_image()

    def test_the_master_and_head_requests_are_served(self):
        response = self.client.head(self.image.file.url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == YEAR

    def test_only_the_picture_library_is_served(self):
        for name in [
            "documents/4f3c2a.pdf",
            "private-notes.txt",
            "images/2026/01/page.html",
            "images/2026/01/drawing.svg",
            "renditions/1/abc/page.htm",
            "backups/db.jpg",
        ]:
            default_storage.save(name, ContentFile(b"<html>not for readers</html>"))
            with self.subTest(name=name):
                assert self.client.get(f"/media/{name}").status_code == 404

    def test_a_path_that_leaves_the_library_is_refused(self):
        master = self.image.file.name
        for path in [
            f"images/../{master}",
            f"images//{master.removeprefix('images/')}",
            "images/../../manage.py.jpg",
            "images/2026/",
            "renditions/",
        ]:
            with self.subTest(path=path):
                assert self.client.get(f"/media/{path}").status_code == 404

    def test_a_picture_that_is_not_there_is_the_404_page(self):
        assert self.client.get("/media/images/2026/01/0000000000000000.jpg").status_code == 404

    def test_media_is_read_only(self):
        assert self.client.post(self.image.file.url).status_code == 405
