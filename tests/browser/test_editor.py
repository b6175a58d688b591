"""An editor writes, publishes and corrects a story in the admin, and sees it as readers do."""

import pytest
from playwright.sync_api import expect

from stories.models import Story
from tests.browser.conftest import choose, log_in, make_staff
from tests.factories import make_person, make_section

pytestmark = pytest.mark.browser

HEADLINE = "Audit finds gaps in how the IRS logs data requests"
CORRECTION = "An earlier version misstated the number of requests the audit reviewed."


def test_editor_creates_publishes_finds_and_corrects_a_story(new_page, screenshot):
    make_section(name="Government", slug="government")
    make_person(name="Elena Marsh", slug="elena-marsh", is_staff_member=True)
    make_staff("editor", superuser=True)
    page = new_page()
    log_in(page, "editor")

    page.goto("/admin/stories/story/add/")
    page.get_by_label("Headline:", exact=True).press_sequentially(HEADLINE)
    assert page.get_by_label("Slug:").input_value() == (
        "audit-finds-gaps-in-how-the-irs-logs-data-requests"
    )
    page.get_by_label("Dek:").fill("Investigators could not trace a third of the requests.")
    page.get_by_label("Body:").fill(
        "<p>The inspector general's audit found gaps.</p><script>alert(1)</script>"
    )
    choose(page, "Section", "Gov", "Government")
    page.get_by_label("Tags:").fill("Audits, Data sharing")
    choose(page, "Person", "Marsh", "Elena Marsh")
    page.get_by_label("Status:").select_option("published")
    publish_time = page.locator(".field-published_at")
    publish_time.get_by_role("button", name="Today").click()
    publish_time.get_by_role("button", name="Now").click()
    screenshot(page, "editor-1-story-form")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")

    story = Story.objects.get(headline=HEADLINE)
    assert story.status == Story.Status.PUBLISHED
    assert story.is_public
    assert [b.person.name for b in story.bylines.all()] == ["Elena Marsh"]
    assert "<script>" not in story.body

    page.get_by_role("link", name="View on site").click()
    page.wait_for_url(f"**{story.get_absolute_url()}")
    page.get_by_role("link", name="The Ledger").click()
    page.get_by_role("link", name=HEADLINE).first.click()
    assert page.get_by_role("heading", level=1).inner_text() == HEADLINE
    assert page.get_by_text("By Elena Marsh").is_visible()
    page.get_by_role("link", name="Data sharing").click()
    page.wait_for_url("**/tag/data-sharing/")
    assert page.get_by_role("link", name=HEADLINE).first.is_visible()
    screenshot(page, "editor-2-tag-page")

    page.goto(f"/admin/stories/story/{story.pk}/change/")
    page.get_by_role("button", name="Add another Correction").click()
    page.locator("#corrections-0").get_by_label("Text:").fill(CORRECTION)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")

    page.goto(story.get_absolute_url())
    corrections = page.get_by_role("complementary", name="Corrections and updates")
    assert CORRECTION in corrections.inner_text()
    screenshot(page, "editor-3-corrected-story")
