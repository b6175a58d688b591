from datetime import timedelta
from io import StringIO
from unittest import mock, skipUnless

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stories import workflow
from stories.models import Person, SearchEntry, Section, Story, Tag
from stories.search import attach_snippets, reindex_stories, search_stories
from stories.search.sqlite import match_expression
from tests.helpers.accounts import make_user
from tests.helpers.bad_input import BAD_QUERIES
from tests.helpers.banner import BannerAlreadyRead
from tests.helpers.factories import (
    add_byline,
    cite,
    hidden_stories,
    make_person,
    make_public_story,
    make_section,
    make_source,
)

SEARCH = reverse("stories:search")


def headlines(stories):
    return [story.headline for story in stories]


def search_public(text, **options):
    return headlines(search_stories(Story.objects.public(), text, **options))


class ReaderSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.politics = make_section(name="Politics", slug="politics")
        cls.business = make_section(name="Business", slug="business")
        now = timezone.now()
        cls.news = make_public_story(
            section=cls.politics,
            headline="Harbour authority approves new ferry terminal",
            dek="The vote ends a decade of argument.",
            body="<p>The terminal will handle twelve ferries a day.</p>",
            published_at=now - timedelta(days=30),
        )
        cls.analysis = make_public_story(
            section=cls.business,
            kind=Story.Kind.ANALYSIS,
            headline="What the terminal means for fares",
            body="<p>Ferry operators expect higher fares.</p>",
            published_at=now - timedelta(days=2),
        )
        cls.unrelated = make_public_story(section=cls.business, headline="Bakery wins award")
        cls.hidden = hidden_stories("CANARY")

    def test_result_times_are_to_the_second_whatever_the_stored_precision(self):
        # A story published from the admin keeps microseconds; <time datetime> must not.
        story = make_public_story(
            headline="Quayside clock restored",
            published_at=timezone.now().replace(microsecond=123456) - timedelta(hours=1),
        )
        page = self.client.get(SEARCH, {"q": "quayside clock"}).text
        moment = timezone.localtime(story.published_at).replace(microsecond=0).isoformat()
        assert f'<time datetime="{moment}">' in page
        assert ".123456" not in page

    def test_every_page_has_a_labelled_search_box(self):
        for url in [reverse("stories:home"), self.news.get_absolute_url(), SEARCH]:
            with self.subTest(url=url):
                page = self.client.get(url).text
                assert 'role="search"' in page
                assert f'action="{SEARCH}"' in page
                assert '<label for="site-search-q">' in page

    def test_results_show_matching_public_stories_only(self):
        page = self.client.get(SEARCH, {"q": "terminal"})
        assert page.status_code == 200
        assert set(page.context["page"]) == {self.news, self.analysis}
        assert "Bakery" not in page.text

    def test_english_forms_of_a_word_match(self):
        assert search_public("ferry") == search_public("ferries")
        assert self.news.headline in search_public("approving")

    def test_no_hidden_story_is_ever_found(self):
        for text in ["CANARY", "canary headline", "canary body", *self.hidden]:
            with self.subTest(text=text):
                page = self.client.get(SEARCH, {"q": text})
                assert page.status_code == 200
                assert page.context["page"].paginator.count == 0
                for story in self.hidden.values():
                    assert story.headline not in page.text
                    assert story.get_absolute_url() not in page.text
                assert search_public(text) == []

    def test_editors_still_find_hidden_stories_in_the_admin_engine(self):
        assert set(search_stories(Story.objects.all(), "canary")) == set(self.hidden.values())

    def test_snippet_highlights_matches_and_escapes_everything_else(self):
        story = make_public_story(
            headline="Kiosk notice",
            body='<p>&lt;script&gt;alert(1)&lt;/script&gt; A sign said "open" beside the '
            "kiosk of Smith &amp; Sons, \ue000forged\ue001 by nobody.</p>",
        )
        page = self.client.get(SEARCH, {"q": "kiosk"})
        snippet = str(page.context["page"][0].search_snippet)
        assert page.context["page"][0] == story
        assert "<mark>kiosk</mark>" in snippet
        assert "Smith &amp; Sons" in snippet
        assert "&quot;open&quot;" in snippet
        assert snippet.count("<mark>") == 1
        assert "<script>" not in page.text

    def test_filter_by_section(self):
        page = self.client.get(SEARCH, {"q": "terminal", "section": "business"})
        assert list(page.context["page"]) == [self.analysis]

    def test_filter_by_type_of_work(self):
        page = self.client.get(SEARCH, {"q": "terminal", "kind": "analysis"})
        assert list(page.context["page"]) == [self.analysis]

    def test_filter_by_date_range(self):
        day = timezone.localdate(self.news.published_at)
        page = self.client.get(SEARCH, {"q": "terminal", "since": day, "until": day})
        assert list(page.context["page"]) == [self.news]
        page = self.client.get(SEARCH, {"q": "terminal", "since": day + timedelta(days=1)})
        assert list(page.context["page"]) == [self.analysis]

    def test_newest_first(self):
        page = self.client.get(SEARCH, {"q": "terminal", "order": "newest"})
        assert list(page.context["page"]) == [self.analysis, self.news]

    def test_a_reversed_date_range_is_a_form_error(self):
        page = self.client.get(
            SEARCH, {"q": "terminal", "since": "2026-02-01", "until": "2026-01-01"}
        )
        assert page.status_code == 200
        assert page.context["page"] is None
        assert "must not come before its start" in page.text

    def test_an_unknown_section_is_a_form_error(self):
        page = self.client.get(SEARCH, {"q": "terminal", "section": "no-such-section"})
        assert page.status_code == 200
        assert "Select a valid choice" in page.text


# Budgets count what a page itself costs, without the page cache in front of it.
@override_settings(PAGE_CACHE_ENABLED=False)
class SearchPaginationTests(BannerAlreadyRead, TestCase):
    @classmethod
    def setUpTestData(cls):
        section = make_section()
        reporter = make_person(name="Rhea Column")
        cls.stories = []
        for n in range(25):
            story = make_public_story(
                section=section,
                headline=f"Lighthouse report {n}",
                body=f"<p>The lighthouse keeper, part {n}.</p>",
                published_at=timezone.now() - timedelta(hours=n + 1),
            )
            add_byline(story, reporter)
            add_byline(story)
            story.tags.add("Coast", "Maritime")
            story.people.add(make_person())
            cls.stories.append(story)

    def count_queries(self, params):
        with CaptureQueriesContext(connection) as queries:
            page = self.client.get(SEARCH, params)
            assert page.status_code == 200
        return len(queries), page

    def test_results_are_paginated_keeping_the_query(self):
        page = self.client.get(SEARCH, {"q": "lighthouse", "order": "newest"})
        assert len(page.context["page"]) == 20
        assert "?q=lighthouse&amp;order=newest&amp;page=2" in page.text
        second = self.client.get(SEARCH, {"q": "lighthouse", "order": "newest", "page": 2})
        assert list(second.context["page"]) == self.stories[20:]

    def test_only_the_best_matches_are_counted_and_paged(self):
        with (
            mock.patch("stories.search.MAX_RESULTS", 10),
            mock.patch("stories.views.MAX_RESULTS", 10),
        ):
            page = self.client.get(SEARCH, {"q": "lighthouse"})
        assert page.context["page"].paginator.count == 10
        assert "More than 10 stories match" in page.text

    def test_the_results_page_runs_the_same_queries_for_2_results_as_for_20(self):
        few, page = self.count_queries({"q": "lighthouse report 1"})
        many, page = self.count_queries({"q": "lighthouse"})
        assert page.context["page"].paginator.count == 25
        assert many == few

    def test_every_filter_adds_no_query_per_result(self):
        params = {"q": "lighthouse", "kind": "news", "since": "2000-01-01", "order": "newest"}
        filtered, page = self.count_queries(params)
        assert len(page.context["page"]) == 20
        plain, _ = self.count_queries({"q": "lighthouse"})
        assert filtered == plain


class BadInputTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_public_story(headline="Ordinary story about unicode 日本語 and quotes")

    def test_any_query_gives_a_normal_page(self):
        for text in BAD_QUERIES:
            for order in ["", "newest"]:
                with self.subTest(text=text[:40], order=order):
                    page = self.client.get(SEARCH, {"q": text, "order": order, "page": "x"})
                    assert page.status_code == 200
                    assert "<h1>Search</h1>" in page.text
                    # Marks typed into a query never turn into highlights.
                    assert "<mark>forged" not in page.text

    def test_any_query_is_safe_for_the_engine_and_the_snippets(self):
        for text in BAD_QUERIES:
            with self.subTest(text=text[:40]):
                results = list(search_stories(Story.objects.public(), text))
                attach_snippets(results, text)
                for story in results:
                    assert story.is_public
                    assert "\ue000" not in story.search_snippet
                    assert "<script" not in story.search_snippet

    def test_an_impossible_date_is_reported_and_not_echoed_into_the_date_field(self):
        page = self.client.get(SEARCH, {"q": "irs", "since": "2026-13-01"})
        assert page.status_code == 200
        assert "Enter a valid date" in page.text
        assert "2026-13-01" not in page.text

    def test_search_answers_only_reads(self):
        assert self.client.post(SEARCH, {"q": "irs"}).status_code == 405

    def test_a_query_over_1000_characters_is_refused_with_a_message(self):
        page = self.client.get(SEARCH, {"q": "x" * 1001})
        assert page.context["page"] is None
        assert "at most 1000 characters" in page.text

    def test_a_null_byte_is_refused_with_a_message(self):
        page = self.client.get(SEARCH, {"q": "ordinary\x00"})
        assert page.context["page"] is None
        assert "Null characters are not allowed" in page.text

    def test_unicode_words_are_found(self):
        assert search_public("日本語") == ["Ordinary story about unicode 日本語 and quotes"]

    def test_malformed_filters_are_form_errors(self):
        for params in [{"since": "2026-13-45"}, {"until": "99999-01-01"}, {"kind": "x"}]:
            with self.subTest(params=params):
                page = self.client.get(SEARCH, {"q": "ordinary", **params})
                assert page.status_code == 200
                assert page.context["page"] is None


class SourceConfidentialityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.story = make_public_story(headline="Council budget leak")
        secret = make_source(
            name="Zebulon Whistleblower",
            contact_details="zebulon-phone 555 0100",
            private_notes="Met at the quayside cafe",
        )
        cite(cls.story, secret, is_anonymous=True, public_description="a council employee")
        cite(cls.story, make_source(name="Open Records Office"))

    def test_nothing_about_sources_is_searchable(self):
        for text in ["Zebulon", "Whistleblower", "zebulon-phone", "quayside", "Open Records"]:
            with self.subTest(text=text):
                assert search_public(text) == []
                assert search_stories(Story.objects.all(), text).count() == 0


class RelevanceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        section = make_section()
        for n in range(10):
            make_public_story(section=section, headline=f"Filler {n}", body="<p>Nothing here.</p>")
        cls.in_body = make_public_story(
            section=section, headline="Budget day", body="<p>The quarry reopened.</p>"
        )
        cls.in_dek = make_public_story(
            section=section, headline="Jobs return", dek="The quarry is busy again."
        )
        cls.in_headline = make_public_story(section=section, headline="Quarry reopens")
        cls.tagged = make_public_story(section=section, headline="Stone prices")
        cls.tagged.tags.add("Quarry")

    def test_headline_outranks_dek_and_tags_which_outrank_body(self):
        ranked = list(search_stories(Story.objects.public(), "quarry"))
        assert ranked[0] == self.in_headline
        assert set(ranked[1:3]) == {self.in_dek, self.tagged}
        assert ranked[3] == self.in_body

    def test_stories_matching_every_word_come_before_partial_matches(self):
        ranked = list(search_stories(Story.objects.public(), "quarry or jobs"))
        assert ranked[0] in {self.in_dek, self.in_headline}
        assert self.in_dek in ranked

    def test_phrases_and_exclusions(self):
        assert set(search_public('"quarry reopened"')) == {"Budget day", "Quarry reopens"}
        assert search_public('"reopened quarry"') == []
        assert "Budget day" not in search_public("quarry -budget")


@skipUnless(connection.vendor == "postgresql", "ranks PostgreSQL's weighted search vector")
class PostgreSQLRankingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.repeated_in_body = make_public_story(
            headline="Report", body="<p>" + "tunnel " * 30 + "</p>"
        )
        cls.once_in_headline = make_public_story(headline="Tunnel delayed")

    def test_a_word_in_the_headline_beats_the_same_word_repeated_in_the_body(self):
        ranked = list(search_stories(Story.objects.public(), "tunnel"))
        assert ranked == [self.once_in_headline, self.repeated_in_body]
        assert ranked[0].search_rank > ranked[1].search_rank


@skipUnless(connection.vendor == "postgresql", "bounds PostgreSQL's ranking of very common words")
class VeryCommonWordTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        cls.best_but_oldest = make_public_story(
            headline="Ferry news", published_at=now - timedelta(days=30)
        )
        cls.newest = [
            make_public_story(
                headline=f"Report {n}",
                body="<p>The ferry was late.</p>",
                published_at=now - timedelta(days=n + 1),
            )
            for n in range(4)
        ]

    def test_a_very_common_word_ranks_only_its_newest_matches(self):
        with (
            mock.patch("stories.search.postgresql.RANKED_CANDIDATES", 3),
            mock.patch("stories.search.postgresql.PROBE_SHARE", 2),
        ):
            ranked = list(search_stories(Story.objects.public(), "ferry"))
        assert ranked == self.newest[:3]

    def test_a_word_with_fewer_matches_than_the_bound_ranks_them_all(self):
        with (
            mock.patch("stories.search.postgresql.RANKED_CANDIDATES", 5),
            mock.patch("stories.search.postgresql.PROBE_SHARE", 2),
        ):
            ranked = list(search_stories(Story.objects.public(), "ferry"))
        assert ranked == [self.best_but_oldest, *self.newest]

    def test_a_rarer_word_ranks_every_match(self):
        with (
            mock.patch("stories.search.postgresql.RANKED_CANDIDATES", 3),
            mock.patch("stories.search.postgresql.PROBE_SHARE", 6),
        ):
            ranked = list(search_stories(Story.objects.public(), "ferry"))
        assert ranked[0] == self.best_but_oldest
        assert len(ranked) == 5


class IndexStaysCurrentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.story = make_public_story(headline="Reservoir levels fall")
        cls.person = make_person(name="Ottoline Quist")

    def test_an_edited_headline_is_found_under_its_new_words_only(self):
        self.story.headline = "Reservoir refilled by storms"
        self.story.save()
        assert search_public("storms") == ["Reservoir refilled by storms"]
        assert search_public("fall") == []

    def test_added_and_removed_tags_are_searchable_at_once(self):
        self.story.tags.add("Drought")
        assert search_public("drought") == [self.story.headline]
        self.story.tags.remove("Drought")
        assert search_public("drought") == []
        self.story.tags.set(["Water supply"])
        assert search_public("water supply") == [self.story.headline]
        self.story.tags.clear()
        assert search_public("water") == []

    def test_a_renamed_tag_is_found_under_its_new_name(self):
        self.story.tags.add("Hosepipe ban")
        tag = Tag.objects.get(name="Hosepipe ban")
        tag.name = "Sprinkler restrictions"
        tag.save()
        assert search_public("sprinkler") == [self.story.headline]
        assert search_public("hosepipe") == []

    def test_a_deleted_tag_is_no_longer_found(self):
        self.story.tags.add("Standpipes")
        Tag.objects.get(name="Standpipes").delete()
        assert search_public("standpipes") == []

    def test_people_in_the_story_and_bylines_are_searchable_and_follow_a_rename(self):
        self.story.people.add(self.person)
        assert search_public("Quist") == [self.story.headline]
        self.person.name = "Ottoline Marchbank"
        self.person.save()
        assert search_public("Quist") == []
        assert search_public("Marchbank") == [self.story.headline]
        reporter = make_person(name="Barnaby Inkwell")
        byline = add_byline(self.story, reporter)
        assert search_public("Inkwell") == [self.story.headline]
        byline.delete()
        assert search_public("Inkwell") == []

    def test_people_changed_from_the_person_side_are_reindexed(self):
        self.person.appearances.add(self.story)
        assert search_public("Ottoline") == [self.story.headline]
        self.person.appearances.clear()
        assert search_public("Ottoline") == []

    def test_a_story_unpublished_disappears_and_a_deleted_story_leaves_no_entry(self):
        workflow.unpublish(self.story, by=make_user("editor"))
        assert search_public("reservoir") == []
        self.story.delete()
        assert not SearchEntry.objects.filter(story_id=self.story.pk).exists()
        assert search_stories(Story.objects.all(), "reservoir").count() == 0

    def test_changes_made_without_signals_need_reindex_stories(self):
        Story.objects.filter(pk=self.story.pk).update(headline="Aqueduct repaired")
        assert search_public("aqueduct") == []
        reindex_stories(Story.objects.filter(pk=self.story.pk))
        assert search_public("aqueduct") == ["Aqueduct repaired"]

    def test_rebuild_command_indexes_everything_with_progress(self):
        SearchEntry.objects.all().delete()
        assert search_public("reservoir") == []
        out = call_command_output("rebuild_search_index")
        assert "[##############################] 1/1 stories" in out
        assert search_public("reservoir") == [self.story.headline]


class AdminSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = get_user_model().objects.create_superuser("ed", "ed@example.org", "pw")
        cls.draft = hidden_stories("Gazebo")["draft"]
        make_public_story(headline="Pavilion restored")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_changelist_search_uses_the_search_engine(self):
        url = reverse("admin:stories_story_changelist")
        page = self.client.get(url, {"q": "gazebos"})  # stemmed: matches "Gazebo"
        assert page.status_code == 200
        assert page.context["cl"].result_count == 5
        assert "Pavilion" not in page.text

    def test_changelist_survives_bad_input(self):
        url = reverse("admin:stories_story_changelist")
        for text in BAD_QUERIES:
            with self.subTest(text=text[:40]):
                assert self.client.get(url, {"q": text}).status_code == 200

    def test_autocomplete_still_matches_the_start_of_a_headline(self):
        url = reverse("admin:autocomplete")
        params = {
            "term": "Pavil",
            "app_label": "stories",
            "model_name": "story",
            "field_name": "related_stories",
        }
        results = self.client.get(url, params).json()["results"]
        assert [r["text"] for r in results] == ["Pavilion restored"]


class MatchExpressionTests(TestCase):
    def test_every_term_is_quoted_so_no_input_is_fts5_syntax(self):
        assert match_expression('NEAR(a b) col:x "c d" -e f* OR g') == (
            '(("NEAR a") AND ("b") AND ("col x") AND ("c d") AND ("f" OR "g")) NOT "e"'
        )

    def test_nothing_searchable_gives_no_expression(self):
        for text in ["", "-", '""', "*** ^^^", "-excluded"]:
            with self.subTest(text=text):
                assert match_expression(text) is None


def call_command_output(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


class BenchmarkCommandTests(TestCase):
    def test_benchmark_reports_percentiles_and_removes_what_it_generated(self):
        story = make_public_story(headline="Kept story")
        out = call_command_output("benchmark_search", "--stories", "60", "--repeat", "2")
        assert "Generated 60 stories" in out
        assert "p50" in out and "p95" in out
        assert list(Story.objects.all()) == [story]
        assert SearchEntry.objects.count() == 1
        assert not Section.objects.filter(slug__startswith="benchmark").exists()
        assert not Person.objects.filter(slug__startswith="benchmark").exists()
        assert not Tag.objects.filter(slug__startswith="benchmark").exists()
