"""A reporter drafts stories; publishing them is an editor's decision, enforced by the server."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from stories.models import Story
from tests.helpers.browser import choose, log_in, make_staff, type_body
from tests.helpers.factories import make_person, make_section, make_story

pytestmark = pytest.mark.browser

HEADLINE = "Draft: what the audit of IRS data requests will cover"


@pytest.fixture
def reporter_page(new_page):
    make_staff("reporter", "Reporter")
    page = new_page()
    log_in(page, "reporter")
    return page


@pytest.fixture
def draft():
    return make_story(headline=HEADLINE)


def test_reporter_drafts_a_story_that_readers_do_not_see(reporter_page, screenshot):
    page = reporter_page
    make_section(name="Government", slug="government")

    page.goto("/admin/stories/story/add/")
    page.get_by_label("Headline:", exact=True).press_sequentially(HEADLINE)
    type_body(page, "Notes from the first interviews.")
    choose(page, "Section", "Gov", "Government")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    screenshot(page, "reporter-1-draft-saved")

    story = Story.objects.get(headline=HEADLINE)
    assert story.status == Story.Status.DRAFT
    assert story.body == "<p>Notes from the first interviews.</p>"
    assert not story.is_public
    page.goto("/")
    expect(page.get_by_role("main")).not_to_contain_text(HEADLINE)


def test_reporter_has_no_control_to_publish(reporter_page, draft):
    page = reporter_page
    page.goto(f"/admin/stories/story/{draft.pk}/change/")
    workflow = page.get_by_role("region", name="Workflow")
    expect(workflow).to_contain_text("Status: Draft")
    expect(workflow.get_by_role("button", name="Submit for review")).to_be_visible()
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)
    expect(page.get_by_role("button", name="Schedule")).to_have_count(0)
    expect(page.locator("[name=status]")).to_have_count(0)
    expect(page.locator("[name^=published_at]")).to_have_count(0)

    page.goto("/admin/stories/story/")
    actions = page.get_by_label("Action:").locator("option")
    expect(actions).to_contain_text(["Submit selected stories for review"])
    assert not [text for text in actions.all_inner_texts() if "ublish" in text]


def forge_post(page, action, fields):
    """Submit from the page a form it does not offer, with the page's CSRF token."""
    with page.expect_navigation() as navigation:
        page.evaluate(
            """([action, fields]) => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = action;
                const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
                for (const [name, value] of [["csrfmiddlewaretoken", token], ...fields]) {
                    const input = document.createElement("input");
                    Object.assign(input, {type: "hidden", name, value});
                    form.append(input);
                }
                document.body.append(form);
                form.submit();
            }""",
            [action, list(fields.items())],
        )
    return navigation.value


def test_reporter_forged_status_field_is_ignored(reporter_page, draft):
    page = reporter_page
    page.goto(f"/admin/stories/story/{draft.pk}/change/")
    # The story form as it is, with a status and a publish time added to it.
    page.evaluate(
        """() => {
            const form = document.querySelector("#story_form");
            const forged = {status: "published", published_at_0: "2026-01-05",
                            published_at_1: "09:00:00"};
            for (const [name, value] of Object.entries(forged)) {
                const input = document.createElement("input");
                Object.assign(input, {type: "hidden", name, value});
                form.append(input);
            }
        }"""
    )
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Save and continue editing").click()
    assert navigation.value.status == 200
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")

    draft.refresh_from_db()
    assert draft.status == Story.Status.DRAFT
    assert draft.published_at is None
    assert not draft.is_public


def test_reporter_forged_publish_transition_is_refused(reporter_page, draft):
    page = reporter_page
    page.goto(f"/admin/stories/story/{draft.pk}/change/")
    response = forge_post(
        page, reverse("admin:stories_story_transition", args=[draft.pk, "publish"]), {}
    )
    assert response.status == 403

    draft.refresh_from_db()
    assert draft.status == Story.Status.DRAFT
    assert not draft.is_public
    assert not draft.status_changes.exists()


def test_reporter_forged_publish_action_is_refused(reporter_page, draft):
    page = reporter_page
    page.goto("/admin/stories/story/")
    response = forge_post(
        page,
        reverse("admin:stories_story_changelist"),
        {"action": "publish_stories", "_selected_action": str(draft.pk), "index": "0"},
    )
    assert response.status == 200
    expect(page.locator(".messagelist .warning")).to_contain_text("No action selected")

    draft.refresh_from_db()
    assert draft.status == Story.Status.DRAFT
    assert not draft.is_public
    assert not draft.status_changes.exists()


def test_reporter_hands_a_story_to_an_editor_with_a_note(new_page, screenshot):
    reporter = make_staff("reporter", "Reporter")
    make_staff("editor", "Editor")
    make_person(name="Rae Porter", slug="rae-porter", user=reporter, is_staff_member=True)
    section = make_section(name="Government", slug="government")
    page = new_page()
    log_in(page, "reporter")

    page.goto("/admin/stories/story/add/")
    page.get_by_label("Headline:", exact=True).press_sequentially(HEADLINE)
    type_body(page, "What the audit will cover.")
    choose(page, "Section", "Gov", section.name)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    story = Story.objects.get(headline=HEADLINE)
    assert [byline.person.name for byline in story.bylines.all()] == ["Rae Porter"]

    workflow = page.get_by_role("region", name="Workflow")
    workflow.get_by_label("Note for the next person (optional)").fill(
        "Ready, but the Treasury figure needs a check."
    )
    workflow.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messagelist .success")).to_contain_text("in review")
    expect(page.get_by_role("region", name="Workflow")).to_contain_text(
        "Ready, but the Treasury figure needs a check."
    )

    editor = new_page()
    log_in(editor, "editor")
    editor.goto("/admin/")
    waiting = editor.get_by_role("region", name="Waiting for review")
    expect(waiting).to_contain_text(HEADLINE)
    expect(waiting).to_contain_text("Ready, but the Treasury figure needs a check.")
    screenshot(editor, "editor-desk-with-a-note")
    waiting.get_by_role("link", name=HEADLINE).click()
    expect(editor.get_by_role("heading", level=1)).to_be_visible()
    assert f"/admin/stories/story/{story.pk}/change/" in editor.url


def test_reporter_creates_a_new_tag_only_by_choosing_to(reporter_page, draft):
    page = reporter_page
    make_section(name="Government", slug="government")
    page.goto(f"/admin/stories/story/{draft.pk}/change/")
    tags = page.get_by_role("combobox", name="Tags")
    tags.press_sequentially("Audit tra")
    create = page.get_by_role("option", name="Create tag “Audit tra”")
    expect(create).to_be_visible()
    tags.press("Escape")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".errorlist")).to_contain_text("No tag is called “Audit tra”.")
    assert not draft.tags.exists()

    tags = page.get_by_role("combobox", name="Tags")
    tags.fill("")
    tags.press_sequentially("Audit trail")
    expect(page.get_by_role("option", name="Create tag “Audit trail”")).to_be_visible()
    tags.press("ArrowDown")
    tags.press("Enter")
    expect(tags).to_have_value("Audit trail, ")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert list(draft.tags.names()) == ["Audit trail"]
