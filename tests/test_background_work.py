"""Background work: what an editor's save leaves to a task, and what readers see meanwhile.

Without a worker (``DummyBackend``: tasks are stored, never run) the tests see the state
between the save and the task; calling the task shows what the worker would do.
"""

import io
import socket
from datetime import timedelta

from django.core.management import call_command
from django.tasks import default_task_backend
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from stories import changes, images, workflow
from stories.models import Image, Tag, TaggedStory, TagMerge
from stories.tagging import carry_out_merge, carry_out_undo, merge_tags, request_merge
from stories.tasks import REINDEX_INLINE, cut_renditions, reindex
from tests.helpers.accounts import make_user
from tests.helpers.factories import make_public_story, make_story
from tests.helpers.pictures import TemporaryMedia, picture_bytes, upload
from tests.helpers.tasks import DATABASE, run_queued_tasks

STORED_NOT_RUN = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def enqueued(task):
    return [r for r in default_task_backend.results if r.task.func is task.func]


@override_settings(TASKS=STORED_NOT_RUN)
class RenditionsBeingPreparedTests(TemporaryMedia, TestCase):
    def setUp(self):
        default_task_backend.results.clear()
        self.image = Image.objects.create(
            file=upload(picture_bytes(size=(1700, 1000))), alt_text="The scene", credit="Staff"
        )
        self.story = make_public_story(hero_image=self.image)

    def test_saving_a_picture_enqueues_its_renditions_and_cuts_none_in_the_request(self):
        assert [r.args for r in enqueued(cut_renditions)] == [[self.image.pk]]
        assert not self.image.renditions_ready
        assert self.image.renditions("16x9") == []

    def test_readers_get_the_clean_master_until_the_renditions_are_cut_then_the_renditions(self):
        page = self.client.get(self.story.get_absolute_url()).text
        assert f'src="{self.image.file.url}"' in page
        assert "srcset" not in page
        assert "/media/renditions/" not in page

        assert cut_renditions.call(self.image.pk) == len(images.all_renditions(self.image))

        # The page cached with the master was purged when the renditions were noted ready.
        page = self.client.get(self.story.get_absolute_url()).text
        assert 'type="image/webp" srcset="/media/renditions/' in page
        assert f'src="{self.image.file.url}"' not in page

    def test_regenerate_renditions_finishes_what_no_worker_did_and_pages_show_it(self):
        assert "srcset" not in self.client.get(self.story.get_absolute_url()).text
        call_command("regenerate_renditions", "--no-progress", stdout=io.StringIO())
        self.image.refresh_from_db()
        assert self.image.renditions_ready
        assert "srcset" in self.client.get(self.story.get_absolute_url()).text

    def test_the_api_lists_no_rendition_until_it_exists(self):
        answer = self.client.get(f"/api/v1/stories/{self.story.pk}/").json()
        assert answer["hero_image"]["renditions"] == {"16x9": [], "4x3": [], "1x1": []}
        cut_renditions.call(self.image.pk)
        answer = self.client.get(f"/api/v1/stories/{self.story.pk}/").json()
        assert len(answer["hero_image"]["renditions"]["16x9"]) == 8  # 4 widths, WebP and JPEG

    def test_a_story_whose_picture_is_being_prepared_can_be_saved_published_and_previewed(self):
        draft = make_story(hero_image=self.image)
        self.story.headline = "Saved while its picture is prepared"
        workflow.save_story(self.story, by=workflow.SYSTEM, note="test")
        workflow.publish(draft, by=workflow.SYSTEM, note="test")
        assert self.client.get(draft.get_absolute_url()).status_code == 200

    def test_cutting_the_renditions_again_writes_nothing_and_a_deleted_picture_nothing(self):
        assert cut_renditions.call(self.image.pk) == len(images.all_renditions(self.image))
        assert cut_renditions.call(self.image.pk) == 0
        pk = self.image.pk
        self.image.delete()
        assert cut_renditions.call(pk) == 0

    def test_moving_the_focal_point_prepares_new_renditions(self):
        cut_renditions.call(self.image.pk)
        self.image.refresh_from_db()
        self.image.focal_x = 0.2
        self.image.save()
        self.image.refresh_from_db()
        assert not self.image.renditions_ready
        assert len(enqueued(cut_renditions)) == 2
        cut_renditions.call(self.image.pk)
        self.image.refresh_from_db()
        assert self.image.renditions_ready


@override_settings(TASKS=STORED_NOT_RUN)
class BulkReindexTests(TestCase):
    def test_many_stories_touched_at_once_are_reindexed_by_tasks_in_batches(self):
        stories = [make_story() for _ in range(REINDEX_INLINE + 1)]
        default_task_backend.results.clear()
        changes.touch(reindex=[story.pk for story in stories])
        batches = [r.args[0] for r in enqueued(reindex)]
        assert [len(batch) for batch in batches] == [REINDEX_INLINE, 1]
        assert reindex.call(batches[1]) == 1

    def test_a_few_stories_are_reindexed_before_the_page_answers(self):
        story = make_story()
        default_task_backend.results.clear()
        changes.touch(reindex=[story.pk])
        assert enqueued(reindex) == []


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


class FrontCachePurgeTests(TestCase):
    def test_an_editors_change_enqueues_the_purge_of_the_cache_in_front(self):
        with override_settings(
            TASKS=STORED_NOT_RUN, FRONTEND_CACHE_BACKEND="http", FRONTEND_CACHE_URL=[closed_port()]
        ):
            story = make_public_story()
            from caching.tasks import purge_front_caches

            keys = [r.args[0] for r in enqueued(purge_front_caches)]
        assert any(f"story-{story.pk}" in batch for batch in keys)

    def test_a_cache_in_front_that_is_down_is_tried_again_later_with_back_off(self):
        from django_tasks_db.models import DBTaskResult

        from caching.tasks import ATTEMPTS, FIRST_DELAY, purge_front_caches

        down = closed_port()
        with override_settings(
            TASKS=DATABASE, FRONTEND_CACHE_BACKEND="http", FRONTEND_CACHE_URL=[down]
        ):
            delays = []
            for attempt in range(1, ATTEMPTS + 1):
                before = timezone.now()
                with self.assertLogs("caching.frontends", "WARNING"):
                    assert purge_front_caches.call(["story-1"], urls=None, attempt=attempt) == 1
                retry = DBTaskResult.objects.order_by("-enqueued_at").first()
                if attempt < ATTEMPTS:
                    assert retry.args_kwargs["kwargs"] == {"urls": [down], "attempt": attempt + 1}
                    delays.append(retry.run_after - before)
                    retry.delete()
                else:
                    assert retry is None  # given up: the page expires with its s-maxage
        assert [round(d / FIRST_DELAY) for d in delays] == [1, 2, 4, 8, 16]
        assert all(d < FIRST_DELAY * 16 + timedelta(seconds=1) for d in delays)


@override_settings(TASKS=STORED_NOT_RUN)
class TagMergeInTheBackgroundTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.irs = Tag.objects.create(name="IRS")
        cls.dotted = Tag.objects.create(name="I.R.S.")
        cls.story = make_story()
        cls.story.tags.add(cls.dotted)

    def setUp(self):
        default_task_backend.results.clear()
        self.client.force_login(self.editor)

    def history(self):
        return self.client.get(reverse("admin:stories_tagmerge_changelist")).text

    def test_a_merge_is_in_progress_in_the_history_until_its_task_has_run_then_done(self):
        response = self.client.post(
            reverse("admin:stories_tag_merge"),
            {"tags": [self.irs.pk, self.dotted.pk], "target": self.irs.pk},
            follow=True,
        )
        assert "Merging I.R.S. into “IRS”: the merge history shows when it is done." in (
            response.text
        )
        merge = TagMerge.objects.get()
        assert merge.state == TagMerge.State.IN_PROGRESS
        assert "In progress" in self.history()
        assert list(self.story.tags.all()) == [self.dotted]  # nothing merged in the request

        [queued] = enqueued(carry_out_merge)
        assert carry_out_merge.call(*queued.args) == TagMerge.State.DONE
        assert list(self.story.tags.all()) == [self.irs]
        assert "Done" in self.history()
        # Run again (a worker killed after the merge committed): nothing more happens.
        assert carry_out_merge.call(*queued.args) == TagMerge.State.DONE
        assert TaggedStory.objects.filter(content_object_id=self.story.pk).count() == 1

    def test_a_merge_whose_target_went_away_fails_and_says_why(self):
        merge = request_merge([self.dotted], self.irs, by=self.editor)
        Tag.objects.filter(pk=self.irs.pk).delete()
        assert carry_out_merge.call(merge.pk) == TagMerge.State.FAILED
        assert "The tag “IRS” was deleted or merged away before this merge could run" in (
            self.history()
        )
        assert list(self.story.tags.all()) == [self.dotted]

    def test_an_undo_is_in_progress_then_done(self):
        merge = merge_tags([self.dotted], self.irs, by=self.editor)
        undo_url = reverse("admin:stories_tagmerge_undo", args=[merge.pk])
        response = self.client.post(undo_url, follow=True)
        assert "Undoing the merge of I.R.S.: see its state below." in response.text
        assert "Being undone" in self.history()
        assert carry_out_undo.call(merge.pk) == TagMerge.State.UNDONE
        assert carry_out_undo.call(merge.pk) == TagMerge.State.UNDONE
        assert [tag.name for tag in self.story.tags.all()] == ["I.R.S."]


@override_settings(TASKS=DATABASE)
class FailedTaskTests(TemporaryMedia, TestCase):
    def test_a_failed_task_is_listed_for_admins_with_its_error(self):
        from django_tasks_db.models import DBTaskResult

        image = Image.objects.create(
            file=upload(picture_bytes()), alt_text="The scene", credit="Staff"
        )
        with open(image.file.path, "wb") as master:
            master.write(b"not a picture any more")
        run_queued_tasks()

        failed = DBTaskResult.objects.get()
        assert failed.status == "FAILED"
        self.client.force_login(make_user("superuser"))
        listing = self.client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
        assert "cut_renditions" in listing.text
        page = self.client.get(
            reverse("admin:django_tasks_database_dbtaskresult_change", args=[failed.pk])
        )
        assert "UnidentifiedImageError" in page.text
