"""An editor writes, illustrates, previews, publishes and corrects a story, and sees it as
readers do."""

import pytest
from playwright.sync_api import expect

from stories.models import Image, Source, Story, Tag
from tests.helpers.browser import choose, log_in, make_staff, type_body
from tests.helpers.factories import make_person, make_section, make_source
from tests.helpers.pictures import picture_bytes

pytestmark = pytest.mark.browser

HEADLINE = "Audit finds gaps in how the IRS logs data requests"
ALT_TEXT = "Boxes of audit files stacked in a records room"
CORRECTION = "An earlier version misstated the number of requests the audit reviewed."


def test_editor_writes_illustrates_previews_publishes_and_corrects_a_story(new_page, screenshot):
    make_section(name="Government", slug="government")
    make_person(name="Elena Marsh", slug="elena-marsh", is_staff_member=True)
    make_source(name="Office of the Inspector General", kind=Source.Kind.DOCUMENT)
    Tag.objects.create(name="Audits")
    Tag.objects.create(name="Data sharing")
    make_staff("editor", "Editor")
    page = new_page()
    log_in(page, "editor")

    # A picture for the story goes into the image library first.
    page.goto("/admin/stories/image/add/")
    page.get_by_label("Picture:").set_input_files(
        files=[
            {
                "name": "audit-files.png",
                "mimeType": "image/png",
                "buffer": picture_bytes("PNG", size=(640, 360), colour=(90, 110, 140)),
            }
        ]
    )
    page.get_by_label("Alt text:").fill(ALT_TEXT)
    page.get_by_label("Credit:").fill("Staff photo")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    # The subject sits low on the left: a click there moves the focal point.
    picture = page.locator("[data-focal-picker] img")
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
    focal_point = [page.get_by_label(f"Focal point {way}:") for way in ("across", "down")]
    assert [float(field.input_value()) for field in focal_point] == pytest.approx(
        [0.25, 0.75], abs=0.01
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    image = Image.objects.get(alt_text=ALT_TEXT)
    assert [image.focal_x, image.focal_y] == pytest.approx([0.25, 0.75], abs=0.01)

    # The story.
    page.goto("/admin/stories/story/add/")
    page.get_by_label("Headline:", exact=True).press_sequentially(HEADLINE)
    expect(page.get_by_label("Slug:")).to_have_value(
        "audit-finds-gaps-in-how-the-irs-logs-data-requests"
    )
    page.get_by_label("Dek:").fill("Investigators could not trace a third of the requests.")
    type_body(page, "The inspector general's audit found ", ("Control+b", "gaps"), " in the logs.")
    choose(page, "Section", "Gov", "Government")
    tags = page.get_by_role("combobox", name="Tags")
    # An existing tag picked with the keyboard, another with the mouse.
    tags.press_sequentially("aud")
    expect(page.get_by_role("option", name="Audits")).to_be_visible()
    tags.press("ArrowDown")
    tags.press("Enter")
    expect(tags).to_have_value("Audits, ")
    tags.press_sequentially("data sh")
    page.get_by_role("option", name="Data sharing").click()
    expect(tags).to_have_value("Audits, Data sharing, ")
    choose(page, "Hero image", "audit files", ALT_TEXT)
    choose(page, "Person", "Marsh", "Elena Marsh")
    page.get_by_role("button", name="Add another Citation").click()
    citation = page.locator("#citations-0")
    choose(citation, "Source", "Inspector", "Office of the Inspector General")
    citation.get_by_label("Cited as:").select_option(label="Document reviewed by us")
    citation.get_by_label("Supports:").fill("The share of requests without a logged reason.")
    screenshot(page, "editor-1-story-form")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")

    story = Story.objects.get(headline=HEADLINE)
    assert story.status == Story.Status.DRAFT
    assert "<strong>gaps</strong>" in story.body
    assert sorted(tag.name for tag in story.tags.all()) == ["Audits", "Data sharing"]
    assert story.hero_image == image
    assert [b.person.name for b in story.bylines.all()] == ["Elena Marsh"]
    assert [c.source.name for c in story.citations.all()] == ["Office of the Inspector General"]

    with page.context.expect_page() as new_tab:
        page.get_by_role("link", name="Preview (opens in a new tab)").click()
    preview = new_tab.value
    expect(preview.get_by_role("note", name="Preview")).to_contain_text("DRAFT")
    expect(preview.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    screenshot(preview, "editor-2-preview")
    preview.close()

    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("is now published")
    story.refresh_from_db()
    assert story.is_public

    page.goto("/")
    page.get_by_role("link", name=HEADLINE).first.click()
    page.wait_for_url(f"**{story.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    expect(page.get_by_text("By Elena Marsh")).to_be_visible()
    hero = page.get_by_role("img", name=ALT_TEXT)
    expect(hero).to_be_visible()
    assert hero.evaluate("picture => picture.complete && picture.naturalWidth > 0")
    expect(page.locator(".story-body strong")).to_have_text("gaps")
    expect(page.get_by_role("region", name="How we reported this")).to_contain_text(
        "Office of the Inspector General"
    )
    screenshot(page, "editor-3-published-story")
    page.get_by_role("link", name="Data sharing").click()
    page.wait_for_url("**/tag/data-sharing/")
    expect(page.get_by_role("link", name=HEADLINE).first).to_be_visible()
    screenshot(page, "editor-4-tag-page")

    page.goto(f"/admin/stories/story/{story.pk}/change/")
    page.get_by_role("link", name="Add a correction").click()
    page.get_by_label("Kind:").select_option(label="Correction")
    page.get_by_label("Text:").fill(CORRECTION)
    page.get_by_role("button", name="Add to the story").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Correction added")

    page.goto(story.get_absolute_url())
    expect(page.get_by_role("complementary", name="Corrections and updates")).to_contain_text(
        CORRECTION
    )
    screenshot(page, "editor-5-corrected-story")
