"""Whole public pages are cached, and every change a reader could see purges exactly them.

Each event is checked the way a reader meets it: the page is cached (a second request is
a hit), an editor changes something, and the reader's very next request shows the change.
The same specification runs against local memory and against the real Redis.
"""

import logging
import os
import re
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import SimpleTestCase, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import caching
from caching import store
from caching.labels import MAX_KEYS_PER_MODEL, collecting
from stories import workflow
from stories.models import Byline, Page, Person, PreviewLink, Revision, SlugHistory, Story, Tag
from stories.tagging import merge_tags, undo_merge
from tests.helpers import cache_backends
from tests.helpers.accounts import make_user
from tests.helpers.cache_backends import RecordingLocMemCache
from tests.helpers.factories import (
    add_byline,
    cite,
    make_person,
    make_public_story,
    make_section,
    make_source,
    make_story,
)
from tests.helpers.reader_data import make_image

# A Redis database of its own for each parallel test worker: clearing the cache flushes it.
# They are numbered from TEST_REDIS_DB (9 unless set), so two checkouts' suites can run at once;
# TEST_REDIS_URL names one server and database for a run without workers.
_worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
_database = (int(os.environ.get("TEST_REDIS_DB", "9")) + _worker) % 16
REDIS_URL = os.environ.get("TEST_REDIS_URL", f"redis://127.0.0.1:6379/{_database}")


def redis_available():
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except Exception:
        return False
    return True


def redis_caches(**options):
    """CACHES with the default cache in Redis (the test database, unless LOCATION says)."""
    default = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "newsroom-tests",
    }
    return {"default": {**default, **options}}


needs_redis = pytest.mark.skipif(
    not (redis_available() or os.environ.get("CI")), reason="Redis is not running here"
)


class CachedPages:
    """Requests as an anonymous reader makes them, with what the cache did."""

    def get(self, url, **headers):
        return self.client.get(url, headers=headers)

    def cache(self, *urls):
        """Request each page until it is served from the cache, as a crowd of readers would."""
        for url in urls:
            self.get(url)
            response = self.get(url)
            assert response.get("X-Page-Cache") == "hit", (url, response.status_code)

    def fresh(self, url):
        response = self.get(url)
        assert response.get("X-Page-Cache") != "hit", f"{url} was served stale from the cache"
        return response


class PageCacheTests(CachedPages, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.section = make_section(name="Money", slug="money")
        cls.reporter = make_person(name="Ada Reporter", slug="ada", is_staff_member=True)
        cls.story = make_public_story(
            section=cls.section, headline="Commissioner resigns", slug="commissioner-resigns"
        )
        add_byline(cls.story, cls.reporter)
        cls.story.tags.add("IRS")
        cls.tag = Tag.objects.get(name="IRS")

    def pages_of(self, story):
        day = timezone.localdate(story.published_at)
        return [
            "/",
            story.get_absolute_url(),
            f"/section/{story.section.slug}/",
            "/tag/irs/",
            "/people/ada/",
            f"/{day:%Y}/{day:%m}/{day:%d}/",
            f"/{day:%Y}/",
            "/rss/",
            "/atom/",
            "/rss/full/",
            "/atom/full/",
            "/section/money/rss/",
            "/tag/irs/rss/",
            "/people/ada/atom/",
            "/sitemap.xml",
            "/news-sitemap.xml",
        ]

    def in_story_sitemaps(self, url):
        """Whether any page of the stories sitemap that the index lists holds ``url``."""
        index = self.get("/sitemap.xml").text
        pages = re.findall(r"<loc>[a-z]+://[^/]+(/sitemap-stories[^<]*)</loc>", index)
        return any(url in self.get(page.replace("&amp;", "&")).text for page in pages)

    # --- What is stored, and how it is served ------------------------------------------

    def test_a_cached_page_is_served_without_touching_the_database(self):
        self.get("/")
        with CaptureQueriesContext(connection) as queries:
            response = self.get("/")
        assert response["X-Page-Cache"] == "hit"
        assert len(queries) == 0
        assert "Commissioner resigns" in response.text

    def test_public_responses_tell_shared_caches_how_long_to_keep_them(self):
        response = self.get(self.story.get_absolute_url())
        directives = dict(
            part.partition("=")[::2] for part in response["Cache-Control"].split(", ")
        )
        assert "public" in directives
        assert int(directives["s-maxage"]) == settings.PAGE_CACHE_TTL
        assert directives["max-age"] == str(settings.PAGE_CACHE_BROWSER_MAX_AGE)
        assert directives["stale-while-revalidate"] and directives["stale-if-error"]
        assert response["ETag"] and response["Last-Modified"]
        assert "Accept-Encoding" in response["Vary"]
        keys = response["Surrogate-Key"].split()
        assert response["xkey"] == response["Surrogate-Key"]
        for key in (f"story-{self.story.pk}", f"person-{self.reporter.pk}", f"tag-{self.tag.pk}"):
            assert key in keys, keys
        assert f"section-{self.section.pk}" in keys

    def test_list_pages_are_labelled_with_the_lists_they_show(self):
        expectations = {
            "/": "list-all",
            "/section/money/": f"list-section-{self.section.pk}",
            "/tag/irs/": f"list-tag-{self.tag.pk}",
            "/people/ada/": f"list-person-{self.reporter.pk}",
            "/corrections/": "list-corrections",
            "/sitemap.xml": "list-persons",
            "/tag/irs/atom/": f"list-tag-{self.tag.pk}",
        }
        for url, key in expectations.items():
            with self.subTest(url):
                assert key in self.get(url)["Surrogate-Key"].split()

    def test_a_conditional_request_for_an_unchanged_page_gets_304(self):
        first = self.get("/")
        etag, modified = first["ETag"], first["Last-Modified"]
        assert self.get("/", if_none_match=etag).status_code == 304
        assert self.get("/", if_modified_since=modified).status_code == 304
        self.story.headline = "Commissioner resigns after data deal"
        self.story.save()
        changed = self.get("/", if_none_match=etag)
        assert changed.status_code == 200
        assert changed["ETag"] != etag

    def test_head_requests_are_answered_from_the_cache_without_a_body(self):
        self.get("/")
        response = self.client.head("/")
        assert response.status_code == 200
        assert response["X-Page-Cache"] == "hit"
        assert response.content == b""

    def test_compressed_and_plain_copies_are_kept_apart(self):
        plain = self.get("/")
        gzipped = self.get("/", accept_encoding="gzip")
        assert gzipped["Content-Encoding"] == "gzip"
        assert "Content-Encoding" not in plain
        assert self.get("/")["X-Page-Cache"] == "hit"
        again = self.get("/", accept_encoding="gzip, br")
        assert again["X-Page-Cache"] == "hit" and again["Content-Encoding"] == "gzip"
        assert len(gzipped.content) < len(plain.content) * 0.6

    def test_the_page_cache_can_be_switched_off(self):
        with override_settings(PAGE_CACHE_ENABLED=False):
            self.get("/")
            assert self.get("/").get("X-Page-Cache") is None

    # --- What is never stored or shared ------------------------------------------------

    def test_staff_with_a_session_never_get_a_cached_page(self):
        self.cache("/")
        self.client.force_login(self.editor)
        response = self.get("/")
        assert response.get("X-Page-Cache") is None
        assert response["Cache-Control"] == "private, no-store"

    def test_a_staff_request_is_never_stored_for_readers(self):
        self.client.force_login(self.editor)
        self.get(self.story.get_absolute_url())
        self.client.logout()
        assert self.get(self.story.get_absolute_url())["X-Page-Cache"] == "miss"

    def test_previews_and_share_links_are_never_cached(self):
        draft = make_story(section=self.section, headline="Secret draft", slug="secret-draft")
        link = PreviewLink.objects.create(story=draft, created_by=self.editor)
        for _ in range(2):
            response = self.get(link.get_absolute_url())
            assert response.status_code == 200
            assert response.get("X-Page-Cache") is None
            assert "no-store" in response["Cache-Control"]
            assert "private" in response["Cache-Control"]
        self.client.force_login(self.editor)
        preview = self.client.get(f"/admin/stories/story/{draft.pk}/preview/")
        assert "no-store" in preview["Cache-Control"]

    def test_the_admin_is_private(self):
        response = self.get("/admin/login/")
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]

    def test_errors_are_not_stored(self):
        for _ in range(2):
            response = self.get("/2026/01/01/no-such-story/")
            assert response.status_code == 404
            assert response.get("X-Page-Cache") is None
        assert "no-cache" in response["Cache-Control"]

    def test_a_response_that_sets_a_cookie_is_never_stored(self):
        with override_settings(ROOT_URLCONF="tests.helpers.cookie_urls"):
            for _ in range(2):
                response = self.get("/sets-a-cookie/")
                assert response.cookies
                assert response.get("X-Page-Cache") is None
                assert response["Cache-Control"] == "private, no-store"

    # --- Every change readers could see purges what shows it ---------------------------

    def test_publishing_a_story_shows_it_everywhere_at_once(self):
        draft = make_story(section=self.section, headline="Acting commissioner named")
        add_byline(draft, self.reporter)
        draft.tags.add("IRS")
        self.cache(*self.pages_of(self.story))
        workflow.publish(draft, by=self.editor)
        draft.refresh_from_db()
        for url in self.pages_of(draft):
            with self.subTest(url):
                assert "Acting commissioner named" in self.fresh(url).text or url.endswith(
                    ".xml"
                ), url
        assert self.in_story_sitemaps(draft.get_absolute_url())

    def test_an_edit_to_a_live_story_is_on_the_next_request(self):
        self.cache(*self.pages_of(self.story))
        self.story.headline = "Commissioner quits over data deal"
        workflow.save_story(self.story, by=self.editor)
        for url in self.pages_of(self.story)[:-2]:
            with self.subTest(url):
                assert "Commissioner quits over data deal" in self.fresh(url).text

    def test_a_correction_appears_on_the_story_the_corrections_page_and_feeds(self):
        urls = [self.story.get_absolute_url(), "/corrections/", "/corrections/rss/", "/rss/"]
        self.cache(*urls)
        workflow.add_correction(
            self.story, by=self.editor, kind="correction", text="We misdated the letter."
        )
        for url in urls[:3]:
            with self.subTest(url):
                assert "We misdated the letter." in self.fresh(url).text
        assert self.fresh("/rss/").status_code == 200

    def test_unpublishing_removes_the_story_from_every_page_feed_and_sitemap(self):
        pages = self.pages_of(self.story)
        self.cache(*pages)
        workflow.unpublish(self.story, by=self.editor)
        assert self.fresh(self.story.get_absolute_url()).status_code == 404
        for url in ["/", "/section/money/", "/rss/", "/section/money/rss/", "/atom/"]:
            with self.subTest(url):
                assert "Commissioner resigns" not in self.fresh(url).text
        assert not self.in_story_sitemaps(self.story.get_absolute_url())
        for url in ["/tag/irs/", "/people/ada/"]:
            assert "Commissioner resigns" not in self.fresh(url).text

    def test_retracting_a_story_leaves_its_notice_and_takes_it_out_of_every_list(self):
        pages = self.pages_of(self.story)
        self.cache(*pages, "/corrections/", "/corrections/rss/")
        workflow.retract(self.story, by=self.editor, text="The letter we quoted was forged.")
        notice = self.fresh(self.story.get_absolute_url())
        assert notice.status_code == 200
        assert "This story has been retracted" in notice.text
        for url in ["/", "/section/money/", "/rss/", "/atom/", "/tag/irs/", "/people/ada/"]:
            with self.subTest(url):
                assert "Commissioner resigns" not in self.fresh(url).text
        assert not self.in_story_sitemaps(self.story.get_absolute_url())
        for url in ["/corrections/", "/corrections/rss/"]:
            with self.subTest(url):
                assert "The letter we quoted was forged." in self.fresh(url).text

    def test_deleting_a_story_removes_it(self):
        self.cache("/", self.story.get_absolute_url(), "/rss/")
        self.story.delete()
        assert self.fresh(self.story.get_absolute_url()).status_code == 404
        assert "Commissioner resigns" not in self.fresh("/").text
        assert "Commissioner resigns" not in self.fresh("/rss/").text

    def test_a_byline_change_and_a_renamed_person_show_on_the_story_and_lists(self):
        self.cache("/", self.story.get_absolute_url(), "/people/ada/")
        self.reporter.name = "Ada Lovelace-Reporter"
        self.reporter.save()
        for url in ["/", self.story.get_absolute_url(), "/people/ada/"]:
            with self.subTest(url):
                assert "Ada Lovelace-Reporter" in self.fresh(url).text
        other = make_person(name="Second Writer", slug="second", is_staff_member=True)
        self.cache(self.story.get_absolute_url())
        add_byline(self.story, other)
        assert "Second Writer" in self.fresh(self.story.get_absolute_url()).text

    def test_a_renamed_section_is_renamed_in_every_page_navigation(self):
        self.cache("/", self.story.get_absolute_url(), "/about/")
        self.section.name = "Money and Power"
        self.section.save()
        for url in ["/", self.story.get_absolute_url(), "/about/"]:
            with self.subTest(url):
                assert "Money and Power" in self.fresh(url).text

    def test_a_section_enters_every_navigation_with_its_first_public_story(self):
        science = make_section(name="Science desk", slug="science")
        draft = make_story(section=science, headline="Lab results")
        pages = ["/", self.story.get_absolute_url(), "/about/", "/sitemap-sections.xml"]
        self.cache(*pages)
        workflow.publish(draft, by=self.editor)
        for url in pages:
            with self.subTest(url):
                assert "/section/science/" in self.fresh(url).text

    def test_a_section_leaves_every_navigation_with_its_last_public_story(self):
        science = make_section(name="Science desk", slug="science")
        story = make_public_story(section=science, headline="Lab results")
        pages = ["/", self.story.get_absolute_url(), "/about/", "/sitemap-sections.xml"]
        self.cache(*pages, "/section/science/")
        workflow.unpublish(story, by=self.editor)
        for url in pages:
            with self.subTest(url):
                assert "/section/science/" not in self.fresh(url).text
        assert self.fresh("/section/science/").status_code == 404

    def test_moving_a_sections_last_live_story_away_takes_it_out_of_the_navigation(self):
        science = make_section(name="Science desk", slug="science")
        story = make_public_story(section=science, headline="Lab results")
        self.cache("/", self.story.get_absolute_url())
        story.section = self.section
        workflow.save_story(story, by=self.editor)
        for url in ["/", self.story.get_absolute_url()]:
            with self.subTest(url):
                assert "/section/science/" not in self.fresh(url).text

    def test_an_edited_picture_shows_its_new_description(self):
        image = make_image(alt_text="The Treasury building")
        self.story.hero_image = image
        self.story.save()
        self.cache(self.story.get_absolute_url(), "/")
        image.alt_text = "The Treasury building at dawn"
        image.save()
        for url in [self.story.get_absolute_url(), "/"]:
            with self.subTest(url):
                assert "The Treasury building at dawn" in self.fresh(url).text

    def test_a_body_edit_and_an_edited_inline_picture_show_in_the_full_text_feeds(self):
        image = make_image(alt_text="The Treasury building")
        self.story.body = (
            f'<p>First text.</p><figure class="figure"><img src="{image.file.url}" '
            f'data-file="{image.pk}"></figure>'
        )
        workflow.save_story(self.story, by=self.editor)
        feeds = ["/rss/full/", "/atom/full/"]
        self.cache(*feeds)
        self.story.body = self.story.body.replace("First text.", "Second text.")
        workflow.save_story(self.story, by=self.editor)
        for url in feeds:
            with self.subTest(url):
                assert "Second text." in self.fresh(url).text
        self.cache(*feeds)
        image.alt_text = "The Treasury building at dawn"
        image.save()
        for url in feeds:
            with self.subTest(url):
                assert "The Treasury building at dawn" in self.fresh(url).text

    def test_an_edited_standing_page_shows_at_once(self):
        self.cache("/about/")
        page = Page.objects.get(slug="about")
        page.body = "<p>We are owned by our readers.</p>"
        page.save()
        assert "We are owned by our readers." in self.fresh("/about/").text

    def test_a_renamed_tag_is_renamed_on_its_stories_and_its_old_address_redirects(self):
        self.cache(self.story.get_absolute_url(), "/tag/irs/")
        self.tag.name, self.tag.slug = "Internal Revenue Service", "internal-revenue-service"
        self.tag.save()
        assert "Internal Revenue Service" in self.fresh(self.story.get_absolute_url()).text
        old = self.fresh("/tag/irs/")
        assert old.status_code == 301
        assert old["Location"].endswith("/tag/internal-revenue-service/")

    def test_merging_tags_and_undoing_the_merge_update_the_tag_pages(self):
        other = make_public_story(section=self.section, headline="Data deal explained")
        other.tags.add("I.R.S.")
        dotted = Tag.objects.get(name="I.R.S.").get_absolute_url()
        self.cache("/tag/irs/", "/tag/irs/rss/", dotted, other.get_absolute_url())
        merge = merge_tags([Tag.objects.get(name="I.R.S.")], self.tag, by=self.editor)
        assert "Data deal explained" in self.fresh("/tag/irs/").text
        assert "Data deal explained" in self.fresh("/tag/irs/rss/").text
        assert self.fresh(dotted).status_code == 301
        assert ">IRS<" in self.fresh(other.get_absolute_url()).text
        self.cache("/tag/irs/", other.get_absolute_url())
        undo_merge(merge, by=self.editor)
        assert "Data deal explained" not in self.fresh("/tag/irs/").text
        assert "I.R.S." in self.fresh(other.get_absolute_url()).text

    def test_deleting_a_tag_removes_it_from_its_stories(self):
        self.cache(self.story.get_absolute_url(), "/tag/irs/")
        self.tag.delete()
        assert "/tag/irs/" not in self.fresh(self.story.get_absolute_url()).text
        assert self.fresh("/tag/irs/").status_code == 404

    def test_a_new_slug_moves_the_story_and_its_old_address_redirects(self):
        old_url = self.story.get_absolute_url()
        self.cache(old_url, "/")
        self.story.slug = "commissioner-quits"
        workflow.save_story(self.story, by=self.editor)
        assert SlugHistory.objects.filter(slug="commissioner-resigns").exists()
        moved = self.fresh(old_url)
        assert moved.status_code == 301
        assert moved["Location"] == self.story.get_absolute_url()
        assert self.story.get_absolute_url() in self.fresh("/").text
        # The redirect itself is cached, and purged when the slug moves on again.
        self.cache(old_url)
        self.story.slug = "commissioner-leaves"
        self.story.save()
        assert self.fresh(old_url)["Location"].endswith("/commissioner-leaves/")

    def test_restoring_a_revision_shows_the_restored_text(self):
        Revision.record(self.story, self.editor, summary="First")
        first = Revision.objects.filter(story=self.story).latest("created_at")
        self.story.headline = "A later headline"
        self.story.save()
        self.cache(self.story.get_absolute_url())
        workflow.restore(first, by=self.editor)
        assert "Commissioner resigns" in self.fresh(self.story.get_absolute_url()).text

    def test_a_related_story_appears_on_both_pages(self):
        other = make_public_story(section=self.section, headline="What the data deal does")
        self.cache(self.story.get_absolute_url(), other.get_absolute_url())
        self.story.related_stories.add(other)
        assert "What the data deal does" in self.fresh(self.story.get_absolute_url()).text
        assert "Commissioner resigns" in self.fresh(other.get_absolute_url()).text

    def test_a_draft_edit_purges_nothing_readers_see(self):
        draft = make_story(section=self.section, headline="Quiet draft")
        self.cache("/", self.story.get_absolute_url())
        draft.headline = "Still a quiet draft"
        draft.save()
        assert self.get("/")["X-Page-Cache"] == "hit"
        assert self.get(self.story.get_absolute_url())["X-Page-Cache"] == "hit"

    # --- Scheduled visibility ----------------------------------------------------------

    def test_no_page_is_kept_past_the_next_scheduled_publish(self):
        soon = timezone.now() + timedelta(seconds=3)
        scheduled = make_story(
            section=self.section,
            headline="Scheduled resignation letter",
            status=Story.Status.PUBLISHED,
            published_at=soon,
        )
        response = self.get("/")
        assert "Scheduled resignation letter" not in response.text
        assert "stale-while-revalidate" not in response["Cache-Control"]
        assert int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0]) <= 3
        assert self.get("/")["X-Page-Cache"] == "hit"
        time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.1)
        assert "Scheduled resignation letter" in self.fresh("/").text
        assert self.fresh(scheduled.get_absolute_url()).status_code == 200

    def test_scheduling_a_story_caps_pages_cached_before_it(self):
        self.cache("/", "/rss/")
        soon = timezone.now() + timedelta(seconds=3)
        draft = make_story(section=self.section, headline="Set for the morning", published_at=soon)
        workflow.publish(draft, by=self.editor)
        for url in ["/", "/rss/"]:
            response = self.fresh(url)
            assert "Set for the morning" not in response.text
            assert int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0]) <= 3
        self.cache("/", "/rss/")
        time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.1)
        for url in ["/", "/rss/"]:
            assert "Set for the morning" in self.fresh(url).text

    def test_an_embargo_lifting_on_time_and_by_hand(self):
        soon = timezone.now() + timedelta(seconds=3)
        held = make_public_story(
            section=self.section, headline="Embargoed audit", embargo_until=soon
        )
        later = make_public_story(
            section=self.section,
            headline="Second embargoed audit",
            embargo_until=timezone.now() + timedelta(days=1),
        )
        self.cache("/", "/rss/")
        time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.1)
        assert "Embargoed audit" in self.fresh("/").text
        self.cache("/")
        workflow.lift_embargo(later, by=self.editor)
        assert "Second embargoed audit" in self.fresh("/").text
        assert held.pk != later.pk

    # --- Coherence and failure ---------------------------------------------------------

    def test_a_purge_is_seen_by_every_process(self):
        self.cache(self.story.get_absolute_url())
        keys = [f"story-{self.story.pk}"]
        if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
            # Another process (a worker, a management command) purges through Redis.
            cache = settings.CACHES["default"]
            env = {
                **os.environ,
                "REDIS_URL": cache["LOCATION"],
                "CACHE_KEY_PREFIX": cache["KEY_PREFIX"],
            }
            env.setdefault("DEBUG", "1")
            code = f"import django; django.setup(); import caching; caching.purge({keys!r})"
            env["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
            subprocess.run([sys.executable, "-c", code], check=True, env=env)
        else:
            caching.purge(keys)
        assert self.get(self.story.get_absolute_url())["X-Page-Cache"] == "miss"

    def test_a_page_rendered_before_a_purge_is_not_kept(self):
        """A render that read the old data, then stored its copy after the purge, is stale."""
        began = store.generation()
        label = f"story-{self.story.pk}"
        caching.purge([label])  # the editor's commit lands mid-render
        entry = (time.time() + 60, 200, True, (), b"old")
        assert not store.put("racing", entry, [label], began)
        assert store.get("racing") is None
        assert store.put("after", entry, [label], store.generation())
        assert store.get("after") is not None


@needs_redis
@override_settings(CACHES=redis_caches())
class RedisPageCacheTests(PageCacheTests):
    """The same specification, with the page cache in the real Redis all workers share."""


class UnreachableCacheTests(CachedPages, TestCase):
    @override_settings(
        CACHES=redis_caches(
            LOCATION="redis://127.0.0.1:1/0", OPTIONS={"socket_connect_timeout": 0.2}
        )
    )
    def test_the_site_keeps_serving_uncached_and_says_so_once(self):
        make_public_story(headline="Still readable")
        editor = make_user("editor")
        self.addCleanup(store.backend.__init__)
        store.backend.__init__()
        with self.assertLogs("caching.store", logging.WARNING) as logged:
            for _ in range(5):
                response = self.get("/")
                assert response.status_code == 200
                assert "Still readable" in response.text
            story = make_public_story(headline="Published during the outage")
            workflow.unpublish(story, by=editor)
        failures = [r for r in logged.records if "unreachable" in r.getMessage()]
        assert len(failures) == 1
        assert store.backend._purge_lost


class SourceLabelTests(CachedPages, TestCase):
    def test_no_label_tells_readers_two_stories_share_an_anonymous_source(self):
        source = make_source(name="Deep Throat")
        first, second = make_public_story(), make_public_story()
        for story in (first, second):
            cite(story, source, is_anonymous=True, public_description="an official")
        keys = [
            set(self.get(s.get_absolute_url())["Surrogate-Key"].split()) for s in (first, second)
        ]
        shared = keys[0] & keys[1]
        assert not [key for key in shared if key.startswith("source")], shared
        assert f"story-{first.pk}" not in keys[1]

    def test_renaming_a_named_source_purges_the_stories_that_name_it(self):
        source = make_source(name="Public Records Office")
        story = make_public_story()
        cite(story, source)
        self.cache(story.get_absolute_url())
        source.name = "National Archives"
        source.save()
        assert "National Archives" in self.fresh(story.get_absolute_url()).text


@override_settings(
    CACHES={"default": {"BACKEND": "tests.helpers.cache_backends.RecordingLocMemCache"}}
)
class HitAndPurgeTests(CachedPages, TestCase):
    """What a hit and a purge ask of the cache, counted on the real backend."""

    ONE_READ = ["get"]

    @classmethod
    def setUpTestData(cls):
        cls.story = make_public_story(headline="Commissioner resigns")
        cls.other = make_public_story(headline="Budget passes")

    def test_a_hit_is_one_read_of_the_cache_and_nothing_else(self):
        for url in ["/", self.story.get_absolute_url(), "/rss/", "/sitemap.xml", "/robots.txt"]:
            with self.subTest(url):
                self.get(url, accept_encoding="gzip")
                with cache_backends.recording() as operations:
                    response = self.get(url, accept_encoding="gzip")
                assert response["X-Page-Cache"] == "hit"
                assert operations == self.ONE_READ

    def test_a_purge_deletes_the_entries_of_exactly_the_purged_labels(self):
        began = store.generation()
        entry = (time.time() + 60, 200, True, (), b"a page")
        labelled = {
            "story": ["story-1"],
            "other-story": ["story-2"],
            "story-in-a-list": ["story-1", "list-all"],
            "list": ["list-all"],
        }
        for key, labels in labelled.items():
            assert store.put(key, entry, labels, began)
        caching.purge(["story-1"])
        assert [key for key in labelled if store.get(key)] == ["other-story", "list"]

    def test_editing_a_story_leaves_the_pages_that_do_not_show_it_cached(self):
        self.cache(self.story.get_absolute_url(), self.other.get_absolute_url(), "/")
        self.story.headline = "Commissioner resigns after all"
        self.story.save()
        assert self.get(self.other.get_absolute_url())["X-Page-Cache"] == "hit"
        assert "after all" in self.fresh(self.story.get_absolute_url()).text
        assert "after all" in self.fresh("/").text


@needs_redis
@override_settings(
    CACHES=redis_caches(OPTIONS={"connection_class": cache_backends.RecordingConnection})
)
class RedisHitAndPurgeTests(HitAndPurgeTests):
    """The same, counting the commands sent to the real Redis."""

    ONE_READ = ["GET"]


@override_settings(
    CACHES={"default": {"BACKEND": "tests.helpers.cache_backends.RecordingLocMemCache"}},
    PAGE_CACHE_RETRY_AFTER=0,
)
class PurgeRaceAndOutageTests(CachedPages, TestCase):
    def setUp(self):
        store.backend.__init__()
        self.addCleanup(store.backend.__init__)
        self.addCleanup(setattr, RecordingLocMemCache, "unreachable", False)
        self.addCleanup(RecordingLocMemCache.before.clear)

    def test_a_purge_landing_at_any_step_of_a_store_leaves_no_stale_entry(self):
        entry = (time.time() + 60, 200, True, (), b"rendered from the old data")
        for step in ("set", "get_many"):
            with self.subTest(f"purged just before the store's {step}"):
                began = store.generation()
                RecordingLocMemCache.before[step] = lambda: caching.purge(["story-1"])
                store.put(step, entry, ["story-1"], began)
                assert not RecordingLocMemCache.before, "the purge did not run"
                assert store.get(step) is None

    def test_a_purge_lost_during_an_outage_empties_the_page_cache_when_it_is_back(self):
        story, other = make_public_story(), make_public_story()
        self.cache(story.get_absolute_url(), other.get_absolute_url(), "/rss/")
        RecordingLocMemCache.unreachable = True
        with self.assertLogs("caching.store", logging.ERROR):
            assert self.get(story.get_absolute_url())["X-Page-Cache"] == "miss"
            caching.purge([f"story-{story.pk}"])
        RecordingLocMemCache.unreachable = False
        with self.assertLogs("caching.store", logging.WARNING) as logged:
            for url in (other.get_absolute_url(), "/rss/", story.get_absolute_url()):
                assert self.get(url)["X-Page-Cache"] == "miss", url
        assert any("deleted every cached page" in r.getMessage() for r in logged.records)
        self.cache(story.get_absolute_url(), other.get_absolute_url())


class RowLabelTests(SimpleTestCase):
    """What a response reads as rows labels it as loading the instances would."""

    def labels(self, load):
        with collecting() as collected:
            load()
        return collected.all()

    def test_rows_label_a_response_like_the_instances_they_stand_for(self):
        for count in (3, MAX_KEYS_PER_MODEL, MAX_KEYS_PER_MODEL + 1):
            pks = range(1, count + 1)
            with self.subTest(count=count):
                loaded = self.labels(lambda pks=pks: [Person(pk=pk) for pk in pks])
                assert self.labels(lambda pks=pks: caching.label_rows(Person, pks)) == loaded
        assert self.labels(lambda: caching.label_rows(Person, [4, 4, None])) == {"person-4"}

    def test_rows_of_a_model_that_labels_no_page_label_nothing(self):
        assert self.labels(lambda: caching.label_rows(Byline, [1, 2])) == set()

    def test_rows_outside_a_response_label_nothing(self):
        caching.label_rows(Person, [1])  # no response is being built: nothing to do
