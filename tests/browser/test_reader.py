"""A reader finds their way by keyboard alone, on a phone and on a desktop screen."""

import feedparser
import pytest
from playwright.sync_api import expect

from stories.models import Section, Story
from tests.helpers.browser import MAIN_STORY, focused_name, tab_to
from tests.helpers.factories import make_public_story

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [375, 1280])
def test_reader_goes_home_story_person_tag_feed_by_keyboard(demo, new_page, screenshot, width):
    story = Story.objects.get(slug=MAIN_STORY)
    page = new_page(width=width)

    page.goto("/")
    page.keyboard.press("Tab")
    assert focused_name(page) == "Skip to main content"
    assert page.get_by_role("link", name="Skip to main content").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
    fits_the_screen(page)
    screenshot(page, f"reader-{width}-1-home")

    tab_to(page, story.headline)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{story.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == story.headline
    fits_the_screen(page)
    screenshot(page, f"reader-{width}-2-story")

    tab_to(page, "Melanie Krause")
    page.keyboard.press("Enter")
    page.wait_for_url("**/people/melanie-krause/")
    assert page.get_by_role("heading", level=1).inner_text() == "Melanie Krause"
    assert page.get_by_role("link", name=story.headline).first.is_visible()
    fits_the_screen(page)
    screenshot(page, f"reader-{width}-3-person")

    tab_to(page, story.headline)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{story.get_absolute_url()}")
    tab_to(page, "IRS")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tag/irs/")
    assert page.get_by_role("heading", level=1).inner_text() == "IRS"
    assert page.get_by_role("link", name=story.headline).first.is_visible()
    fits_the_screen(page)
    screenshot(page, f"reader-{width}-4-tag")

    announced = page.locator('link[rel=alternate][type="application/rss+xml"][title="IRS (RSS)"]')
    feed_url = announced.evaluate("link => link.href")
    tab_to(page, "RSS")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
    assert page.evaluate("document.activeElement.href") == feed_url
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    feed = navigation.value
    assert page.url == feed_url
    assert feed.headers["content-type"].startswith("application/rss+xml")
    entries = feedparser.parse(feed.body()).entries
    assert story.headline in [entry.title for entry in entries]


def fits_the_screen(page):
    """Nothing makes the reader scroll sideways."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def test_on_a_phone_the_search_behind_its_button_works_without_javascript(demo, new_page):
    page = new_page(width=320, height=640, java_script_enabled=False)
    page.goto(demo["story"])
    header = page.get_by_role("banner")
    field = header.get_by_role("searchbox", name="Search stories")
    # A <details> disclosure: browsers announce its <summary> as a button, expanded or not.
    opener = header.locator("summary", has_text="Search")
    expect(field).to_be_hidden()
    opener.focus()
    page.keyboard.press("Enter")
    expect(field).to_be_visible()
    fits_the_screen(page)
    page.keyboard.press("Tab")
    expect(field).to_be_focused()
    field.fill("Krause resignation")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=Krause+resignation")
    expect(page.get_by_role("heading", name="Results")).to_be_visible()
    assert page.locator(".search-result").count() > 0


def test_on_a_wide_screen_the_search_is_open_without_a_button(demo, page):
    page.goto(demo["story"])
    header = page.get_by_role("banner")
    expect(header.get_by_role("searchbox", name="Search stories")).to_be_visible()
    expect(header.locator("summary", has_text="Search")).to_be_hidden()


def test_a_printed_story_is_the_story_black_on_white_with_its_outside_links(demo, new_page):
    story = make_public_story(
        section=Section.objects.get(slug="government"),
        headline="What the agreement says",
        body='<p>Read <a href="https://www.irs.gov/newsroom">the statement</a> or '
        '<a href="/corrections/">our corrections</a>.</p>',
    )
    page = new_page(color_scheme="dark")
    page.emulate_media(media="print")
    page.goto(story.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    for clutter in ("search", "navigation", "contentinfo"):
        for landmark in page.get_by_role(clutter).all():
            expect(landmark).to_be_hidden()
    colours = page.evaluate(
        """[getComputedStyle(document.querySelector("h1")).color,
            getComputedStyle(document.querySelector(".story-body p")).color,
            getComputedStyle(document.documentElement).backgroundColor]"""
    )
    assert colours == ["rgb(0, 0, 0)", "rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    after = "link => getComputedStyle(link, '::after').content"
    assert page.get_by_role("link", name="the statement").evaluate(after) == (
        '" (https://www.irs.gov/newsroom)"'
    )
    assert page.get_by_role("link", name="our corrections").evaluate(after) == "none"
