"""A reporter's browser closes before they save; their text is offered back when they return."""

import pytest
from playwright.sync_api import expect

from stories.models import Autosave, EditingPresence, Revision, Story
from tests.helpers.browser import choose, log_in, make_staff, server_settled, type_body
from tests.helpers.factories import make_story

pytestmark = pytest.mark.browser

TYPED = "The council met until midnight and voted seven to two"


def test_unsaved_text_survives_a_closed_page_and_comes_back_on_request(new_page):
    story = make_story(headline="Council budget vote", body="")
    make_staff("reporter", "Reporter")
    page = new_page()
    log_in(page, "reporter")
    change = f"/admin/stories/story/{story.pk}/change/"
    page.goto(change)
    page.get_by_label("Target length:").fill("600")
    type_body(page, TYPED)
    expect(page.locator("#body-count")).to_have_text("10 of 600 words, 53 characters")
    expect(page.get_by_role("status").filter(has_text="Saved a draft at")).to_be_visible(
        timeout=15_000
    )
    revisions = Revision.objects.filter(story=story).count()
    # The browser goes without a save.
    page.context.close()
    server_settled()
    assert TYPED not in Story.objects.get(pk=story.pk).body
    assert Revision.objects.filter(story=story).count() == revisions

    page = new_page()
    log_in(page, "reporter")
    page.goto(change)
    restore = page.get_by_role("button", name="Restore your unsaved changes from")
    expect(restore).to_be_visible()
    restore.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("textbox", name="Body:")).to_contain_text(TYPED)
    expect(page.get_by_label("Target length:")).to_have_value("600")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    assert TYPED in Story.objects.get(pk=story.pk).body
    assert not Autosave.objects.exists()
    expect(page.get_by_role("button", name="Restore your unsaved changes from")).to_have_count(0)


def test_discarded_changes_are_not_offered_again(new_page):
    story = make_story(headline="Council budget vote")
    make_staff("reporter", "Reporter")
    page = new_page()
    log_in(page, "reporter")
    change = f"/admin/stories/story/{story.pk}/change/"
    page.goto(change)
    type_body(page, "Words to throw away")
    expect(page.get_by_role("status").filter(has_text="Saved a draft at")).to_be_visible(
        timeout=15_000
    )
    page.goto(change)
    page.get_by_role("button", name="Discard").click()
    expect(page.get_by_role("status").filter(has_text="discarded")).to_be_visible()
    assert not Autosave.objects.exists()
    page.goto(change)
    expect(page.get_by_role("button", name="Discard")).to_have_count(0)
    expect(page.get_by_role("textbox", name="Body:")).not_to_contain_text("Words to throw away")


def test_leaving_the_page_ends_the_presence(new_page):
    story = make_story()
    make_staff("reporter", "Reporter")
    page = new_page()
    log_in(page, "reporter")
    page.goto(f"/admin/stories/story/{story.pk}/change/")
    assert EditingPresence.objects.filter(story=story).exists()
    page.goto("/admin/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    for _ in range(50):
        if not EditingPresence.objects.filter(story=story).exists():
            break
        page.wait_for_timeout(100)
    assert not EditingPresence.objects.filter(story=story).exists()


def test_a_new_story_typed_and_lost_is_offered_back_on_the_add_form(new_page):
    section = make_story().section
    make_staff("reporter", "Reporter")
    page = new_page()
    log_in(page, "reporter")
    page.goto("/admin/stories/story/add/")
    page.get_by_label("Headline:", exact=True).fill("Night session ends in a vote")
    choose(page, "Section", section.name[:4], section.name)
    type_body(page, TYPED)
    expect(page.get_by_role("status").filter(has_text="Saved a draft at")).to_be_visible(
        timeout=15_000
    )
    page.context.close()
    server_settled()
    assert not Story.objects.filter(headline="Night session ends in a vote").exists()
    assert Autosave.objects.get().data["section@labels"] == [section.name]

    page = new_page()
    log_in(page, "reporter")
    page.goto("/admin/stories/story/add/")
    page.get_by_role("button", name="Restore your unsaved changes from").click()
    expect(page.get_by_label("Headline:", exact=True)).to_have_value(
        "Night session ends in a vote"
    )
    expect(page.get_by_role("textbox", name="Body:")).to_contain_text(TYPED)
    # The section chosen in its autocomplete box comes back too, with its name.
    expect(page.locator("select[name=section]")).to_have_value(str(section.pk))
    expect(page.locator(".field-section")).to_contain_text(section.name)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    assert TYPED in Story.objects.get(headline="Night session ends in a vote").body
    assert not Autosave.objects.exists(), "saving the new story removed its autosave"
