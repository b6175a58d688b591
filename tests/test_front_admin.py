"""The front's admin pages: arrange slots with buttons that need no script, search and add a
story, arrange a future front, preview the front as of any time, see its history and restore."""

from datetime import timedelta

from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from fronts.curating import Entry, arrange
from fronts.models import Banner, Front, FrontVersion
from stories.models import Story
from tests.helpers.accounts import make_user
from tests.helpers.factories import make_public_story, make_section, make_story
from tests.helpers.pictures import TemporaryMedia
from tests.helpers.reader_data import make_image


def url(name, *args):
    return reverse(f"admin:fronts_front_{name}", args=args)


def order(front, at=None):
    version = front.version_at(at)
    return (
        [slot.story.headline for slot in version.slots.select_related("story")] if version else []
    )


@override_settings(PAGE_CACHE_ENABLED=False)
class ArrangeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.home = Front.objects.of()
        cls.a = make_public_story(headline="Alpha story")
        cls.b = make_public_story(headline="Bravo story")
        cls.c = make_public_story(headline="Charlie story")

    def setUp(self):
        self.client.force_login(self.editor)
        arrange(
            self.home,
            [Entry(self.a.pk), Entry(self.b.pk, headline="Bravo on the front")],
            by=self.editor,
        )

    def slots_data(self, **extra):
        version = self.home.version_at()
        slots = list(version.slots.all())
        return {
            "story": [s.story_id for s in slots],
            "headline": [s.headline for s in slots],
            "dek": [s.dek for s in slots],
            "image": [s.image_id or "" for s in slots],
            **extra,
        }

    def test_the_page_shows_the_slots_in_order_with_their_buttons(self):
        page = self.client.get(url("change", self.home.pk)).text
        assert page.index("Alpha story") < page.index("Bravo story")
        assert 'name="up" value="2"' in page
        assert 'name="down" value="1"' in page
        assert 'value="Bravo on the front"' in page

    def test_moving_a_slot_up_saves_a_new_version_with_the_overrides_kept(self):
        response = self.client.post(url("change", self.home.pk), self.slots_data(up="2"))
        assert response.status_code == 302
        assert order(self.home) == ["Bravo story", "Alpha story"]
        assert self.home.version_at().slots.first().headline == "Bravo on the front"
        assert FrontVersion.objects.filter(front=self.home).count() == 2
        assert self.home.version_at().created_by == self.editor

    def test_moving_down_and_removing(self):
        self.client.post(url("change", self.home.pk), self.slots_data(down="1"))
        assert order(self.home) == ["Bravo story", "Alpha story"]
        self.client.post(url("change", self.home.pk), self.slots_data(remove="1"))
        assert order(self.home) == ["Alpha story"]

    def test_a_posted_order_is_saved_as_sent_which_is_what_dragging_sends(self):
        data = self.slots_data(save="Save the slots")
        for name in ("story", "headline", "dek", "image"):
            data[name] = data[name][::-1]
        self.client.post(url("change", self.home.pk), data)
        assert order(self.home) == ["Bravo story", "Alpha story"]

    def test_searching_and_adding_a_story(self):
        page = self.client.get(url("change", self.home.pk), {"q": "charlie"}).text
        assert f'name="add" value="{self.c.pk}"' in page
        self.client.post(url("change", self.home.pk), self.slots_data(add=str(self.c.pk)))
        assert order(self.home) == ["Alpha story", "Bravo story", "Charlie story"]

    def test_the_quick_add_picks_the_chosen_story(self):
        data = self.slots_data(pick=str(self.c.pk), **{"quick-add": "1"})
        self.client.post(url("change", self.home.pk), data)
        assert order(self.home)[-1] == "Charlie story"

    def test_a_future_time_arranges_the_front_for_then(self):
        then = timezone.localtime() + timedelta(days=1)
        at = then.strftime("%Y-%m-%dT%H:%M")
        self.client.post(url("change", self.home.pk) + f"?at={at}", self.slots_data(remove="1"))
        assert order(self.home) == ["Alpha story", "Bravo story"]
        assert order(self.home, then + timedelta(minutes=1)) == ["Bravo story"]
        page = self.client.get(url("change", self.home.pk)).text
        assert "Scheduled changes" in page

    def test_the_preview_shows_the_front_as_of_a_future_time_with_stories_public_then(self):
        soon = timezone.now() + timedelta(hours=3)
        scheduled = make_story(
            headline="Morning exclusive", status=Story.Status.PUBLISHED, published_at=soon
        )
        arrange(self.home, [Entry(scheduled.pk), Entry(self.a.pk)], by=self.editor)
        now_page = self.client.get(url("preview", self.home.pk))
        assert "Morning exclusive" not in now_page.text
        at = timezone.localtime(soon + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
        later = self.client.get(url("preview", self.home.pk), {"at": at})
        assert "Morning exclusive" in later.text
        assert "PREVIEW" in later.text
        assert "no-store" in later["Cache-Control"] or "no-cache" in later["Cache-Control"]
        assert "Morning exclusive" not in self.client.get("/").text

    def test_the_page_says_when_a_slotted_story_is_not_public_yet(self):
        draft = make_story(headline="Held draft")
        arrange(self.home, [Entry(draft.pk)], by=self.editor)
        assert "not public yet" in self.client.get(url("change", self.home.pk)).text

    def test_history_lists_every_version_and_restore_brings_one_back(self):
        first = self.home.version_at()
        self.client.post(url("change", self.home.pk), self.slots_data(remove="1"))
        page = self.client.get(url("history", self.home.pk)).text
        assert "Removed slot 1" in page
        assert "shown now" in page
        response = self.client.post(url("restore", self.home.pk, first.pk))
        assert response.status_code == 302
        assert order(self.home) == ["Alpha story", "Bravo story"]
        assert self.home.version_at().restored_from == first

    def test_bad_input_is_refused_without_an_error_page(self):
        change = url("change", self.home.pk)
        for data in [
            {"story": ["abc"], "headline": [""], "dek": [""], "image": [""]},
            {"story": ["999999"], "headline": [""], "dek": [""], "image": [""]},
            {"story": [str(self.a.pk)], "headline": [], "dek": [""], "image": [""]},
            {"story": [str(self.a.pk)], "headline": ["x" * 301], "dek": [""], "image": [""]},
            {"story": [str(self.a.pk)], "headline": [""], "dek": [""], "image": ["-1"]},
        ]:
            with self.subTest(data=data):
                assert self.client.post(change, data).status_code == 400
        assert self.client.post(change, self.slots_data(add="nope")).status_code == 302
        assert self.client.get(change, {"at": "not a time"}).status_code == 200
        assert self.client.get(change, {"at": "9999-01-01T00:00"}).status_code == 200
        assert self.client.get(url("preview", self.home.pk), {"at": "junk"}).status_code == 200
        assert self.client.get(url("change", 999999)).status_code == 404
        assert self.client.get(url("restore", self.home.pk, 1)).status_code == 400
        assert self.client.post(url("restore", self.home.pk, 999999)).status_code == 404
        assert order(self.home) == ["Alpha story", "Bravo story"]

    def test_the_list_offers_the_home_front_and_one_per_section(self):
        make_section(name="Politics")
        page = self.client.get(reverse("admin:fronts_front_changelist")).text
        assert "Home front" in page
        assert "Politics front" in page


class FrontRoleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = Front.objects.of()
        cls.story = make_public_story(headline="Alpha story")
        cls.version = arrange(cls.home, [Entry(cls.story.pk)], by=make_user("editor", "chief-ed"))

    def test_reporters_see_the_front_and_its_history_but_change_nothing(self):
        self.client.force_login(make_user("reporter"))
        page = self.client.get(url("change", self.home.pk))
        assert page.status_code == 200
        assert "Alpha story" in page.text
        assert 'name="up"' not in page.text and 'name="add"' not in page.text
        assert self.client.get(url("history", self.home.pk)).status_code == 200
        assert self.client.get(url("preview", self.home.pk)).status_code == 200
        data = {"story": [self.story.pk], "headline": [""], "dek": [""], "image": [""]}
        assert self.client.post(url("change", self.home.pk), data).status_code == 403
        assert self.client.post(url("restore", self.home.pk, self.version.pk)).status_code == 403
        banner = {"text": "x", "url": "https://example.org/", "starts_at_0": "2026-01-01"}
        self.client.post(reverse("admin:fronts_banner_add"), banner)
        assert not Banner.objects.exists()
        assert FrontVersion.objects.count() == 1

    def test_staff_without_a_role_and_anonymous_readers_see_nothing(self):
        self.client.force_login(make_user("staff"))
        assert self.client.get(url("change", self.home.pk)).status_code == 403
        assert self.client.get(url("preview", self.home.pk)).status_code == 403
        self.client.logout()
        response = self.client.get(url("preview", self.home.pk))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


@override_settings(PAGE_CACHE_ENABLED=False)
class PictureOverrideTests(TemporaryMedia, TestCase):
    def test_a_slot_shows_the_picture_chosen_for_the_front_and_the_story_keeps_its_own(self):
        editor = make_user("editor")
        own = make_image(alt_text="The story's own picture")
        chosen = make_image(alt_text="A picture for the front")
        story = make_public_story(headline="Illustrated story", hero_image=own)
        home = Front.objects.of()
        arrange(home, [Entry(story.pk)], by=editor)
        self.client.force_login(editor)
        page = self.client.get(url("change", home.pk)).text
        assert 'name="image" id="image-1"' in page
        data = {"story": [story.pk], "headline": [""], "dek": [""], "image": [chosen.pk]}
        assert self.client.post(url("change", home.pk), data).status_code == 302
        assert home.version_at().slots.get().image == chosen
        assert f"selected>{chosen}</option>" in self.client.get(url("change", home.pk)).text
        self.client.logout()
        lead = self.client.get("/").text.split('class="lead-story"')[1].split("</article>")[0]
        assert 'alt="A picture for the front"' in lead
        assert 'fetchpriority="high"' in lead
        story.refresh_from_db()
        assert story.hero_image == own
        assert (
            'alt="The story&#39;s own picture"' in self.client.get(story.get_absolute_url()).text
        )


class PastFrontTests(TestCase):
    def test_a_front_of_the_past_edited_again_is_shown_from_now(self):
        editor = make_user("editor")
        home = Front.objects.of()
        a, b = make_public_story(headline="Alpha story"), make_public_story(headline="Bravo story")
        hour_ago = timezone.now() - timedelta(hours=1)
        arrange(home, [Entry(a.pk), Entry(b.pk)], by=editor, takes_effect_at=hour_ago)
        arrange(home, [Entry(b.pk)], by=editor)
        self.client.force_login(editor)
        at = timezone.localtime(hour_ago + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
        page = self.client.get(url("change", home.pk), {"at": at}).text
        assert "as it stood on" in page and "take effect at once" in page
        data = {"story": [a.pk, b.pk], "headline": ["", ""], "dek": ["", ""], "image": ["", ""]}
        self.client.post(url("change", home.pk) + f"?at={at}", data | {"down": "1"})
        assert order(home) == ["Bravo story", "Alpha story"]
        assert home.version_at().takes_effect_at > hour_ago + timedelta(minutes=30)


class BannerAdminTests(TestCase):
    def post(self, **fields):
        now = timezone.localtime()
        later = now + timedelta(hours=2)
        data = {
            "text": "The commissioner resigns",
            "url": "https://example.org/live",
            "starts_at_0": f"{now:%Y-%m-%d}",
            "starts_at_1": f"{now:%H:%M:%S}",
            "expires_at_0": f"{later:%Y-%m-%d}",
            "expires_at_1": f"{later:%H:%M:%S}",
        }
        return self.client.post(reverse("admin:fronts_banner_add"), data | fields)

    def test_an_editor_publishes_a_banner_and_readers_see_it_at_once(self):
        editor = make_user("editor")
        self.client.force_login(editor)
        assert self.post().status_code == 302
        assert Banner.objects.get().created_by == editor
        self.client.logout()
        assert "The commissioner resigns" in self.client.get("/").text

    def test_a_banner_without_a_link_with_two_or_ending_before_it_starts_is_refused(self):
        self.client.force_login(make_user("editor"))
        story = make_public_story()
        yesterday = timezone.localtime() - timedelta(days=1)
        for fields, error in [
            ({"url": ""}, "Choose the story the banner links to"),
            ({"story": str(story.pk)}, "not both"),
            ({"expires_at_0": f"{yesterday:%Y-%m-%d}"}, "must expire after it starts"),
            ({"url": "javascript:alert(1)"}, "Enter a valid URL"),
        ]:
            with self.subTest(fields=fields):
                response = self.post(**fields)
                assert response.status_code == 200
                assert error in response.text
        assert not Banner.objects.exists()
