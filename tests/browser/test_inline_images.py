"""An editor places a library picture in a story's body with the keyboard, and readers see it."""

import re

import pytest
from playwright.sync_api import expect

from stories.models import Story
from tests.helpers.browser import choose, log_in, make_staff, type_body
from tests.helpers.factories import make_section
from tests.helpers.pictures import make_image, picture_bytes

pytestmark = pytest.mark.browser

ALT_TEXT = "Sandbags stacked along the river wall"


def test_editor_places_a_library_picture_in_the_body(new_page, screenshot):
    make_section(name="Local", slug="local")
    image = make_image(
        picture_bytes(size=(800, 600)), alt_text=ALT_TEXT, caption="The river wall", credit="Staff"
    )
    make_image(alt_text="Another picture")
    make_staff("editor", "Editor")
    page = new_page()
    log_in(page, "editor")

    page.goto("/admin/stories/story/add/")
    page.get_by_label("Headline:", exact=True).fill("The river rises")
    type_body(page, "Volunteers worked through the night.")
    page.keyboard.press("Enter")
    page.get_by_title("figure").click()
    dialog = page.locator("dialog.prose-editor-dialog")
    expect(dialog).to_be_visible()

    with page.context.expect_page() as popup:
        dialog.get_by_role("button", name="Browse...").click()
    picker = popup.value
    picker.get_by_label("Search the library").fill("river")
    picker.keyboard.press("Enter")
    # The results page must have loaded, with its script, before a choice can be made.
    picker.wait_for_url(re.compile(r"[?&]q=river"), wait_until="load")
    choice = picker.get_by_role("button", name=f"Place this image {ALT_TEXT}")
    screenshot(picker, "inline-1-picker")
    choice.focus()
    # Enter activates a button as it goes down; the picker closes before the key comes up.
    with picker.expect_event("close"):
        picker.keyboard.down("Enter")

    expect(dialog.get_by_label("Image URL")).to_have_value(image.file.url)
    caption = dialog.get_by_label("Caption")
    expect(caption).to_have_value("The river wall")
    caption.fill("The river wall at midnight")
    dialog.get_by_role("button", name="Insert").click()
    choose(page, "Section", "Loc", "Local")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")

    story = Story.objects.get(headline="The river rises")
    assert f'data-file="{image.pk}"' in story.body
    assert "The river wall at midnight</figcaption>" in story.body
    # What the editor wrote comes back unchanged when the story is opened again.
    page.reload()
    expect(page.locator(".ProseMirror figure img")).to_have_attribute("src", image.file.url)
    expect(page.locator(".ProseMirror figcaption")).to_have_text("The river wall at midnight")

    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("is now published")
    page.goto(story.get_absolute_url())
    picture = page.locator(".story-body").get_by_role("img", name=ALT_TEXT)
    picture.scroll_into_view_if_needed()
    expect(picture).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
    )
    expect(page.locator(".story-body figcaption")).to_contain_text("The river wall at midnight")
    screenshot(page, "inline-2-published-story")
