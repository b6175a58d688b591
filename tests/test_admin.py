from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stories.models import Correction, Image, Source, SourceAccess, Story, Tag, TagMerge
from stories.tagging import merge_tags
from tests.helpers.accounts import story_post_data
from tests.helpers.demo import load_demo
from tests.helpers.factories import (
    add_byline,
    cite,
    make_person,
    make_public_story,
    make_section,
    make_story,
)

STORIES_MODELS = [m for m in admin.site._registry if m._meta.app_label == "stories"]
# Records the admin lists but nobody adds by hand.
READ_ONLY_MODELS = {TagMerge, SourceAccess}


class AdminPagesRenderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = get_user_model().objects.create_superuser("chief", "c@example.org", "pw")
        load_demo()
        Image.objects.create(file="images/2026/11/x.png", alt_text="A chart", width=10, height=10)
        merge_tags(
            [Tag.objects.create(name="Internal Revenue Service")], Tag.objects.get(name="IRS")
        )
        SourceAccess.record(Source.objects.exclude(contact_details="").first(), cls.superuser)

    def setUp(self):
        self.client.force_login(self.superuser)

    def test_every_model_is_registered(self):
        names = {m.__name__ for m in STORIES_MODELS}
        assert {"Story", "Person", "Source", "Section", "Tag", "Image", "Correction"} <= names

    def test_every_changelist_add_and_change_page_renders(self):
        for model in STORIES_MODELS:
            info = (model._meta.app_label, model._meta.model_name)
            obj = model.objects.first()
            urls = [
                reverse("admin:{}_{}_changelist".format(*info)),
                reverse("admin:{}_{}_change".format(*info), args=[obj.pk]),
            ]
            if model not in READ_ONLY_MODELS:
                urls.append(reverse("admin:{}_{}_add".format(*info)))
            for url in urls:
                with self.subTest(url=url):
                    assert self.client.get(url).status_code == 200

    def test_story_change_page_shows_inlines_and_view_on_site(self):
        story = Story.objects.get(slug="irs-commissioner-melanie-krause-resigns")
        page = self.client.get(reverse("admin:stories_story_change", args=[story.pk]))
        assert "bylines-TOTAL_FORMS" in page.text
        assert "citations-TOTAL_FORMS" in page.text
        assert "corrections-TOTAL_FORMS" in page.text
        assert "View on site" in page.text

    def test_changelist_search_and_filters_work(self):
        url = reverse("admin:stories_story_changelist")
        page = self.client.get(url, {"q": "Krause", "status__exact": "published"})
        assert page.status_code == 200
        assert "Melanie Krause resigns" in page.text
        assert "Inside the weeks" not in page.text


class ChangelistQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = get_user_model().objects.create_superuser("chief", "c@example.org", "pw")
        cls.section = make_section()

    def setUp(self):
        self.client.force_login(self.superuser)

    def add_stories(self, n):
        for _ in range(n):
            story = make_public_story(section=self.section)
            add_byline(story)
            add_byline(story)
            story.tags.add("IRS", "Privacy")
            cite(story)
            Correction.objects.create(story=story, text="Fixed.")

    def count_queries(self, url):
        with CaptureQueriesContext(connection) as queries:
            assert self.client.get(url).status_code == 200
        return len(queries)

    def test_changelists_run_the_same_queries_for_5_rows_as_for_100(self):
        make_story(section=self.section)
        self.add_stories(5)
        urls = [
            reverse(f"admin:stories_{name}_changelist")
            for name in ["story", "correction", "person", "source", "tag", "section"]
        ]
        few = {url: self.count_queries(url) for url in urls}
        self.add_stories(95)
        many = {url: self.count_queries(url) for url in urls}
        assert many == few


class BylineOrderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = get_user_model().objects.create_superuser("chief", "c@example.org", "pw")

    def setUp(self):
        self.client.force_login(self.superuser)
        self.story = make_story()
        self.first = add_byline(self.story, make_person(name="First"), position=1)
        self.second = add_byline(self.story, make_person(name="Second"), position=2)

    def post_bylines(self, *rows):
        data = story_post_data(self.story)
        data["bylines-TOTAL_FORMS"] = len(rows)
        data["bylines-INITIAL_FORMS"] = sum(1 for row in rows if "id" in row)
        for index, row in enumerate(rows):
            for name, value in row.items():
                data[f"bylines-{index}-{name}"] = value
            data[f"bylines-{index}-story"] = self.story.pk
            data.setdefault(f"bylines-{index}-role", "by")
        url = reverse("admin:stories_story_change", args=[self.story.pk])
        return self.client.post(url, data)

    def names_in_order(self):
        return [byline.person.name for byline in self.story.bylines.select_related("person")]

    def test_editors_can_swap_two_bylines_in_one_save(self):
        response = self.post_bylines(
            {"id": self.first.pk, "person": self.first.person_id, "position": 2},
            {"id": self.second.pk, "person": self.second.person_id, "position": 1},
        )
        assert response.status_code == 302, response.context["errors"]
        assert self.names_in_order() == ["Second", "First"]

    def test_a_new_byline_may_take_the_place_of_a_removed_one(self):
        newcomer = make_person(name="Newcomer")
        response = self.post_bylines(
            {"id": self.first.pk, "person": self.first.person_id, "position": 1, "DELETE": "on"},
            {"id": self.second.pk, "person": self.second.person_id, "position": 2},
            {"person": newcomer.pk, "position": 1},
        )
        assert response.status_code == 302
        assert self.names_in_order() == ["Newcomer", "Second"]

    def test_two_bylines_given_one_position_get_a_form_error_not_a_crash(self):
        response = self.post_bylines(
            {"id": self.first.pk, "person": self.first.person_id, "position": 1},
            {"id": self.second.pk, "person": self.second.person_id, "position": 1},
        )
        assert response.status_code == 200
        assert "Two bylines have the same position" in response.text
        assert self.names_in_order() == ["First", "Second"]
