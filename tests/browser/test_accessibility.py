"""axe-core finds no WCAG violation, of any impact, on any public page type or custom admin page."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from stories.models import Story
from tests.helpers.admin_pages import admin_pages
from tests.helpers.browser import MAIN_STORY, expected_status, log_in, make_staff, type_body

pytestmark = pytest.mark.browser


def test_every_public_page_type_has_no_axe_violation_and_fits_the_screen(
    demo, page, axe_violations
):
    """In light and dark mode, at 320 px (a 1280 px window zoomed to 400 %) and at 1280 px."""
    report = []
    for mode in ("light", "dark"):
        page.emulate_media(color_scheme=mode)
        for width in (320, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            for name, path in demo.items():
                assert page.goto(path).status == expected_status(name), path
                where = f"{name} page {path} in {mode} mode at {width}px"
                if overflow := sideways_overflow(page):
                    report.append(f"{where} is {overflow}px wider than the screen")
                if found := axe_violations(page):
                    report += [f"{where}:", *found]
    assert not report, "\n".join(["axe-core violations:", *report])


def test_every_public_page_type_fits_the_screen_at_twice_the_text_size(demo, page):
    """A reader who doubles the browser's text size (32 px) scrolls only down, never sideways."""
    page.context.new_cdp_session(page).send(
        "Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}}
    )
    too_wide = []
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in demo.items():
            page.goto(path)
            body = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
            assert body >= 36, f"{path}: the text did not grow ({body}px)"
            if overflow := sideways_overflow(page):
                too_wide.append(f"{name} page {path} at {width}px: {overflow}px too wide")
    assert not too_wide, "\n".join(too_wide)


def sideways_overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_every_control_of_the_search_page_shows_a_focus_ring(demo, page, mode):
    page.emulate_media(color_scheme=mode)
    page.goto(demo["search results"])
    page.get_by_label("Search for:").focus()
    seen = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_RING)
        if focused["inMain"] is False:
            break
        seen.add(focused["name"])
        assert focused["width"] >= 2, f"{focused['name']} has no visible focus ring"
        assert focused["contrast"] >= 3, f"{focused['name']}'s focus ring: {focused}"
    assert {"id_since", "id_until", "id_section", "search"} <= seen


# The contrast of two CSS colours, by WCAG's formula.
CONTRAST = """(one, other) => {
  const luminance = color => {
    const [r, g, b] = color.match(/[\\d.]+/g).slice(0, 3).map(c => Number(c) / 255)
      .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [luminance(one), luminance(other)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""

# The focused element's outline and its contrast with the page's background.
FOCUS_RING = f"""() => {{
  const element = document.activeElement, style = getComputedStyle(element);
  const paper = getComputedStyle(document.documentElement).backgroundColor;
  return {{
    name: element.id || element.textContent.trim().toLowerCase(),
    inMain: document.querySelector("main").contains(element),
    width: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
    contrast: ({CONTRAST})(style.outlineColor, paper),
  }};
}}"""


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_controls_stand_out_from_the_page_by_three_to_one(demo, page, mode):
    """Fields, buttons, the search button, topic and archive links: their edge (a background
    of their own, else their border) against the page, in both modes (WCAG 1.4.11)."""
    page.emulate_media(color_scheme=mode)
    page.set_viewport_size({"width": 320, "height": 900})
    faint = []
    for path in (demo["search results"], demo["story"], demo["month archive"]):
        page.goto(path)
        faint += page.evaluate(CONTROL_EDGES)
    assert not faint, "\n".join(faint)


CONTROL_EDGES = f"""() => {{
  const paper = getComputedStyle(document.documentElement).backgroundColor;
  const selector = "input, select, button, summary, .tags a, .periods a, .pagination a";
  const faint = [];
  const controls = [...document.querySelectorAll(selector)].filter(c => c.checkVisibility());
  if (!controls.length) return [`${{location.pathname}}: no control found`];
  for (const control of controls) {{
    const style = getComputedStyle(control);
    const own = style.backgroundColor !== "rgba(0, 0, 0, 0)" && style.backgroundColor !== paper;
    const edge = own ? style.backgroundColor : style.borderTopColor;
    const contrast = ({CONTRAST})(edge, paper);
    if (contrast < 3) faint.push(`${{location.pathname}} ${{control.outerHTML.slice(0, 60)}}: ${{contrast.toFixed(2)}}`);
  }}
  return faint;
}}"""


def test_custom_admin_pages_have_no_axe_violation(demo, page, axe_violations):
    pages = admin_pages()
    log_in(page, "chief")
    report = []
    for name, path in pages.items():
        assert page.goto(path).status == 200, path
        found = axe_violations(page)
        if found:
            report.append(f"{name} {path}:")
            report += found
    assert not report, "\n".join(["axe-core violations:", *report])


def test_a_reporters_read_only_story_has_no_axe_violation(demo, page, axe_violations):
    make_staff("reporter", "Reporter")
    log_in(page, "reporter")
    story = Story.objects.get(slug=MAIN_STORY)
    assert page.goto(reverse("admin:stories_story_change", args=[story.pk])).status == 200
    expect(page.locator(".field-body_as_read .readonly p").first).to_be_visible()
    assert not axe_violations(page)


def test_the_rich_text_body_is_named_after_its_label(page, live_server):
    make_staff("reporter", "Reporter")
    log_in(page, "reporter")
    page.goto("/admin/stories/story/add/")
    body = page.get_by_role("textbox", name="Body:")
    expect(body).to_have_accessible_description(
        "Paragraphs, headings, lists, links, quotes, emphasis and figures with pictures from "
        "the image library. Anything else is removed. Length: 0 words, 0 characters."
    )
    page.get_by_text("Body:", exact=True).click()
    expect(body).to_be_focused()


def test_the_body_length_is_told_once_typing_pauses_and_given_with_the_body(page, live_server):
    make_staff("reporter", "Reporter")
    log_in(page, "reporter")
    page.goto("/admin/stories/story/add/")
    page.get_by_label("Target length:").fill("5")
    type_body(page, "Three short words")
    live = page.locator("[aria-live=polite]").filter(has_text="Body:")
    # Not while typing: only after a pause.
    expect(page.locator("#body-count")).to_have_text("3 of 5 words, 17 characters")
    expect(live).to_have_count(0)
    expect(live).to_have_text("Body: 3 of 5 words, 17 characters.", timeout=5_000)
    expect(page.get_by_role("textbox", name="Body:")).to_have_accessible_description(
        re.compile(r"Length: 3 of 5 words, 17 characters\.$")
    )
    expect(page.locator("#headline-count")).to_have_text("0 of 200 characters")


def test_a_feedback_form_sent_back_with_errors_has_no_axe_violation(demo, page, axe_violations):
    page.goto(demo["tip form"])
    page.get_by_label("How can we reach you? (optional)").fill("a phone number")
    page.get_by_role("button", name="Send the tip").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Your message was not sent")
    expect(page.get_by_label("How can we reach you? (optional)")).to_have_value("a phone number")
    # The summary links to the field, which names its error.
    summary.get_by_role("link", name="Your tip: This field is required.").click()
    message = page.get_by_role("textbox", name="Your tip")
    expect(message).to_be_focused()
    expect(message).to_have_accessible_description(re.compile("This field is required"))
    assert not axe_violations(page)
