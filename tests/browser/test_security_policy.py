"""In a real browser, no page of the site has anything refused by its Content Security Policy
or its Permissions-Policy: reader pages without a nonce, admin pages with theirs, the
rich-text editor, the tag input, the focal-point picker and the sign-in steps included."""

import json

import pytest

from stories.models import Image, Story
from tests.helpers.browser import (
    MAIN_STORY,
    SECOND_STEP,
    OutboundGuard,
    PolicyGuard,
    log_in,
    make_staff,
)

pytestmark = pytest.mark.browser

READER_PAGES = ["home", "story", "section", "search results"]


@pytest.fixture
def guarded(browser, live_server):
    """A page and the policy guard watching it."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    outbound, policy = OutboundGuard(), PolicyGuard()
    outbound.attach(context)
    policy.attach(context)
    yield context.new_page(), policy
    context.close()
    assert outbound.leaks() == []


def visit(page, policy, path):
    """Open ``path``, let its scripts run, and give what the browser refused there."""
    response = page.goto(path)
    page.wait_for_load_state("networkidle")
    assert response.status < 400, f"{path} answered {response.status}"
    refused, policy.violations[:] = list(policy.violations), []
    return refused


def test_an_inline_style_is_refused_and_reported(guarded):
    page, policy = guarded
    page.goto("/")
    page.evaluate(
        "document.head.append(Object.assign(document.createElement('style'),"
        " {textContent: 'body { color: red; }'}))"
    )
    page.wait_for_timeout(200)
    assert any("style-src" in violation for violation in policy.violations)
    assert page.evaluate("getComputedStyle(document.body).color") != "rgb(255, 0, 0)"
    policy.violations.clear()


def test_reader_pages_have_nothing_refused_and_their_structured_data_is_read(demo, guarded):
    page, policy = guarded
    for name in READER_PAGES:
        assert visit(page, policy, demo[name]) == [], name
    page.goto(demo["story"])
    page.wait_for_load_state("networkidle")
    widths = page.evaluate("[...document.images].map((img) => img.naturalWidth)")
    assert widths and all(widths), "a picture of the story did not load"
    data = page.evaluate(
        "[...document.querySelectorAll('script[type=\"application/ld+json\"]')]"
        ".map((script) => script.textContent)"
    )
    article, breadcrumbs = [json.loads(text) for text in data]
    assert article["@id"] == page.url
    assert breadcrumbs["itemListElement"][-1]["item"] == page.url
    assert policy.violations == []


def test_admin_pages_and_the_sign_in_steps_have_nothing_refused(demo, guarded):
    page, policy = guarded
    make_staff("chief", "superuser")
    assert visit(page, policy, "/admin/login/?next=/admin/") == []
    log_in(page, "chief")
    assert policy.violations == [], "the login form or the second step"
    story = Story.objects.get(slug=MAIN_STORY)
    image = Image.objects.exclude(file="").first()
    for path in [
        SECOND_STEP,
        "/admin/two-step/",
        "/admin/two-step/authenticator/",
        "/admin/",
        "/admin/stories/story/",
        "/admin/stories/story/add/",
        f"/admin/stories/story/{story.pk}/change/",
        f"/admin/stories/story/{story.pk}/revisions/",
        "/admin/stories/image/",
        f"/admin/stories/image/{image.pk}/change/",
        "/admin/stories/tag/",
        "/admin/stories/person/",
        "/admin/stories/source/",
    ]:
        assert visit(page, policy, path) == [], path
    # The editor, the tag input and the focal-point picker at work.
    page.goto(f"/admin/stories/story/{story.pk}/change/")
    page.get_by_role("textbox", name="Body:").click()
    page.keyboard.type(" More.")
    page.get_by_role("combobox", name="Tags").press_sequentially("ir")
    page.wait_for_load_state("networkidle")
    page.goto(f"/admin/stories/image/{image.pk}/change/")
    picture = page.locator("[data-focal-picker] img")
    picture.click(position={"x": 10, "y": 10})
    assert policy.violations == []
