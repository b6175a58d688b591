"""A reader finds their way by keyboard alone, on a phone and on a desktop screen."""

import feedparser
import pytest

from stories.models import Story
from tests.helpers.browser import MAIN_STORY, focused_name, tab_to

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
