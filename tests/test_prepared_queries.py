"""Prepared queries (stories.prepared): compiled once, they return what the QuerySet returns."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db.models.sql.compiler import SQLCompiler
from django.test import TestCase
from django.utils import timezone

from stories import listing, story_page
from stories.models import Correction, Story, Tag
from stories.prepared import Prepared
from tests.helpers.factories import add_byline, make_public_story, make_section, make_story


def compilations(call):
    """How many times Django compiles a query while ``call()`` runs."""
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql):
        call()
        return SQLCompiler.as_sql.call_count


class PreparedQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section()
        cls.live = make_public_story(section=cls.section, slug="live")
        cls.later = make_story(
            section=cls.section,
            slug="later",
            status=Story.Status.PUBLISHED,
            published_at=timezone.now() + timedelta(hours=2),
        )
        cls.embargoed = make_public_story(
            section=cls.section, slug="held", embargo_until=timezone.now() + timedelta(hours=1)
        )

    def setUp(self):
        self.by_slug = Prepared(lambda slug, now: Story.objects.public(now).filter(slug=slug))

    def test_it_returns_what_the_queryset_returns_for_each_value(self):
        now = timezone.now()
        for slug in ("live", "later", "held", "nothing"):
            for moment in (now, now + timedelta(hours=1, minutes=30), now + timedelta(hours=3)):
                with self.subTest(slug=slug, at=moment):
                    expected = list(Story.objects.public(moment).filter(slug=slug))
                    assert self.by_slug(slug=slug, now=moment) == expected

    def test_the_time_is_bound_so_a_scheduled_story_appears_at_its_time(self):
        now = timezone.now()
        assert self.by_slug(slug="later", now=now) == []
        assert self.by_slug(slug="later", now=now + timedelta(hours=3)) == [self.later]
        assert self.by_slug(slug="held", now=now) == []
        assert self.by_slug(slug="held", now=now + timedelta(hours=3)) == [self.embargoed]

    def test_it_compiles_once_and_then_only_binds(self):
        now = timezone.now()
        assert compilations(lambda: self.by_slug(slug="live", now=now)) == 1
        assert compilations(lambda: self.by_slug(slug="held", now=now)) == 0
        with self.assertNumQueries(1):
            assert self.by_slug(slug="live", now=now) == [self.live]

    def test_what_select_related_loads_comes_too(self):
        prepared = Prepared(
            lambda slug: (
                Story.objects.filter(slug=slug)
                .select_related("section")
                .only("headline", "section__name")
            )
        )
        [story] = prepared(slug="live")
        with self.assertNumQueries(0):
            assert story.section.name == self.section.name

    def test_a_list_is_bound_member_by_member(self):
        by_ids = Prepared(lambda ids: Story.objects.filter(pk__in=ids).order_by("pk"))
        assert by_ids(ids=[self.live.pk, self.later.pk]) == [self.live, self.later]
        assert by_ids(ids=[self.embargoed.pk, self.embargoed.pk]) == [self.embargoed]

    def test_an_empty_list_runs_no_query(self):
        by_ids = Prepared(lambda ids: Story.objects.filter(pk__in=ids))
        with self.assertNumQueries(0):
            assert by_ids(ids=[]) == []
        assert by_ids(ids=[self.live.pk]) == [self.live]

    def test_a_shape_argument_is_compiled_once_per_value(self):
        ordered = Story.objects.order_by("pk")
        window = Prepared(
            lambda section, offset, limit: ordered.filter(section=section)[
                offset : offset + limit
            ],
            shape=("offset", "limit"),
        )
        for offset in range(4):
            with self.subTest(offset=offset):
                expected = list(ordered.filter(section=self.section)[offset : offset + 2])
                assert window(section=self.section.pk, offset=offset, limit=2) == expected
        assert compilations(lambda: window(section=self.section.pk, offset=1, limit=2)) == 0

    def test_shapes_kept_are_bounded(self):
        window = Prepared(lambda offset: Story.objects.order_by("pk")[offset:], shape=("offset",))
        for offset in range(Prepared.MAX_SHAPES + 10):
            window.queryset(offset=offset)
        assert len(window._compiled) == Prepared.MAX_SHAPES

    def test_values_that_change_the_sql_are_refused(self):
        with pytest.raises(TypeError):
            self.by_slug(slug=None, now=timezone.now())
        starting = Prepared(lambda prefix: Story.objects.filter(slug__startswith=prefix))
        with pytest.raises(ValueError, match="does not reach the SQL"):
            starting(prefix="li")
        flag = Prepared(lambda flag: Story.objects.filter(pk__gt=0 if flag else 1))
        with pytest.raises(TypeError):
            flag(flag=True)


class ListingTests(TestCase):
    """The reader lists give what ``for_listing()`` gives: the same stories, the same bylines."""

    @classmethod
    def setUpTestData(cls):
        cls.section = make_section()
        cls.stories = [make_public_story(section=cls.section) for _ in range(11)]
        for n, story in enumerate(cls.stories):
            for _ in range(n % 3):
                add_byline(story)

    def test_bylines_match_the_prefetch_for_every_page_size(self):
        expected = Story.objects.public().for_listing().filter(section=self.section)
        for size in (1, 2, 7, 8, 9, 11):
            with self.subTest(size=size):
                page = listing.of_section(now=timezone.now(), section=self.section.pk)(0, size)
                assert page == list(expected[:size])
                for story, reference in zip(page, expected[:size], strict=True):
                    assert [(b.person.name, b.role, b.position) for b in story.byline_list] == [
                        (b.person.name, b.role, b.position) for b in reference.byline_list
                    ]

    def test_a_page_and_its_bylines_are_two_queries(self):
        rows = listing.of_section(now=timezone.now(), section=self.section.pk)
        rows(0, 5)
        with self.assertNumQueries(2):
            page = rows(5, 5)
            [byline.person.name for story in page for byline in story.byline_list]
        assert page == self.stories[::-1][5:10]


class StoryPageTagTests(TestCase):
    """The story page reads a story's tags with the story; they come as ``Tag`` orders them."""

    def test_tags_read_with_the_story_are_the_tags_in_their_order(self):
        story = make_public_story(slug="tagged")
        story.tags.add("beta", "Alpha", "Ägypten", "zeta", "Zulu", 'a&b "quoted" <tag>')
        [loaded] = story_page.story_and_related(slug="tagged", now=timezone.now())
        expected = list(Tag.objects.filter(tagged_stories__content_object=story))
        read = story_page.tags_read_with(loaded)
        assert [(t.pk, t.name, t.slug) for t in read] == [(t.pk, t.name, t.slug) for t in expected]

    def test_a_story_without_tags_or_corrections_has_none(self):
        make_public_story(slug="untagged")
        [loaded] = story_page.story_and_related(slug="untagged", now=timezone.now())
        assert story_page.tags_read_with(loaded) == []
        assert story_page.corrections_read_with(loaded) == []

    def test_corrections_read_with_the_story_are_its_corrections_newest_first(self):
        story = make_public_story(slug="corrected")
        moment = timezone.now().replace(microsecond=0) - timedelta(hours=1)
        for n, (kind, at) in enumerate(
            [
                (Correction.Kind.CORRECTION, moment),
                (Correction.Kind.UPDATE, moment + timedelta(minutes=5, microseconds=1234)),
                (Correction.Kind.CLARIFICATION, moment),
            ]
        ):
            Correction.objects.create(
                story=story, kind=kind, text=f'Fixed "quote" <{n}> & more', published_at=at
            )
        [loaded] = story_page.story_and_related(slug="corrected", now=timezone.now())
        read = story_page.corrections_read_with(loaded)
        expected = sorted(
            Correction.objects.filter(story=story),
            key=lambda c: (c.published_at, c.pk),
            reverse=True,
        )
        fields = ("pk", "kind", "text", "published_at", "story_id")
        assert [[getattr(c, f) for f in fields] for c in read] == [
            [getattr(c, f) for f in fields] for c in expected
        ]
        assert read[0].kind == Correction.Kind.UPDATE
