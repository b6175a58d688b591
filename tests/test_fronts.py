"""Fronts: the home and section pages as editors arrange them, and the breaking-news banner.

A front shows its slotted stories that are public, in order, the first as the lead, and the
newest public stories below them, never one twice. What a reader sees at a moment is the
version in effect then; a slotted story readers may not see yet leaves its place to the
stream until ``Story.objects.public()`` admits it, on every page and in every cache.
"""

import re
import time
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import RequestFactory, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fronts import banners, curating, reading
from fronts.curating import Entry, arrange, restore
from fronts.models import HOME, Banner, Front, FrontVersion
from stories import workflow
from stories.models import Story
from stories.pagination import paginate
from tests.helpers.accounts import make_user
from tests.helpers.banner import BannerAlreadyRead
from tests.helpers.factories import make_public_story, make_section, make_story
from tests.helpers.pictures import TemporaryMedia
from tests.helpers.reader_data import make_image
from tests.test_page_cache import CachedPages


def headlines(html):
    return re.findall(r'-headline"><a href="[^"]+">([^<]+)</a>', html)


def entries(*stories):
    return [Entry(story.pk) for story in stories]


@override_settings(PAGE_CACHE_ENABLED=False)
class FrontLayoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.section = make_section(name="Money", slug="money")
        now = timezone.now()
        cls.stories = [
            make_public_story(
                section=cls.section,
                headline=f"Story {n}",
                published_at=now - timedelta(minutes=n + 1),
            )
            for n in range(6)
        ]
        cls.home = Front.objects.of()

    def test_a_front_without_slots_leads_with_the_newest_story(self):
        assert headlines(self.client.get("/").text)[0] == "Story 0"

    def test_slotted_stories_come_first_in_their_order_and_the_stream_never_repeats_them(self):
        s = self.stories
        arrange(self.home, entries(s[4], s[2]), by=self.editor)
        shown = headlines(self.client.get("/").text)
        assert shown[:2] == ["Story 4", "Story 2"]
        assert sorted(shown) == sorted(f"Story {n}" for n in range(6))  # each once
        assert shown[2:] == ["Story 0", "Story 1", "Story 3", "Story 5"]

    def test_a_section_front_is_arranged_on_its_own(self):
        s = self.stories
        arrange(Front.objects.of(self.section), entries(s[5]), by=self.editor)
        assert headlines(self.client.get("/section/money/").text)[0] == "Story 5"
        assert headlines(self.client.get("/").text)[0] == "Story 0"

    def test_a_later_page_of_the_stream_leaves_out_the_slotted_stories_too(self):
        arrange(self.home, entries(self.stories[5]), by=self.editor)
        front = reading.front(HOME, timezone.now(), second_page_of_two)
        assert [story.headline for story in front.latest] == ["Story 2", "Story 3"]

    def test_overrides_change_the_front_and_not_the_story(self):
        story = self.stories[3]
        arrange(
            self.home,
            [Entry(story.pk, headline="Front-only headline", dek="Front-only dek")],
            by=self.editor,
        )
        home = self.client.get("/").text
        assert headlines(home)[0] == "Front-only headline"
        assert "Front-only dek" in home
        page = self.client.get(story.get_absolute_url()).text
        assert "Front-only" not in page
        story.refresh_from_db()
        assert story.headline == "Story 3"

    def test_a_story_fills_one_slot_only(self):
        s = self.stories
        version = arrange(self.home, entries(s[1], s[2], s[1]), by=self.editor)
        assert [slot.story_id for slot in version.slots.all()] == [s[1].pk, s[2].pk]

    def test_a_front_version_is_never_changed(self):
        version = arrange(self.home, entries(self.stories[1]), by=self.editor)
        version.note = "edited"
        with self.assertRaises(ValidationError):
            version.save()


def second_page_of_two(rows):
    return paginate(RequestFactory().get("/", {"page": "2"}), rows, per_page=2)


@override_settings(PAGE_CACHE_ENABLED=False)
class ScheduledFrontTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.home = Front.objects.of()
        cls.a = make_public_story(headline="Morning story A")
        cls.b = make_public_story(headline="Morning story B")

    def test_a_scheduled_version_takes_effect_at_its_time_and_not_before(self):
        arrange(self.home, entries(self.a), by=self.editor)
        six = timezone.now() + timedelta(hours=8)
        arrange(self.home, entries(self.b), by=self.editor, takes_effect_at=six)
        assert headlines(self.client.get("/").text)[0] == "Morning story A"
        assert self.home.version_at(six).slots.get().story == self.b
        assert [s.headline for s in reading.slotted(HOME, six)] == ["Morning story B"]
        assert [s.headline for s in reading.slotted(HOME, six - timedelta(seconds=1))] == [
            "Morning story A"
        ]

    def test_history_keeps_every_version_and_restore_adds_one(self):
        first = arrange(self.home, entries(self.a), by=self.editor)
        arrange(self.home, entries(self.b, self.a), by=self.editor)
        restored = restore(first, by=self.editor)
        assert FrontVersion.objects.filter(front=self.home).count() == 3
        assert restored.restored_from == first
        assert restored.created_by == self.editor
        assert [slot.story for slot in restored.slots.all()] == [self.a]
        assert headlines(self.client.get("/").text)[0] == "Morning story A"

    def test_a_scheduled_story_slotted_in_advance_is_invisible_until_its_time(self):
        later = timezone.now() + timedelta(hours=2)
        secret = make_story(
            headline="Canary scheduled lead",
            slug="canary-scheduled-lead",
            dek="Canary scheduled dek",
            status=Story.Status.PUBLISHED,
            published_at=later,
        )
        embargoed = make_public_story(
            headline="Canary embargoed lead",
            slug="canary-embargoed-lead",
            embargo_until=later,
        )
        arrange(
            self.home,
            [Entry(secret.pk, headline="Canary override"), Entry(embargoed.pk), Entry(self.a.pk)],
            by=self.editor,
        )
        arrange(Front.objects.of(secret.section), entries(secret), by=self.editor)
        for url in ["/", secret.section.get_absolute_url(), "/rss/", "/atom/", "/api/stories/"]:
            with self.subTest(url=url):
                text = self.client.get(url).text
                assert "Canary" not in text
                assert "canary-" not in text
        assert headlines(self.client.get("/").text)[0] == "Morning story A"
        assert [s.shown_headline for s in reading.slotted(HOME, later)][:2] == [
            "Canary override",
            "Canary embargoed lead",
        ]


class CachedScheduledSlotTests(CachedPages, TestCase):
    def test_a_slotted_scheduled_story_appears_on_the_cached_front_exactly_at_its_time(self):
        editor = make_user("editor")
        soon = timezone.now() + timedelta(seconds=3)
        scheduled = make_story(
            headline="Canary slotted at three",
            status=Story.Status.PUBLISHED,
            published_at=soon,
        )
        make_public_story(headline="Already out")
        arrange(Front.objects.of(), entries(scheduled), by=editor)
        response = self.get("/")
        assert "Canary slotted" not in response.text
        assert int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0]) <= 3
        self.cache("/")
        assert "Canary slotted" not in self.get("/").text
        time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.1)
        assert headlines(self.fresh("/").text)[0] == "Canary slotted at three"

    def test_arranging_the_front_purges_the_cached_front_and_a_scheduled_one_caps_it(self):
        editor = make_user("editor")
        first, second = make_public_story(headline="First"), make_public_story(headline="Second")
        self.cache("/", first.get_absolute_url())
        arrange(Front.objects.of(), entries(first), by=editor)
        assert headlines(self.fresh("/").text)[0] == "First"
        assert self.get(first.get_absolute_url())["X-Page-Cache"] == "hit"
        soon = timezone.now() + timedelta(seconds=3)
        arrange(Front.objects.of(), entries(second), by=editor, takes_effect_at=soon)
        response = self.fresh("/")
        assert headlines(response.text)[0] == "First"
        assert int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0]) <= 3

    def test_publishing_a_story_slotted_on_another_sections_front_purges_that_front(self):
        editor = make_user("editor")
        money, other = make_section(slug="money"), make_section(slug="other")
        make_public_story(section=money, headline="Money story")
        draft = make_story(section=other, headline="Canary from elsewhere")
        arrange(Front.objects.of(money), entries(draft), by=editor)
        self.cache("/section/money/")
        workflow.publish(draft, by=editor)
        assert headlines(self.fresh("/section/money/").text)[0] == "Canary from elsewhere"


class BannerTests(CachedPages, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.story = make_public_story(headline="Commissioner resigns")

    def banner(self, **fields):
        fields.setdefault("text", "Canary banner: the commissioner resigns")
        fields.setdefault("url", "https://example.org/live")
        fields.setdefault("expires_at", timezone.now() + timedelta(hours=1))
        return curating.save_banner(Banner(**fields), by=self.editor)

    def test_a_live_banner_is_on_every_reader_page_and_publishing_it_purges_them(self):
        pages = ["/", self.story.get_absolute_url(), "/about/"]
        self.cache(*pages)
        self.banner()
        for url in pages:
            with self.subTest(url=url):
                assert "Canary banner" in self.fresh(url).text

    def test_a_banner_is_gone_at_its_expiry_from_cached_pages_too(self):
        soon = timezone.now() + timedelta(seconds=3)
        self.banner(expires_at=soon)
        response = self.get("/")
        assert "Canary banner" in response.text
        assert int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0]) <= 3
        time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.1)
        assert "Canary banner" not in self.fresh("/").text

    def test_a_banner_not_started_or_expired_is_not_shown(self):
        now = timezone.now()
        self.banner(starts_at=now + timedelta(hours=1), expires_at=now + timedelta(hours=2))
        self.banner(starts_at=now - timedelta(hours=2), expires_at=now - timedelta(hours=1))
        assert "Canary banner" not in self.get("/").text

    def test_a_banner_linking_to_a_story_waits_for_the_story_to_be_public(self):
        draft = make_story(headline="Still a draft", slug="still-a-draft")
        self.banner(url="", story=draft)
        assert "Canary banner" not in self.get("/").text
        assert "still-a-draft" not in self.get("/").text
        workflow.publish(draft, by=self.editor)
        home = self.fresh("/").text
        assert "Canary banner" in home
        assert draft.get_absolute_url() in home

    def test_taking_a_banner_down_purges_every_page(self):
        banner = self.banner()
        self.cache("/")
        curating.delete_banner(banner, by=self.editor)
        assert "Canary banner" not in self.fresh("/").text

    def test_the_banner_text_is_escaped(self):
        self.banner(text="<script>alert(1)</script>")
        assert "<script>alert(1)" not in self.get("/").text


class PermissionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.story = make_public_story()

    def test_only_editors_arrange_fronts_and_publish_banners(self):
        front = Front.objects.of()
        banner = Banner(text="Text", url="https://example.org/", expires_at=timezone.now())
        for role in ["staff", "reporter"]:
            user = make_user(role)
            with self.subTest(role=role):
                with self.assertRaises(PermissionDenied):
                    arrange(front, entries(self.story), by=user)
                with self.assertRaises(PermissionDenied):
                    curating.save_banner(banner, by=user)
        for role in ["editor", "superuser"]:
            user = make_user(role)
            with self.subTest(role=role):
                assert arrange(front, entries(self.story), by=user).created_by == user
        assert FrontVersion.objects.count() == 2


@override_settings(PAGE_CACHE_ENABLED=False)
class FrontBudgetTests(BannerAlreadyRead, TemporaryMedia, TestCase):
    def queries(self, url):
        with CaptureQueriesContext(connection) as captured:
            assert self.client.get(url).status_code == 200
        return len(captured)

    def test_a_front_of_30_slots_with_pictures_costs_what_a_front_of_one_does(self):
        editor = make_user("editor")
        section = make_section(slug="budget")
        picture = make_image()
        stories = [
            make_public_story(section=section, hero_image=picture if n % 2 else None)
            for n in range(40)
        ]
        override = make_image(alt_text="Override picture")
        home, front = Front.objects.of(), Front.objects.of(section)
        for target in (home, front):
            arrange(target, entries(stories[0]), by=editor)
        one = {url: self.queries(url) for url in ["/", "/section/budget/"]}
        for target in (home, front):
            arrange(
                target,
                [Entry(story.pk, image_id=override.pk) for story in stories[:30]],
                by=editor,
            )
        thirty = {url: self.queries(url) for url in ["/", "/section/budget/"]}
        assert thirty == one == {"/": 5, "/section/budget/": 5}

    def test_the_banner_is_read_once_for_every_page_not_once_a_page(self):
        curating.save_banner(
            Banner(text="B", url="https://example.org/", expires_at=timezone.now() + timedelta(1)),
            by=make_user("editor"),
        )
        first = self.queries("/ethics/")
        assert banners.live() is not None
        # The banners, and the horizon: the next scheduled story, live update, and front or
        # banner change (a query each, PAGE_CACHE_HORIZON).
        assert self.queries("/ethics/") == first - 4 == 2
