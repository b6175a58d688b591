"""One record of what changed per transaction, handed once to every listener on commit."""

from io import StringIO

from django.core.management import call_command
from django.db import transaction
from django.test import TestCase

from stories import changes
from stories.models import Byline, Story
from stories.search import search_stories
from tests.factories import add_byline, make_person, make_public_story, make_section, make_story


class Recorder:
    def __init__(self, test):
        self.records = []
        changes.listener(self.records.append)
        test.addCleanup(changes._listeners.remove, self.records.append)


class ChangeRecordTests(TestCase):
    def setUp(self):
        self.recorder = Recorder(self)

    def test_a_transaction_is_handed_to_listeners_once_with_everything_it_touched(self):
        with transaction.atomic():
            first = make_story()
            second = make_story()
            add_byline(first)
            second.tags.add("IRS")
            assert self.recorder.records == []
        assert len(self.recorder.records) == 1
        assert {first.pk, second.pk} <= self.recorder.records[0].stories

    def test_a_rolled_back_transaction_tells_no_one(self):
        try:
            with transaction.atomic():
                make_story()
                raise RuntimeError
        except RuntimeError:
            pass
        assert self.recorder.records == []

    def test_a_rolled_back_savepoint_does_not_lose_the_rest_of_the_transaction(self):
        with transaction.atomic():
            kept = make_story()
            try:
                with transaction.atomic():
                    make_story()
                    raise RuntimeError
            except RuntimeError:
                pass
            later = make_story()
        assert len(self.recorder.records) == 1
        assert {kept.pk, later.pk} <= self.recorder.records[0].stories

    def test_bulk_writes_are_recorded_by_touch(self):
        story = make_public_story()
        person = make_person(name="Rosa Bulkwriter")
        self.recorder.records.clear()
        with transaction.atomic():
            Byline.objects.bulk_create([Byline(story=story, person=person, position=1)])
            changes.touch(stories=[story.pk])
        assert [record.stories for record in self.recorder.records] == [{story.pk}]
        assert story in search_stories(Story.objects.all(), "Bulkwriter")

    def test_renaming_a_person_reindexes_their_stories_without_purging_them(self):
        story = make_public_story()
        person = make_person(name="Old Name")
        add_byline(story, person)
        self.recorder.records.clear()
        person.name = "Newname Person"
        person.save()
        (record,) = self.recorder.records
        assert record.reindex == {story.pk}
        assert record.stories == set()
        assert f"person-{person.pk}" in record.keys
        assert story in search_stories(Story.objects.all(), "Newname")

    def test_a_failing_listener_does_not_stop_the_others(self):
        def broken(record):
            raise ValueError("listener bug")

        section = make_section()
        changes._listeners.insert(0, broken)
        self.addCleanup(changes._listeners.remove, broken)
        self.recorder.records.clear()
        with self.assertLogs("stories.changes", "ERROR"):
            story = make_story(section=section)
        assert [record.stories for record in self.recorder.records] == [{story.pk}]


class DemoIsSearchableTests(TestCase):
    def test_a_demo_reporter_is_found_by_name_right_after_load_demo(self):
        call_command("load_demo", stdout=StringIO())
        byline = Byline.objects.select_related("person", "story").first()
        surname = byline.person.name.split()[-1]
        found = search_stories(Story.objects.public(), surname)
        assert byline.story in found
