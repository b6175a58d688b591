from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stories.admin.tag_input import TagInputField
from stories.models import Section, SlugHistory, Story, Tag, TagAlias, TaggedStory, TagMerge
from stories.tagging import merge_tags
from tests.helpers.factories import hidden_stories, make_public_story, make_section, make_story

REPORTER_PERMISSIONS = ["add_story", "change_story", "view_story", "view_tag"]
EDITOR_PERMISSIONS = [*REPORTER_PERMISSIONS, "add_tag", "manage_tags"]


def make_staff(username, codenames):
    user = get_user_model().objects.create_user(username, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="stories", codename__in=codenames)
    )
    return user


class TagAdminFixture:
    @classmethod
    def setUpTestData(cls):
        cls.reporter = make_staff("reporter", REPORTER_PERMISSIONS)
        cls.editor = make_staff("editor", EDITOR_PERMISSIONS)
        cls.irs = Tag.objects.create(name="IRS", slug="irs", description="The tax agency.")
        cls.dotted = Tag.objects.create(name="I.R.S.", slug="i-r-s")
        cls.unused = Tag.objects.create(name="Zoning", slug="zoning")
        TagAlias.objects.create(tag=cls.irs, name="Internal Revenue Service")
        for story in [make_public_story(), make_public_story(), *hidden_stories().values()]:
            story.tags.add(cls.irs)
        cls.draft = make_story()
        cls.draft.tags.add(cls.dotted)
        make_public_story().tags.add(cls.dotted)


class TagListTests(TagAdminFixture, TestCase):
    url = reverse("admin:stories_tag_changelist")

    def setUp(self):
        self.client.force_login(self.editor)

    def rows(self, **params):
        response = self.client.get(self.url, params)
        assert response.status_code == 200
        return list(response.context["cl"].result_list)

    def test_lists_public_and_unpublished_counts_last_use_and_aliases(self):
        response = self.client.get(self.url)
        irs = next(tag for tag in response.context["cl"].result_list if tag.name == "IRS")
        assert (irs.public_count, irs.unpublished_count) == (2, 5)
        assert irs.last_used is not None
        assert "Internal Revenue Service" in response.text
        assert "The tax agency." in response.text

    def test_sorts_by_usage(self):
        fields = self.client.get(self.url).context["cl"].list_display
        column = fields.index("public_stories")
        names = [tag.name for tag in self.rows(o=f"-{column}")]
        assert names == ["IRS", "I.R.S.", "Zoning"]
        column = fields.index("unpublished_stories")
        assert [tag.name for tag in self.rows(o=f"{column}")] == ["Zoning", "I.R.S.", "IRS"]

    def test_search_finds_tags_by_name_and_alias_without_inflating_counts(self):
        (irs,) = self.rows(q="revenue")
        assert irs.name == "IRS"
        assert (irs.public_count, irs.unpublished_count) == (2, 5)
        assert [tag.name for tag in self.rows(q="zon")] == ["Zoning"]

    def test_filter_for_unused_tags(self):
        assert [tag.name for tag in self.rows(usage="unused")] == ["Zoning"]
        assert {tag.name for tag in self.rows(usage="used")} == {"IRS", "I.R.S."}

    def test_runs_the_same_number_of_queries_for_3_tags_as_for_60(self):
        def count():
            with CaptureQueriesContext(connection) as queries:
                assert self.client.get(self.url).status_code == 200
            return len(queries)

        few = count()
        for n in range(57):
            tag = Tag.objects.create(name=f"Topic {n}")
            TagAlias.objects.create(tag=tag, name=f"Subject {n}")
            make_public_story().tags.add(tag, self.irs)
        assert Tag.objects.count() == 60
        assert count() == few

    def test_reporters_see_the_list_read_only_without_management_tools(self):
        self.client.force_login(self.reporter)
        response = self.client.get(self.url)
        assert response.status_code == 200
        assert "Find duplicates" not in response.text
        assert "merge_selected" not in response.text
        change = self.client.get(reverse("admin:stories_tag_change", args=[self.irs.pk]))
        assert change.status_code == 200
        assert 'name="name"' not in change.text


class MergeAdminTests(TagAdminFixture, TestCase):
    merge_url = reverse("admin:stories_tag_merge")

    def test_the_merge_action_leads_to_the_preview_of_the_selected_tags(self):
        self.client.force_login(self.editor)
        response = self.client.post(
            reverse("admin:stories_tag_changelist"),
            {"action": "merge_selected", "_selected_action": [self.irs.pk, self.dotted.pk]},
        )
        assert response.status_code == 302
        preview = self.client.get(response["Location"])
        assert preview.status_code == 200
        plan = preview.context["plan"]
        assert plan.target == self.irs
        assert [row["tag"] for row in plan.rows] == [self.dotted]
        assert "Merge into “IRS”" in preview.text
        assert "including drafts, scheduled and unpublished stories" in preview.text

    def test_the_preview_shows_per_tag_counts_and_changes_nothing(self):
        self.client.force_login(self.editor)
        before = set(TaggedStory.objects.values_list("pk", flat=True))
        response = self.client.get(
            self.merge_url, {"tags": [self.irs.pk, self.dotted.pk], "target": self.dotted.pk}
        )
        row = response.context["plan"].rows[0]
        assert row["tag"] == self.irs
        assert (row["tag"].public_count, row["tag"].unpublished_count) == (2, 5)
        assert "/tag/irs/" in response.text
        assert set(TaggedStory.objects.values_list("pk", flat=True)) == before

    def test_confirming_merges_and_records_the_editor(self):
        self.client.force_login(self.editor)
        response = self.client.post(
            self.merge_url, {"tags": [self.irs.pk, self.dotted.pk], "target": self.irs.pk}
        )
        assert response.status_code == 302
        assert not Tag.objects.filter(pk=self.dotted.pk).exists()
        assert self.draft.tags.get() == self.irs
        assert TagMerge.objects.get().performed_by == self.editor
        assert self.client.get("/tag/i-r-s/")["Location"] == "/tag/irs/"

    def test_a_typed_new_name_is_created_on_confirmation_only(self):
        self.client.force_login(self.editor)
        data = {"tags": [self.irs.pk, self.dotted.pk], "new_name": "Tax agency"}
        preview = self.client.get(self.merge_url, data)
        assert "A new tag “Tax agency” will be created" in preview.text
        assert not Tag.objects.filter(name="Tax agency").exists()
        self.client.post(self.merge_url, data)
        assert Tag.objects.get(name="Tax agency").tagged_stories.count() == 9

    def test_bad_merge_requests_get_a_clear_error_not_a_crash(self):
        self.client.force_login(self.editor)
        cases = [
            {"tags": [self.irs.pk], "target": self.irs.pk},
            {"tags": ["999999", self.irs.pk]},
            {"tags": ["abc"]},
            {},
            {"tags": [self.irs.pk, self.dotted.pk], "target": self.unused.pk},
            {"tags": [self.irs.pk, self.dotted.pk], "new_name": "a, b"},
        ]
        for data in cases:
            with self.subTest(data=data):
                response = self.client.post(self.merge_url, data)
                assert response.status_code == 200
                assert response.context["form"].errors
        assert not TagMerge.objects.exists()
        assert Tag.objects.count() == 3

    def test_reporters_cannot_merge_even_with_forged_requests(self):
        self.client.force_login(self.reporter)
        data = {"tags": [self.irs.pk, self.dotted.pk], "target": self.irs.pk}
        assert self.client.get(self.merge_url, data).status_code == 403
        assert self.client.post(self.merge_url, data).status_code == 403
        forged_action = self.client.post(
            reverse("admin:stories_tag_changelist"),
            {"action": "merge_selected", "_selected_action": [self.irs.pk, self.dotted.pk]},
        )
        assert "merge" not in forged_action.get("Location", "")
        assert Tag.objects.count() == 3
        assert not TagMerge.objects.exists()

    def test_undo_from_the_merge_history(self):
        before = set(TaggedStory.objects.values_list("content_object_id", "tag__name"))
        merge = merge_tags([self.dotted], self.irs, by=self.editor)
        undo_url = reverse("admin:stories_tagmerge_undo", args=[merge.pk])
        self.client.force_login(self.editor)
        history = self.client.get(reverse("admin:stories_tagmerge_changelist"))
        assert undo_url in history.text
        confirm = self.client.get(undo_url)
        assert "bring back the tag “I.R.S.”" in confirm.text
        assert self.client.post(undo_url).status_code == 302
        assert set(TaggedStory.objects.values_list("content_object_id", "tag__name")) == before
        again = self.client.post(undo_url, follow=True)
        assert "already been undone" in again.text

    def test_reporters_cannot_undo_a_merge(self):
        merge = merge_tags([self.dotted], self.irs, by=self.editor)
        self.client.force_login(self.reporter)
        undo_url = reverse("admin:stories_tagmerge_undo", args=[merge.pk])
        assert self.client.post(undo_url).status_code == 403
        assert self.client.get(reverse("admin:stories_tagmerge_changelist")).status_code == 403
        assert not Tag.objects.filter(name="I.R.S.").exists()


class DuplicatesPageTests(TagAdminFixture, TestCase):
    url = reverse("admin:stories_tag_duplicates")

    def test_each_suggestion_links_to_the_merge_preview(self):
        Tag.objects.create(name="Data-sharing")
        Tag.objects.create(name="data sharing")
        self.client.force_login(self.editor)
        response = self.client.get(self.url)
        groups = {frozenset(t.name for t in g.tags): g for g in response.context["groups"]}
        group = groups[frozenset({"IRS", "I.R.S."})]
        assert frozenset({"Data-sharing", "data sharing"}) in groups
        assert group.merge_url in response.text.replace("&amp;", "&")
        preview = self.client.get(group.merge_url)
        assert preview.context["plan"].target == self.irs
        assert [row["tag"] for row in preview.context["plan"].rows] == [self.dotted]

    def test_reporters_cannot_see_it(self):
        self.client.force_login(self.reporter)
        assert self.client.get(self.url).status_code == 403


class RenameAliasDeleteTests(TagAdminFixture, TestCase):
    def change(self, tag, **fields):
        data = {
            "name": tag.name,
            "slug": tag.slug,
            "description": tag.description,
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
            **fields,
        }
        return self.client.post(reverse("admin:stories_tag_change", args=[tag.pk]), data)

    def test_renaming_through_the_admin_keeps_a_301(self):
        self.client.force_login(self.editor)
        response = self.change(self.irs, name="Internal Revenue", slug="internal-revenue")
        assert response.status_code == 302
        old = self.client.get("/tag/irs/?page=2")
        assert old.status_code == 301
        assert old["Location"] == "/tag/internal-revenue/?page=2"

    def test_adding_an_alias_through_the_admin(self):
        self.client.force_login(self.editor)
        self.change(
            self.unused,
            **{"aliases-TOTAL_FORMS": "1", "aliases-0-name": "Land use", "aliases-0-tag": ""},
        )
        story = make_story()
        story.tags.add("land use")
        assert list(story.tags.all()) == [self.unused]

    def test_an_alias_clashing_with_a_tag_is_a_form_error(self):
        self.client.force_login(self.editor)
        response = self.change(
            self.unused, **{"aliases-TOTAL_FORMS": "1", "aliases-0-name": "irs"}
        )
        assert response.status_code == 200
        assert "already the name of a tag" in response.text
        assert not self.unused.aliases.exists()

    def test_reporters_cannot_rename_alias_or_delete(self):
        self.client.force_login(self.reporter)
        assert self.change(self.irs, slug="renamed").status_code == 403
        assert (
            self.change(
                self.irs, **{"aliases-TOTAL_FORMS": "1", "aliases-0-name": "X"}
            ).status_code
            == 403
        )
        delete_url = reverse("admin:stories_tag_delete", args=[self.unused.pk])
        assert self.client.post(delete_url, {"post": "yes"}).status_code == 403
        self.client.post(
            reverse("admin:stories_tag_changelist"),
            {"action": "delete_selected", "_selected_action": [self.unused.pk], "post": "yes"},
        )
        assert Tag.objects.filter(pk=self.unused.pk).exists()
        assert Tag.objects.get(pk=self.irs.pk).slug == "irs"
        assert not SlugHistory.objects.exists()
        assert not TagAlias.objects.filter(name="X").exists()


class CleanUpTests(TagAdminFixture, TestCase):
    url = reverse("admin:stories_tag_cleanup")

    def test_lists_the_unused_tags_before_deleting_them(self):
        self.client.force_login(self.editor)
        response = self.client.get(self.url)
        assert list(response.context["tags"]) == [self.unused]
        assert Tag.objects.filter(pk=self.unused.pk).exists()
        self.client.post(self.url, {"tags": [self.unused.pk]})
        assert not Tag.objects.filter(pk=self.unused.pk).exists()
        assert Tag.objects.count() == 2

    def test_a_tag_used_since_the_confirmation_page_is_kept(self):
        self.client.force_login(self.editor)
        self.client.get(self.url)
        make_story().tags.add(self.unused)
        response = self.client.post(self.url, {"tags": [self.unused.pk]}, follow=True)
        assert Tag.objects.filter(pk=self.unused.pk).exists()
        assert "Kept 1 tag(s)" in response.text

    def test_forged_ids_of_used_tags_are_never_deleted(self):
        self.client.force_login(self.editor)
        self.client.post(self.url, {"tags": [self.irs.pk, self.dotted.pk, "x"]})
        assert Tag.objects.count() == 3

    def test_reporters_cannot_clean_up(self):
        self.client.force_login(self.reporter)
        assert self.client.get(self.url).status_code == 403
        assert self.client.post(self.url, {"tags": [self.unused.pk]}).status_code == 403
        assert Tag.objects.filter(pk=self.unused.pk).exists()


class TagInputTests(TagAdminFixture, TestCase):
    suggest_url = reverse("admin:stories_tag_suggest")

    def suggest(self, term):
        response = self.client.get(self.suggest_url, {"q": term})
        assert response.status_code == 200
        return response.json()["results"]

    def story_form_data(self, url, **fields):
        """The story form's own data, with every inline formset left empty."""
        page = self.client.get(url)
        data = {
            "headline": "Audit season",
            "slug": "audit-season",
            "section": Section.objects.first().pk,
            "kind": Story.Kind.NEWS,
            "status": Story.Status.DRAFT,
        }
        for inline in page.context["inline_admin_formsets"]:
            prefix = inline.formset.prefix
            data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
        return data | fields

    def test_suggestions_show_counts_and_resolve_aliases(self):
        self.client.force_login(self.reporter)
        assert self.suggest("ir") == [{"name": "IRS", "count": 7, "alias": None}]
        assert self.suggest("r") == [
            {"name": "IRS", "count": 7, "alias": None},
            {"name": "I.R.S.", "count": 2, "alias": None},
        ]
        assert self.suggest("revenue") == [
            {"name": "IRS", "count": 7, "alias": "Internal Revenue Service"}
        ]
        assert self.suggest("zon") == [{"name": "Zoning", "count": 0, "alias": None}]
        assert self.suggest("  ") == []

    def test_suggestions_need_permission_to_edit_stories(self):
        outsider = make_staff("outsider", ["view_tag"])
        self.client.force_login(outsider)
        assert self.client.get(self.suggest_url, {"q": "ir"}).status_code == 403
        self.client.logout()
        assert self.client.get(self.suggest_url, {"q": "ir"}).status_code == 302

    def test_the_story_form_offers_the_accessible_tag_input(self):
        self.client.force_login(self.reporter)
        story = make_story()
        story.tags.add("Data sharing", "IRS")
        page = self.client.get(reverse("admin:stories_story_change", args=[story.pk]))
        assert 'role="combobox"' in page.text
        assert 'role="listbox"' in page.text
        assert f'data-suggest-url="{self.suggest_url}"' in page.text
        assert 'value="Data sharing, IRS"' in page.text
        assert "stories/admin/tag-input.js" in page.text

    def test_reporters_apply_existing_tags_aliases_and_create_new_ones(self):
        self.client.force_login(self.reporter)
        make_section()
        url = reverse("admin:stories_story_add")
        data = self.story_form_data(
            url, tags=" irs, internal revenue service ,data   sharing, Audits,"
        )
        refused = self.client.post(url, data)
        assert refused.status_code == 200
        assert "No tag is called “data sharing”, “Audits”." in refused.text
        for name in ["data sharing", "Audits"]:
            assert f'name="create_tags" value="{name}"' in refused.text
        assert "internal revenue service ,data   sharing, Audits" in refused.text  # as typed
        assert not Tag.objects.filter(name__in=["Audits", "data sharing"]).exists()
        response = self.client.post(url, data | {"create_tags": ["data sharing", "Audits"]})
        assert response.status_code == 302, response.context["adminform"].form.errors
        story = Story.objects.get(slug="audit-season")
        assert sorted(story.tags.names()) == ["Audits", "IRS", "data sharing"]
        assert Tag.objects.filter(name__iexact="irs").count() == 1
        assert not Tag.objects.filter(name__iexact="internal revenue service").exists()

    def test_a_half_typed_name_is_never_silently_created(self):
        self.client.force_login(self.reporter)
        make_section()
        url = reverse("admin:stories_story_add")
        response = self.client.post(url, self.story_form_data(url, tags="IRS, IR"))
        assert response.status_code == 200
        assert "No tag is called “IR”." in response.text
        assert 'value="IRS, IR"' in response.text  # kept as typed, not applied
        assert not Tag.objects.filter(name="IR").exists()
        assert not Story.objects.filter(slug="audit-season").exists()

    def test_a_name_chosen_to_be_created_is_created_on_save(self):
        self.client.force_login(self.reporter)
        make_section()
        url = reverse("admin:stories_story_add")
        data = self.story_form_data(url, tags="IRS, Audit trail", create_tags=["Audit trail"])
        assert self.client.post(url, data).status_code == 302
        story = Story.objects.get(slug="audit-season")
        assert sorted(story.tags.names()) == ["Audit trail", "IRS"]


class TagFieldTests(TestCase):
    def test_typed_tags_split_on_commas_only_and_drop_repeats(self):
        field = TagInputField(required=False)
        assert field.clean(" data   sharing,IRS, irs ,, ") == ["data sharing", "IRS"]
        assert field.clean("") == []

    def test_reordering_or_recasing_the_same_tags_is_not_a_change(self):
        field = TagInputField(required=False)
        irs, privacy = Tag.objects.create(name="IRS"), Tag.objects.create(name="Privacy")
        assert not field.has_changed([irs, privacy], "privacy, IRS")
        assert field.has_changed([irs, privacy], "IRS")
        assert field.has_changed([], "IRS")


class TopicPageTests(TestCase):
    def test_the_tag_page_shows_the_description_escaped(self):
        tag = Tag.objects.create(name="IRS", description="All about <b>taxes</b>.")
        make_public_story().tags.add(tag)
        response = self.client.get(tag.get_absolute_url())
        assert "All about &lt;b&gt;taxes&lt;/b&gt;." in response.text
