"""Live coverage: a story carrying timestamped updates that reporters file and readers follow."""

import json
import re
from datetime import timedelta

import feedparser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from caching.middleware import horizon
from live import workflow
from live.models import LiveCoverage, LiveUpdate
from stories.models import Story
from stories.models.versions import VersionConflict
from stories.structured_data import iso
from tests.helpers.accounts import make_user, story_post_data
from tests.helpers.banner import BannerAlreadyRead
from tests.helpers.factories import make_person, make_public_story, make_story
from tests.helpers.live import add_update, hidden_updates, make_live_story
from tests.helpers.tasks import DATABASE, run_queued_tasks

CANARY = "Qlivecanary"
Status = LiveUpdate.Status


def json_ld(page):
    """The page's JSON-LD, besides its breadcrumb trail."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    [data] = [d for d in map(json.loads, blocks) if d["@type"] != "BreadcrumbList"]
    return data


def channels(story):
    """Every address through which a reader gets a live story's updates."""
    return [
        story.get_absolute_url(),
        reverse("live:updates", kwargs={"story": story.pk}),
        reverse("live:rss", kwargs={"story": story.pk}),
        reverse("live:atom", kwargs={"story": story.pk}),
        "/sitemap-stories.xml",
    ]


class VisibilityTests(TestCase):
    """One rule, ``LiveUpdate.objects.public()``, and every channel goes through it."""

    @classmethod
    def setUpTestData(cls):
        cls.story = make_live_story(make_public_story(headline="Commissioner resigns"))
        cls.author = make_person(name="Ada Reporter")
        cls.public = add_update(cls.story, headline="Letter released", authors=[cls.author])
        cls.hidden = hidden_updates(cls.story, canary=CANARY)
        # A published update of a story readers cannot see is not public either.
        cls.draft_story = make_live_story(make_story(headline=f"{CANARY} draft story"))
        cls.of_draft_story = add_update(cls.draft_story, headline=f"{CANARY} of a draft story")

    def test_only_published_updates_whose_time_came_and_story_is_public_are_public(self):
        assert list(LiveUpdate.objects.public()) == [self.public]

    def test_a_hidden_update_reaches_no_channel(self):
        for path in channels(self.story):
            with self.subTest(path=path):
                response = self.client.get(path)
                assert response.status_code == 200
                assert CANARY not in response.content.decode()

    def test_a_hidden_update_reaches_no_channel_from_the_cache_either(self):
        for path in channels(self.story):
            self.client.get(path)
        for path in channels(self.story):
            with self.subTest(path=path):
                response = self.client.get(path)
                assert response["X-Page-Cache"] == "hit"
                assert CANARY not in response.content.decode()

    def test_searching_for_a_hidden_update_finds_nothing(self):
        page = self.client.get(f"/search/?q={CANARY}").content.decode()
        assert self.story.get_absolute_url() not in page
        assert "update body" not in page

    def test_the_public_update_reaches_every_channel_of_updates(self):
        for path in channels(self.story)[:4]:
            with self.subTest(path=path):
                assert "Letter released" in self.client.get(path).content.decode()

    def test_the_updates_of_a_story_readers_cannot_see_are_not_found(self):
        for path in channels(self.draft_story)[1:4]:
            with self.subTest(path=path):
                assert self.client.get(path).status_code == 404

    def test_ids_no_database_holds_are_not_found(self):
        for path in ["/live/99999999999999999999999/updates/", "/live/0/rss/", "/live/x/atom/"]:
            with self.subTest(path=path):
                assert self.client.get(path).status_code == 404

    def test_a_story_that_is_not_live_has_no_updates_addresses(self):
        story = make_public_story()
        assert self.client.get(f"/live/{story.pk}/updates/").status_code == 404
        assert self.client.get(f"/live/{story.pk}/rss/").status_code == 404

    def test_a_scheduled_update_bounds_how_long_responses_are_cached(self):
        scheduled = self.hidden["scheduled"].published_at
        assert horizon() <= scheduled.timestamp()
        response = self.client.get(self.story.get_absolute_url())
        max_age = int(re.search(r"s-maxage=(\d+)", response["Cache-Control"])[1])
        assert max_age <= (scheduled - timezone.now()).total_seconds() + 1

    def test_a_scheduled_update_appears_at_its_time(self):
        later = self.hidden["scheduled"].published_at + timedelta(seconds=1)
        assert self.hidden["scheduled"] in LiveUpdate.objects.public(later)
        assert self.hidden["embargoed"] not in LiveUpdate.objects.public(later)

    def test_the_embargo_of_an_update_lifts_at_its_time(self):
        lifted = self.hidden["embargoed"].embargo_until + timedelta(seconds=1)
        assert self.hidden["embargoed"] in LiveUpdate.objects.public(lifted)


class ReaderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.story = make_live_story(
            summary="<p>The commissioner <b>resigned</b>.</p><script>x</script>"
        )
        cls.editor = make_user("editor")
        cls.author = make_person(name="Ada Reporter", slug="ada")
        base = timezone.now() - timedelta(minutes=50)
        cls.updates = [
            add_update(
                cls.story,
                headline=f"Update number {n}",
                published_at=base + timedelta(minutes=n),
                authors=[cls.author],
            )
            for n in range(45)
        ]
        workflow.mark_key_event(cls.updates[3], by=cls.editor)
        workflow.pin(cls.updates[10], by=cls.editor)

    def page(self, query=""):
        response = self.client.get(self.story.get_absolute_url() + query)
        assert response.status_code == 200
        return response.content.decode()

    def test_a_live_story_shows_the_live_label_summary_key_events_and_pinned_update(self):
        page = self.page()
        assert '<span class="live-label">Live</span>' in page
        assert "What we know" in page and "<b>resigned</b>" in page
        assert "<script>x" not in page
        key_events = page[
            page.index("Key events") : page.index("</nav>", page.index("Key events"))
        ]
        assert "Update number 3" in key_events and "Update number 4" not in key_events
        pinned = page.index('class="live-update pinned')
        assert page.index(f'id="update-{self.updates[10].pk}"') == page.rindex(
            f'id="update-{self.updates[10].pk}"'
        )
        assert pinned < page.index(f'id="update-{self.updates[44].pk}"')

    def test_updates_are_articles_newest_first_with_time_author_and_permalink(self):
        page = self.page()
        first, second = self.updates[44], self.updates[43]
        assert page.index(f'id="update-{first.pk}"') < page.index(f'id="update-{second.pk}"')
        article = page[page.index(f'id="update-{first.pk}"') :]
        article = article[: article.index("</article>")]
        assert (
            f'href="{self.story.get_absolute_url()}?update={first.pk}#update-{first.pk}"'
            in article
        )
        assert "<time datetime=" in article and 'href="/people/ada/"' in article

    def test_the_newsroom_may_show_the_oldest_first(self):
        LiveCoverage.objects.filter(story=self.story).update(order=LiveCoverage.Order.OLDEST_FIRST)
        page = self.page()
        assert page.index(f'id="update-{self.updates[0].pk}"') < page.index(
            f'id="update-{self.updates[1].pk}"'
        )

    def test_long_streams_are_paged_without_javascript(self):
        page = self.page()
        assert 'href="?page=2#live-stream-heading" rel="next"' in page
        assert f'id="update-{self.updates[5].pk}"' not in page
        second = self.page("?page=2")
        assert f'id="update-{self.updates[20].pk}"' in second
        assert f'id="update-{self.updates[44].pk}"' not in second
        third = self.page("?page=3")
        assert f'id="update-{self.updates[0].pk}"' in third

    def test_a_permalink_opens_the_page_holding_the_update(self):
        oldest = self.updates[0]
        assert f'id="update-{oldest.pk}"' in self.page(f"?update={oldest.pk}")
        pinned = self.updates[10]
        assert f'id="update-{pinned.pk}"' in self.page(f"?update={pinned.pk}")

    def test_bad_page_and_update_numbers_are_not_found(self):
        url = self.story.get_absolute_url()
        for query in [
            "?page=99",
            "?update=abc",
            "?update=99999999",
            "?update=99999999999999999999999",
        ]:
            with self.subTest(query=query):
                assert self.client.get(url + query).status_code == 404
        hidden = add_update(self.story, status=Status.DRAFT)
        assert self.client.get(f"{url}?update={hidden.pk}").status_code == 404

    def test_the_page_has_a_self_hosted_polling_script_and_a_polite_announcer(self):
        page = self.page()
        assert re.search(r'<script src="/static/live/live-updates[^"]*\.js" defer></script>', page)
        assert 'role="status" aria-live="polite"' in page
        assert f'data-live-updates="/live/{self.story.pk}/updates/"' in page

    def test_the_polling_fragment_holds_the_newest_updates_as_html(self):
        response = self.client.get(f"/live/{self.story.pk}/updates/")
        data = response.json()
        assert [u["id"] for u in data["updates"][:2]] == [self.updates[44].pk, self.updates[43].pk]
        assert data["updates"][0]["html"].startswith("<article")
        assert data["closed"] is False
        assert "public" in response["Cache-Control"]

    def test_json_ld_is_a_live_blog_posting_with_its_updates(self):
        data = json_ld(self.page())
        assert data["@type"] == "LiveBlogPosting"
        assert data["coverageStartTime"]
        assert "coverageEndTime" not in data
        updates = data["liveBlogUpdate"]
        assert updates[0]["headline"] == "Update number 10"  # the pinned one
        assert updates[1]["headline"] == "Update number 44"
        assert updates[1]["author"][0]["name"] == "Ada Reporter"
        assert updates[1]["url"].endswith(f"#update-{self.updates[44].pk}")

    def test_date_modified_follows_the_latest_update(self):
        latest = timezone.localtime(self.updates[44].published_at)
        data = json_ld(self.page())
        assert data["dateModified"] == latest.isoformat(timespec="seconds")

    def test_closed_coverage_stays_online_as_a_finished_story(self):
        workflow.close_coverage(self.story, by=self.editor)
        page = self.page()
        assert '<span class="live-label">Live</span>' not in page
        assert "This live coverage ended" in page
        assert "coverageEndTime" in json_ld(page)
        assert self.client.get(f"/live/{self.story.pk}/updates/").json()["closed"] is True

    def test_feeds_of_updates_are_valid_rss_and_atom(self):
        for name in ("live:rss", "live:atom"):
            with self.subTest(feed=name):
                response = self.client.get(reverse(name, kwargs={"story": self.story.pk}))
                feed = feedparser.parse(response.content)
                assert feed.bozo == 0, feed.bozo_exception
                assert len(feed.entries) == 45
                assert feed.entries[0].title == "Update number 44"
                assert feed.entries[0].link.endswith(f"#update-{self.updates[44].pk}")
                assert feed.entries[0].author == "Ada Reporter"

    def test_the_story_page_links_the_feeds_of_updates(self):
        page = self.page()
        assert f'href="/live/{self.story.pk}/rss/"' in page
        assert f'href="/live/{self.story.pk}/atom/"' in page


class LastModifiedTests(TestCase):
    def sitemap_of(self, story):
        """The page of the stories sitemap that lists ``story`` (pages hold ranges of ids)."""
        index = self.client.get("/sitemap.xml").text
        for page in re.findall(r"<loc>[a-z]+://[^/]+(/sitemap-stories[^<]*)</loc>", index):
            text = self.client.get(page.replace("&amp;", "&")).text
            if story.get_absolute_url() in text:
                return text
        raise AssertionError(f"No page of the stories sitemap lists {story}.")

    def test_the_sitemap_and_the_updated_line_follow_the_latest_public_update(self):
        story = make_live_story(make_public_story(published_at=timezone.now() - timedelta(days=3)))
        shown = timezone.localtime(story.published_at).date().isoformat()
        hidden_updates(story, canary=CANARY)
        assert f"<lastmod>{shown}</lastmod>" in self.sitemap_of(story)
        update = add_update(story, published_at=timezone.now() - timedelta(minutes=5))
        today = timezone.localtime(update.published_at).date().isoformat()
        assert f"<lastmod>{today}</lastmod>" in self.sitemap_of(story)
        page = self.client.get(story.get_absolute_url()).text
        assert (
            f'<meta property="article:modified_time" content="{iso(update.published_at)}">' in page
        )


class SearchTests(TestCase):
    def test_search_finds_a_public_update_and_leads_to_it(self):
        story = make_live_story()
        add_update(story, body="<p>Nothing here.</p>")
        update = add_update(
            story, headline="Acting head named", body="<p>Quorvath takes over.</p>"
        )
        page = self.client.get("/search/?q=quorvath").text
        assert f'href="{story.get_absolute_url()}?update={update.pk}#update-{update.pk}"' in page

    def test_an_update_withdrawn_from_readers_is_no_longer_found(self):
        story = make_live_story()
        update = add_update(story, body="<p>Quorvath takes over.</p>")
        assert story.get_absolute_url() in self.client.get("/search/?q=quorvath").text
        update.status = Status.DRAFT
        update.save()
        assert story.get_absolute_url() not in self.client.get("/search/?q=quorvath").text

    # Uncached: the time is moved by hand here, not by the clock the page cache follows.
    @override_settings(TASKS=DATABASE, PAGE_CACHE_ENABLED=False)
    def test_a_scheduled_update_is_found_from_its_time_by_a_reindex_due_then(self):
        story = make_live_story()
        later = timezone.now() + timedelta(hours=2)
        update = add_update(story, body="<p>Quorvath takes over.</p>", published_at=later)
        assert story.get_absolute_url() not in self.client.get("/search/?q=quorvath").text
        [queued] = DBTaskResult.objects.filter(task_path="stories.tasks.reindex")
        assert queued.run_after == later and queued.args_kwargs["args"] == [[story.pk]]
        run_queued_tasks()  # not due yet: nothing runs
        assert DBTaskResult.objects.get(pk=queued.pk).status == "READY"
        # Its time comes: the task the worker then runs indexes it.
        LiveUpdate.objects.filter(pk=update.pk).update(published_at=timezone.now())
        DBTaskResult.objects.filter(pk=queued.pk).update(run_after=timezone.now())
        run_queued_tasks()
        assert story.get_absolute_url() in self.client.get("/search/?q=quorvath").text


class PurgeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.story = make_live_story(requires_approval=False)
        cls.reporter = make_user("reporter")

    def test_filing_an_update_purges_the_cached_page_fragment_and_feeds(self):
        paths = channels(self.story)[:4]
        for path in paths:
            self.client.get(path)
            assert self.client.get(path)["X-Page-Cache"] == "hit"
        workflow.file_update(self.story, by=self.reporter, headline="Fresh news", body="<p>x</p>")
        for path in paths:
            with self.subTest(path=path):
                response = self.client.get(path)
                assert response["X-Page-Cache"] == "miss"
                assert "Fresh news" in response.content.decode()


class WorkflowPermissionTests(TestCase):
    """From the lowest role up: who files, who publishes, who pins."""

    @classmethod
    def setUpTestData(cls):
        cls.story = make_live_story(requires_approval=True)
        cls.open_story = make_live_story(requires_approval=False)
        cls.users = {role: make_user(role) for role in ["staff", "reporter", "editor"]}

    def file(self, role, story=None, **kwargs):
        kwargs.setdefault("body", "<p>b</p>")
        return workflow.file_update(
            story or self.story, by=self.users[role], headline="Filed", **kwargs
        )

    def test_staff_without_a_newsroom_role_files_nothing(self):
        with self.assertRaises(PermissionDenied):
            self.file("staff")

    def test_a_reporters_update_waits_for_an_editor_when_approval_is_required(self):
        update = self.file("reporter")
        assert update.status == Status.SUBMITTED
        assert not LiveUpdate.objects.public().filter(pk=update.pk).exists()
        with self.assertRaises(PermissionDenied):
            workflow.publish(update, by=self.users["reporter"])
        with self.assertRaises(PermissionDenied):
            self.file("reporter", status=Status.PUBLISHED)
        workflow.publish(update, by=self.users["editor"])
        assert LiveUpdate.objects.public().filter(pk=update.pk).exists()

    def test_a_reporter_publishes_at_once_when_the_coverage_needs_no_approval(self):
        update = self.file("reporter", story=self.open_story)
        assert update.status == Status.PUBLISHED
        assert LiveUpdate.objects.public().filter(pk=update.pk).exists()

    def test_a_reporter_cannot_change_an_update_an_editor_published(self):
        update = self.file("editor")
        update.headline = "Changed"
        with self.assertRaises(PermissionDenied):
            workflow.save_update(update, by=self.users["reporter"])

    def test_only_editors_pin_mark_key_events_correct_and_close(self):
        update = self.file("editor")
        reporter = self.users["reporter"]
        for action in (workflow.pin, workflow.mark_key_event):
            with self.assertRaises(PermissionDenied):
                action(update, by=reporter)
        with self.assertRaises(PermissionDenied):
            workflow.correct_update(update, by=reporter, text="Fixed")
        with self.assertRaises(PermissionDenied):
            workflow.close_coverage(self.story, by=reporter)
        workflow.pin(update, by=self.users["editor"])
        workflow.mark_key_event(update, by=self.users["editor"])
        update.refresh_from_db()
        assert update.pinned and update.key_event

    def test_a_reporters_save_keeps_the_editors_pin(self):
        update = self.file("reporter", story=self.open_story)
        workflow.pin(update, by=self.users["editor"])
        update.refresh_from_db()
        update.pinned = False
        workflow.save_update(update, by=self.users["reporter"])
        update.refresh_from_db()
        assert update.pinned

    def test_pinning_an_update_unpins_the_one_pinned_before(self):
        first, second = self.file("editor"), self.file("editor")
        workflow.pin(first, by=self.users["editor"])
        workflow.pin(second, by=self.users["editor"])
        first.refresh_from_db()
        assert not first.pinned

    def test_nobody_files_on_closed_coverage_but_editors_still_correct_it(self):
        update = self.file("editor")
        workflow.close_coverage(self.story, by=self.users["editor"])
        with self.assertRaises(PermissionDenied):
            self.file("reporter")
        workflow.correct_update(update, by=self.users["editor"], text="A date was wrong.")
        assert update.corrections.count() == 1

    def test_nobody_files_on_a_story_that_is_not_live(self):
        with self.assertRaises(PermissionDenied):
            self.file("editor", story=make_public_story())

    def test_an_update_with_an_undescribed_picture_is_not_published(self):
        from django.core.exceptions import ValidationError

        from tests.helpers.pictures import make_image

        image = make_image(alt_text="")
        body = (
            f'<figure class="figure"><img src="{image.file.url}" data-file="{image.pk}"></figure>'
        )
        with self.assertRaises(ValidationError) as refused:
            self.file("editor", body=body)
        assert "Add alt text" in str(refused.exception)
        draft = self.file("editor", body=body, status=Status.DRAFT)  # a draft may wait for it
        assert draft.pk and not LiveUpdate.objects.public().filter(pk=draft.pk).exists()

    def test_a_save_from_a_stale_version_is_refused(self):
        update = self.file("editor")
        stale = LiveUpdate.objects.get(pk=update.pk)
        update.headline = "First save"
        workflow.save_update(update, by=self.users["editor"])
        stale.headline = "Second save"
        with self.assertRaises(VersionConflict):
            workflow.save_update(stale, by=self.users["editor"])
        assert LiveUpdate.objects.get(pk=update.pk).headline == "First save"


class AdminTests(TestCase):
    """Reporters file in the admin, on live stories only, without editing the story."""

    @classmethod
    def setUpTestData(cls):
        cls.story = make_live_story(requires_approval=True)
        cls.not_live = make_public_story(headline="Not live at all")
        cls.reporter = make_user("reporter")
        cls.editor = make_user("editor")

    def post(self, user, **data):
        self.client.force_login(user)
        fields = {
            "story": self.story.pk,
            "headline": "From the admin",
            "body": "<p>Filed.</p>",
            "status": Status.SUBMITTED,
            "published_at_0": "",
            "published_at_1": "",
            "embargo_until_0": "",
            "embargo_until_1": "",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
            "_save": "Save",
        }
        return self.client.post(reverse("admin:live_liveupdate_add"), fields | data)

    def test_a_reporter_files_an_update_on_a_live_story(self):
        response = self.post(self.reporter)
        assert response.status_code == 302, response.content.decode()[:3000]
        update = LiveUpdate.objects.get(headline="From the admin")
        assert update.status == Status.SUBMITTED and update.created_by == self.reporter

    def test_the_story_list_offers_only_open_live_stories(self):
        self.client.force_login(self.reporter)
        page = self.client.get(reverse("admin:live_liveupdate_add")).content.decode()
        assert str(self.story) in page
        assert "Not live at all" not in page
        response = self.post(self.reporter, story=self.not_live.pk)
        assert response.status_code == 200
        assert not LiveUpdate.objects.exists()

    def test_a_reporter_cannot_publish_when_approval_is_required(self):
        response = self.post(self.reporter, status=Status.PUBLISHED)
        assert response.status_code == 200
        assert "needs an editor" in response.content.decode()
        assert not LiveUpdate.objects.exists()

    def test_a_reporter_cannot_pin_through_a_forged_post(self):
        self.post(self.reporter, pinned="on", key_event="on")
        update = LiveUpdate.objects.get()
        assert not update.pinned and not update.key_event

    def test_an_editor_publishes_from_the_admin(self):
        response = self.post(self.editor, status=Status.PUBLISHED)
        assert response.status_code == 302
        assert LiveUpdate.objects.public().count() == 1

    def test_a_reporter_still_cannot_edit_the_published_story(self):
        self.client.force_login(self.reporter)
        self.client.post(
            reverse("admin:stories_story_change", args=[self.story.pk]),
            story_post_data(self.story, headline="Edited by a reporter"),
        )
        assert Story.objects.get(pk=self.story.pk).headline != "Edited by a reporter"

    def test_only_editors_set_up_live_coverage(self):
        self.client.force_login(self.reporter)
        assert self.client.get(reverse("admin:live_livecoverage_add")).status_code == 403
        self.client.force_login(self.editor)
        assert self.client.get(reverse("admin:live_livecoverage_add")).status_code == 200


@override_settings(PAGE_CACHE_ENABLED=False)
class QueryBudgetTests(BannerAlreadyRead, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.story = make_live_story()
        people = [make_person() for _ in range(3)]
        base = timezone.now() - timedelta(days=1)
        cls.updates = [
            add_update(
                cls.story, published_at=base + timedelta(minutes=n), authors=people[: n % 3]
            )
            for n in range(200)
        ]
        editor = make_user("editor")
        workflow.pin(cls.updates[5], by=editor)
        for update in cls.updates[::40]:
            workflow.mark_key_event(update, by=editor)

    def queries(self, path):
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(path)
        assert response.status_code == 200
        return len(captured)

    def test_the_first_page_of_200_updates_costs_as_much_as_of_5(self):
        url = self.story.get_absolute_url()
        many = self.queries(url)
        LiveUpdate.objects.filter(pk__in=[u.pk for u in self.updates[5:]]).delete()
        assert self.queries(url) == many

    def test_the_polling_fragment_costs_at_most_3_queries(self):
        assert self.queries(f"/live/{self.story.pk}/updates/") <= 3


class DemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        from tests.helpers.demo import load_demo

        load_demo()
        cls.story = Story.objects.get(slug="krause-resignation-live")

    def test_the_demo_follows_the_resignation_live_with_a_key_event_and_a_pinned_update(self):
        updates = LiveUpdate.objects.public().filter(story=self.story)
        assert updates.count() >= 5
        assert updates.filter(key_event=True).exists()
        assert updates.filter(pinned=True).count() == 1
        assert not self.story.live_coverage.is_live  # the day is over; the story stays online
        page = self.client.get(self.story.get_absolute_url()).text
        assert "Key events" in page and "What we know" in page
        assert json_ld(page)["@type"] == "LiveBlogPosting"
        # Updates cite their sources; the anonymous one only as readers may know it.
        assert "two people briefed on the decision" in page and "In a statement:" in page
        assert "Demo Source" not in page
        filed = updates.get(headline="Commissioner submits her resignation")
        assert filed.revisions.earliest("pk").snapshot["citations"][0]["is_anonymous"]
