"""An editor arranges the home front: finds and adds a story, moves it up with the keyboard,
drags it to the lead with the mouse; readers see the front as arranged."""

import re

import pytest
from playwright.sync_api import expect

from fronts.curating import Entry, arrange
from fronts.models import Front
from tests.helpers.browser import log_in, make_staff
from tests.helpers.factories import make_public_story

pytestmark = pytest.mark.browser


def slot_titles(page):
    return [text.strip() for text in page.locator(".front-slot .slot-title a").all_inner_texts()]


def test_editor_rearranges_the_home_front_by_keyboard_and_by_mouse(new_page, screenshot):
    editor = make_staff("editor", "Editor")
    stories = [make_public_story(headline=f"{name} story") for name in ("Alpha", "Bravo")]
    make_public_story(headline="Charlie story")
    home = Front.objects.of()
    arrange(home, [Entry(story.pk) for story in stories], by=editor)
    page = new_page()
    log_in(page, "editor")

    page.goto("/admin/fronts/front/")
    page.get_by_role("link", name="Home front").click()
    expect(page.get_by_role("heading", name="Slots")).to_be_visible()
    assert slot_titles(page) == ["Alpha story", "Bravo story"]

    # By keyboard: search, add, then move the new slot up.
    search = page.get_by_label("Search headlines")
    search.focus()
    page.keyboard.type("Charlie")
    page.keyboard.press("Enter")
    add = page.get_by_role("button", name=re.compile("^Add to the front.*Charlie story$"))
    add.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist .success")).to_contain_text("Added “Charlie story”")
    assert slot_titles(page) == ["Alpha story", "Bravo story", "Charlie story"]
    page.get_by_role("button", name=re.compile("^Move up.*Charlie story$")).focus()
    page.keyboard.press("Space")
    expect(page.locator(".messagelist .success")).to_contain_text("Moved slot 3 up to 2")
    assert slot_titles(page) == ["Alpha story", "Charlie story", "Bravo story"]

    # By mouse: drag the slot by its handle onto the lead.
    page.locator("#slot-2 .drag-handle").drag_to(page.locator("#slot-1"))
    expect(page.locator(".messagelist .success")).to_contain_text("Saved the slots")
    assert slot_titles(page) == ["Charlie story", "Alpha story", "Bravo story"]
    screenshot(page, "front-arranged")

    reader = new_page(width=375)
    reader.goto("/")
    expect(reader.locator("#lead-headline")).to_have_text("Charlie story")
    expect(reader.locator(".top-stories .front-card-headline")).to_have_text(
        ["Alpha story", "Bravo story"]
    )
    screenshot(reader, "home-front-phone")
    assert home.versions.count() == 4
