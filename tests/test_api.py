"""The content API: what readers may see, as JSON, with pages, filters, caching and a schema;
partner keys with scopes, rate limits and embargo access; every answer valid by the schema."""

import datetime
import json
import os
import subprocess
import sys

import jsonschema
from django.core.cache import caches
from django.test import TestCase, override_settings
from django.utils import timezone
from openapi_spec_validator import validate

from api import limits
from api import representation as shown
from api.models import ApiKey, EmbargoedRead, Scope, digest
from stories import workflow
from stories.models import Correction, Story
from tests.helpers.accounts import make_user
from tests.helpers.factories import (
    add_byline,
    cite,
    hidden_stories,
    make_person,
    make_public_story,
    make_section,
    make_source,
)
from tests.helpers.live import add_update, hidden_updates, make_live_story
from tests.helpers.pictures import TemporaryMedia
from tests.helpers.reader_data import make_image, rich_story
from tests.test_page_cache import REDIS_URL, needs_redis, redis_caches

ALL_SCOPES = [scope.value for scope in Scope]


def schema():
    from api.views import api

    return api.get_openapi_schema()


def check_against_schema(data, name):
    """``data`` is what the OpenAPI schema's component ``name`` describes."""
    document = schema()
    jsonschema.validate(
        data,
        {"$ref": f"#/components/schemas/{name}", "components": document["components"]},
        cls=jsonschema.Draft202012Validator,
    )


class ApiTestCase(TemporaryMedia, TestCase):
    def get(self, url, key=None, **headers):
        if key is not None:
            headers["Authorization"] = f"Bearer {key}"
        return self.client.get(url, headers=headers)

    def json(self, url, key=None, status=200):
        response = self.get(url, key)
        assert response.status_code == status, (url, response.status_code, response.content)
        assert response["Content-Type"] == "application/json"
        return response.json()


class StoryListTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section(slug="budget")
        cls.reporter = make_person(slug="reporter", is_staff_member=True)
        start = timezone.now() - datetime.timedelta(hours=2)
        cls.stories = []
        for i in range(7):
            story = make_public_story(
                section=cls.section if i % 2 else None,
                published_at=start - datetime.timedelta(minutes=i),
                kind=Story.Kind.ANALYSIS if i == 3 else Story.Kind.NEWS,
            )
            add_byline(story, cls.reporter if i < 3 else None)
            story.tags.add("Shared" if i % 3 == 0 else "Other")
            cls.stories.append(story)
        cls.hidden = hidden_stories()

    def test_lists_public_stories_newest_first_a_page_at_a_time(self):
        seen, url = [], "/api/v1/stories/?limit=3"
        while url:
            page = self.json(url)
            check_against_schema(page, "StorySummaryPage")
            assert len(page["items"]) <= 3
            seen += [item["id"] for item in page["items"]]
            url = page["next"]
        assert seen == [story.pk for story in self.stories]

    def test_a_story_published_between_pages_neither_repeats_nor_skips_one(self):
        first = self.json("/api/v1/stories/?limit=3")
        make_public_story(published_at=timezone.now())
        second = self.json(first["next"])
        assert [item["id"] for item in second["items"]] == [s.pk for s in self.stories[3:6]]

    def test_filters_by_section_tag_person_and_kind(self):
        def ids(query):
            return [item["id"] for item in self.json(f"/api/v1/stories/?{query}")["items"]]

        assert ids("section=budget") == [s.pk for i, s in enumerate(self.stories) if i % 2]
        assert ids("tag=shared") == [s.pk for i, s in enumerate(self.stories) if i % 3 == 0]
        assert ids("person=reporter") == [s.pk for s in self.stories[:3]]
        assert ids("kind=analysis") == [self.stories[3].pk]
        assert ids("section=budget&tag=shared") == [self.stories[3].pk]
        # The same filters again with other values: each list is compiled once, then bound.
        assert ids("tag=other") == [s.pk for i, s in enumerate(self.stories) if i % 3]
        assert ids("kind=news") == [s.pk for i, s in enumerate(self.stories) if i != 3]
        assert ids("section=budget&tag=other") == [
            s.pk for i, s in enumerate(self.stories) if i % 2 and i % 3
        ]

    def test_filters_by_the_time_a_story_last_changed_corrections_included(self):
        later = timezone.now()
        corrected, edited = self.stories[5], self.stories[1]
        workflow.add_correction(
            corrected, by=make_user("editor"), kind=Correction.Kind.CORRECTION, text="Fixed."
        )
        Story.objects.filter(pk=edited.pk).update(updated_at=later + datetime.timedelta(seconds=1))
        since = later.isoformat().replace("+00:00", "Z")
        found = self.json(f"/api/v1/stories/?updated_since={since}")["items"]
        assert {item["id"] for item in found} == {corrected.pk, edited.pk}

    def test_unknown_and_hidden_sections_tags_and_people_are_refused(self):
        for query in ["section=nowhere", "tag=canary-topic", "person=nobody"]:
            with self.subTest(query=query):
                assert "error" in self.json(f"/api/v1/stories/?{query}", status=400)

    def test_no_hidden_story_is_listed(self):
        listed = {item["id"] for item in self.json("/api/v1/stories/?limit=100")["items"]}
        assert listed == {story.pk for story in self.stories}
        for story in self.hidden.values():
            self.json(f"/api/v1/stories/{story.pk}/", status=404)


class StoryDetailTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.story = rich_story(2, dek="What happened.", dateline="WASHINGTON")
        cls.anonymous = cls.story.citations.get(is_anonymous=True)

    def test_a_story_whole_as_its_page_shows_it(self):
        data = self.json(f"/api/v1/stories/{self.story.pk}/")
        check_against_schema(data, "Story")
        assert data["id"] == self.story.pk
        assert data["url"] == f"http://testserver{self.story.get_absolute_url()}"
        assert data["body_html"] == self.story.body
        assert data["dateline"] == "WASHINGTON"
        assert [b["role"] for b in data["bylines"]] == ["by", "by", "photos"]
        assert len(data["people"]) == 2 and len(data["tags"]) == 2
        assert len(data["corrections"]) == 2
        assert data["section"]["id"] == self.story.section_id
        assert len(data["related"]) == 2
        renditions = data["hero_image"]["renditions"]
        assert set(renditions) == {"16x9", "4x3", "1x1"}
        assert renditions["16x9"][0]["url"].startswith("http://testserver/media/renditions/")
        assert data["embargo"] is None

    def test_a_story_that_is_not_live_says_so(self):
        assert self.json(f"/api/v1/stories/{self.story.pk}/")["live"] is None

    def test_a_live_story_carries_its_public_updates_newest_first_and_nothing_else(self):
        story = make_live_story(summary="<p>What we know.</p>")
        writer = make_person(name="Rae Porter", slug="rae")
        older = add_update(story, headline="Letter released", authors=[writer])
        newer = add_update(story, headline="Treasury responds", key_event=True)
        older.published_at, newer.published_at = (
            timezone.now() - datetime.timedelta(hours=2),
            timezone.now() - datetime.timedelta(hours=1),
        )
        older.save()
        newer.save()
        hidden_updates(story, canary="Zqxapi")
        data = self.json(f"/api/v1/stories/{story.pk}/")
        check_against_schema(data, "Story")
        live = data["live"]
        assert live["is_open"] and live["summary_html"] == "<p>What we know.</p>"
        assert [u["headline"] for u in live["updates"]] == ["Treasury responds", "Letter released"]
        assert live["updates"][0]["key_event"] is True
        assert [a["name"] for a in live["updates"][1]["authors"]] == ["Rae Porter"]
        assert live["updates"][1]["url"].endswith(f"?update={older.pk}#update-{older.pk}")
        assert "Zqxapi" not in json.dumps(data)

    @override_settings(PAGE_CACHE_ENABLED=False)
    def test_a_live_story_costs_one_query_more_however_many_updates(self):
        story = make_live_story()
        for _ in range(3):
            add_update(story, authors=[make_person()])
        url = f"/api/v1/stories/{story.pk}/"
        self.json(url)
        with self.assertNumQueries(5):
            self.json(url)
        for _ in range(30):
            add_update(story, authors=[make_person()])
        with self.assertNumQueries(5):
            self.json(url)

    def test_sources_are_shown_as_the_story_page_shows_them(self):
        citations = self.json(f"/api/v1/stories/{self.story.pk}/")["citations"]
        anonymous = [c for c in citations if c["is_anonymous"]]
        assert anonymous == [
            {
                "cited_as": self.anonymous.cited_as,
                "cited_as_label": self.anonymous.get_cited_as_display(),
                "name": "a person familiar",
                "url": None,
                "is_anonymous": True,
                "supports": "",
            }
        ]
        named = [c["url"] for c in citations if not c["is_anonymous"]]
        assert named == ["https://example.org/doc/0", "https://example.org/doc/1"]

    def test_the_exported_representation_is_the_api_answer(self):
        with self.settings(SITE_URL="http://testserver"):
            assert shown.story(self.story.pk) == self.json(f"/api/v1/stories/{self.story.pk}/")
        assert shown.story(hidden_stories()["embargoed"].pk) is None

    def test_ids_no_database_holds_are_not_found(self):
        for pk in ["0", str(2**63), "99999999999999999999999"]:
            with self.subTest(pk=pk):
                self.json(f"/api/v1/stories/{pk}/", status=404)


class OtherListsTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.story = make_public_story()
        add_byline(cls.story, make_person(photo=make_image()))
        cls.story.tags.add("IRS")
        Correction.objects.create(story=cls.story, text="Fixed a name.")
        cls.hidden = hidden_stories()
        for story in cls.hidden.values():
            story.tags.add("Secret topic")
            add_byline(story, make_person(name="Secret person"))
            Correction.objects.create(story=story, text="Secret correction")

    def test_sections_tags_people_and_corrections_are_the_public_ones(self):
        for url, name, expected in [
            ("/api/v1/sections/", "SectionPage", [self.story.section_id]),
            ("/api/v1/tags/", "TagPage", list(self.story.tags.values_list("pk", flat=True))),
            ("/api/v1/people/", "PersonPage", [self.story.bylines.get().person_id]),
            ("/api/v1/corrections/", "ListedCorrectionPage", [self.story.corrections.get().pk]),
        ]:
            with self.subTest(url=url):
                page = self.json(url)
                check_against_schema(page, name)
                assert [item["id"] for item in page["items"]] == expected
                first = page["items"][0]
                if "api_url" in first:
                    check_against_schema(self.json(first["api_url"]), name.removesuffix("Page"))

    def test_hidden_sections_tags_and_people_are_not_found(self):
        story = self.hidden["draft"]
        self.json(f"/api/v1/sections/{story.section_id}/", status=404)
        self.json(f"/api/v1/tags/{story.tags.get().pk}/", status=404)
        self.json(f"/api/v1/people/{story.bylines.get().person_id}/", status=404)


class SchemaTests(ApiTestCase):
    def test_the_schema_is_served_and_valid_openapi(self):
        document = self.json("/api/v1/openapi.json")
        validate(document)
        assert set(document["paths"]) >= {
            "/api/v1/stories/",
            "/api/v1/stories/{story_id}/",
            "/api/v1/sections/",
            "/api/v1/tags/",
            "/api/v1/people/",
            "/api/v1/corrections/",
        }
        assert "partnerKey" in document["components"]["securitySchemes"]

    def test_errors_are_as_the_schema_says(self):
        for url in ["/api/v1/stories/?limit=0", "/api/v1/stories/?cursor=x", "/api/v1/stories/1/"]:
            with self.subTest(url=url):
                check_against_schema(self.get(url).json(), "Error")


class CachingTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.story = make_public_story()
        cls.editor = make_user("editor")

    def test_answers_are_cached_like_pages_and_answer_conditional_requests(self):
        url = f"/api/v1/stories/{self.story.pk}/"
        first = self.get(url)
        assert first["X-Page-Cache"] == "miss"
        assert f"story-{self.story.pk}" in first["Surrogate-Key"].split()
        assert first["Cache-Control"].startswith("public, max-age=0, s-maxage=")
        assert first.has_header("Last-Modified")
        again = self.get(url, **{"If-None-Match": first["ETag"]})
        assert again.status_code == 304

    def test_a_correction_purges_the_story_and_the_lists(self):
        detail, listed = f"/api/v1/stories/{self.story.pk}/", "/api/v1/stories/"
        corrections = "/api/v1/corrections/"
        for url in (detail, listed, corrections):
            self.get(url)
            assert self.get(url)["X-Page-Cache"] == "hit"
        workflow.add_correction(
            self.story, by=self.editor, kind=Correction.Kind.CORRECTION, text="Fixed a date."
        )
        assert self.json(detail)["corrections"][0]["text"] == "Fixed a date."
        assert self.json(corrections)["items"][0]["text"] == "Fixed a date."
        assert self.get(listed)["X-Page-Cache"] == "miss"

    def test_an_unpublished_story_leaves_the_cached_answers_at_once(self):
        detail, listed = f"/api/v1/stories/{self.story.pk}/", "/api/v1/stories/"
        self.get(detail), self.get(listed)
        workflow.unpublish(self.story, by=self.editor)
        self.json(detail, status=404)
        assert self.json(listed)["items"] == []


class PartnerKeyTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.public = make_public_story()
        cls.hidden = hidden_stories()
        cls.embargoed = cls.hidden["embargoed"]
        cls.key, cls.presented = ApiKey.issue(name="Wire", scopes=ALL_SCOPES, rate_limit=1000)
        cls.embargo_key, cls.embargo_presented = ApiKey.issue(
            name="Agency client", scopes=ALL_SCOPES, embargo_access=True
        )

    def test_keys_are_stored_hashed(self):
        stored = ApiKey.objects.get(pk=self.key.pk)
        secret = self.presented.split(".", 1)[1]
        assert secret not in json.dumps(list(ApiKey.objects.values()), default=str)
        assert stored.hashed_secret == digest(secret)

    def test_unknown_forged_and_revoked_keys_are_refused(self):
        prefix = self.presented.split(".")[0]
        for presented in ["nonsense", f"{prefix}.wrong", "", "x" * 5000]:
            with self.subTest(presented=presented[:20]):
                response = self.get("/api/v1/stories/", key=presented)
                assert response.status_code == 401
                assert response.has_header("WWW-Authenticate")
        self.key.revoke()
        assert self.get("/api/v1/stories/", key=self.presented).status_code == 401

    def test_a_key_reads_only_its_scopes(self):
        _key, presented = ApiKey.issue(name="Stories only", scopes=["stories"])
        assert self.get("/api/v1/stories/", key=presented).status_code == 200
        for url in ["/api/v1/sections/", "/api/v1/tags/", "/api/v1/corrections/"]:
            assert self.get(url, key=presented).status_code == 403

    def test_keyed_answers_are_never_stored_nor_served_from_the_shared_cache(self):
        url = f"/api/v1/stories/{self.public.pk}/"
        self.get(url), self.get(url)  # cached for anonymous readers
        keyed = self.get(url, key=self.presented)
        assert not keyed.has_header("X-Page-Cache")
        assert keyed["Cache-Control"] == "private, no-cache"
        assert "Authorization" in keyed["Vary"]
        revalidated = self.get(url, key=self.presented, **{"If-None-Match": keyed["ETag"]})
        assert revalidated.status_code == 304

    def test_embargo_access_shows_embargoed_stories_marked_and_logs_each_read(self):
        url = f"/api/v1/stories/{self.embargoed.pk}/"
        self.json(url, status=404)
        self.json(url, key=self.presented, status=404)
        data = self.json(url, key=self.embargo_presented)
        check_against_schema(data, "Story")
        until = datetime.datetime.fromisoformat(data["embargo"]["until"])
        assert until == self.embargoed.embargo_until
        assert "not for publication before" in data["embargo"]["note"]
        listed = self.json("/api/v1/stories/", key=self.embargo_presented)["items"]
        assert {item["id"] for item in listed} == {self.public.pk, self.embargoed.pk}
        reads = EmbargoedRead.objects.filter(key=self.embargo_key, story=self.embargoed)
        assert reads.count() == 2
        assert {read.path for read in reads} == {url, "/api/v1/stories/"}
        # Scheduled, draft and unpublished stories stay hidden even from such a key.
        for state in ("draft", "in_review", "scheduled", "unpublished"):
            self.json(f"/api/v1/stories/{self.hidden[state].pk}/", self.embargo_presented, 404)

    def test_embargoed_answers_never_reach_the_shared_cache(self):
        url = f"/api/v1/stories/{self.embargoed.pk}/"
        self.get(url, key=self.embargo_presented)
        assert self.get(url).status_code == 404
        assert EmbargoedRead.objects.count() == 1


class RateLimitTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        make_public_story()

    @override_settings(API_ANONYMOUS_RATE_LIMIT=3)
    def test_anonymous_clients_get_429_with_retry_after_past_their_limit(self):
        answers = [self.get("/api/v1/stories/") for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert answers[2]["X-Page-Cache"] == "hit"  # cached answers count too
        assert 1 <= int(answers[3]["Retry-After"]) <= 60
        assert "error" in answers[3].json()
        other = self.client.get("/api/v1/stories/", REMOTE_ADDR="10.0.0.2")
        assert other.status_code == 200

    @override_settings(API_ANONYMOUS_RATE_LIMIT=1)
    def test_a_key_has_its_own_limit(self):
        _, presented = ApiKey.issue(name="Partner", scopes=ALL_SCOPES, rate_limit=5)
        statuses = [self.get("/api/v1/stories/", key=presented).status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]

    def test_a_new_minute_starts_a_new_count(self):
        assert limits.spend("someone", 1, now=120.0) is None
        assert limits.spend("someone", 1, now=150.0) == 30
        assert limits.spend("someone", 1, now=180.0) is None


@needs_redis
class RateLimitAcrossProcessesTests(ApiTestCase):
    def test_processes_sharing_redis_count_together(self):
        with override_settings(CACHES=redis_caches()):
            caches["default"].clear()
            try:
                script = (
                    "import django, os; django.setup(); from api import limits; "
                    "print([limits.spend('shared', 5, now=1000.0) for _ in range(3)])"
                )
                env = {
                    **os.environ,
                    "DJANGO_SETTINGS_MODULE": "newsroom.settings",
                    "DEBUG": "1",
                    "REDIS_URL": REDIS_URL,
                    "CACHE_KEY_PREFIX": "newsroom-tests",
                }
                out = subprocess.run(
                    [sys.executable, "-c", script], env=env, capture_output=True, text=True
                )
                assert out.stdout.strip() == "[None, None, None]", out.stderr
                here = [limits.spend("shared", 5, now=1000.0) for _ in range(3)]
                assert here == [None, None, 20]
            finally:
                caches["default"].clear()


class KeyAdminTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.reporter = make_user("reporter")

    def test_an_editor_issues_a_key_seen_once_and_revokes_it(self):
        self.client.force_login(self.editor)
        response = self.client.post(
            "/admin/api/apikey/add/",
            {"name": "Wire partner", "rate_limit": "120", "scopes": ["stories", "tags"]},
        )
        assert response.status_code == 200
        key = ApiKey.objects.get(name="Wire partner")
        presented = response.context["presented"]
        assert presented in response.text and presented.startswith(key.prefix + ".")
        assert response["Cache-Control"].startswith("private, no-store")
        assert key.scopes == ["stories", "tags"] and key.rate_limit == 120
        assert key.created_by == self.editor
        page = self.client.get(f"/admin/api/apikey/{key.pk}/change/").text
        assert presented.split(".", 1)[1] not in page
        self.client.logout()
        assert self.get("/api/v1/stories/", key=presented).status_code == 200
        self.client.force_login(self.editor)
        self.client.post("/admin/api/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
        self.client.logout()
        assert ApiKey.objects.get(pk=key.pk).revoked_at is not None
        assert self.get("/api/v1/stories/", key=presented).status_code == 401

    def test_editors_read_the_log_of_reads_under_embargo_and_reporters_do_not(self):
        _key, presented = ApiKey.issue(name="Agency", scopes=ALL_SCOPES, embargo_access=True)
        embargoed = hidden_stories()["embargoed"]
        self.get(f"/api/v1/stories/{embargoed.pk}/", key=presented)
        self.client.force_login(self.editor)
        log = self.client.get("/admin/api/embargoedread/")
        assert log.status_code == 200 and embargoed.headline in log.text
        read = EmbargoedRead.objects.get()
        assert self.client.get(f"/admin/api/embargoedread/{read.pk}/delete/").status_code == 403
        self.client.force_login(self.reporter)
        assert self.client.get("/admin/api/embargoedread/").status_code == 403
        assert self.client.get("/admin/api/apikey/").status_code == 403


class CitationPrivacyTests(ApiTestCase):
    def test_no_source_field_for_editors_only_is_ever_read(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        story = make_public_story()
        cite(
            story,
            make_source(contact_details="555", private_notes="diner"),
            is_anonymous=True,
            public_description="an official",
        )
        with CaptureQueriesContext(connection) as queries:
            self.json(f"/api/v1/stories/{story.pk}/")
        sql = " ".join(q["sql"] for q in queries)
        assert "contact_details" not in sql and "private_notes" not in sql
        assert "sealed_source" not in sql
