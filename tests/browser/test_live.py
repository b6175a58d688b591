"""A reporter files an update on a live story; a reader's open page shows it without a reload."""

from urllib.request import urlopen

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from live import reader
from live.models import LiveUpdate
from tests.helpers.browser import log_in, make_staff, type_body
from tests.helpers.factories import make_public_story
from tests.helpers.live import add_update, make_live_story

pytestmark = pytest.mark.browser

HEADLINE = "Acting commissioner named"


@pytest.fixture
def live_story(monkeypatch):
    monkeypatch.setattr(reader, "POLL_SECONDS", 1)
    story = make_live_story(
        make_public_story(headline="The resignation, live"), requires_approval=False
    )
    add_update(story, headline="The letter is out")
    return story


def test_a_reporters_update_appears_on_a_readers_open_page(new_page, live_story, screenshot):
    reader_page = new_page()
    reader_page.goto(live_story.get_absolute_url())
    expect(reader_page.get_by_role("heading", name="The letter is out")).to_be_visible()
    reader_page.evaluate("window.notReloaded = true")

    make_staff("reporter", "Reporter")
    reporter_page = new_page()
    log_in(reporter_page, "reporter")
    reporter_page.goto(reverse("admin:live_liveupdate_add"))
    reporter_page.get_by_label("Story:").select_option(label=str(live_story))
    reporter_page.get_by_label("Headline:").fill(HEADLINE)
    type_body(reporter_page, "Treasury has named an acting head of the IRS.")
    reporter_page.get_by_label("Status:").select_option(label="Published")
    reporter_page.get_by_role("button", name="Save", exact=True).click()
    expect(reporter_page.locator(".messagelist .success")).to_contain_text("was added")
    update = LiveUpdate.objects.get(headline=HEADLINE)
    assert update.status == LiveUpdate.Status.PUBLISHED

    new = reader_page.locator(f"#update-{update.pk}")
    expect(new).to_be_visible()
    expect(new).to_contain_text("Treasury has named an acting head of the IRS.")
    expect(reader_page.get_by_role("status")).to_have_text("1 new update.")
    # Newest first, without a reload.
    first = reader_page.locator(".live-updates > article").first
    expect(first).to_have_attribute("id", f"update-{update.pk}")
    assert reader_page.evaluate("window.notReloaded") is True
    screenshot(reader_page, "live-1-update-appeared")


def test_without_javascript_the_stream_reads_and_pages(browser, live_server, live_story):
    for n in range(25):
        add_update(live_story, headline=f"Older entry {n}")
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto(live_story.get_absolute_url())
    expect(page.locator(".live-updates > article")).to_have_count(20)
    page.get_by_role("link", name="Older updates").click()
    expect(page).to_have_url(
        f"{live_server.url}{live_story.get_absolute_url()}?page=2#live-stream-heading"
    )
    expect(page.get_by_role("heading", name="Older entry 24")).to_be_visible()
    context.close()


def test_an_open_live_page_has_no_axe_violation_and_no_nu_checker_error(
    page, live_server, live_story, axe_violations, vnu
):
    from live import workflow
    from tests.helpers.accounts import make_user

    editor = make_user("editor")
    key = add_update(live_story, headline="A key moment")
    workflow.mark_key_event(key, by=editor)
    workflow.pin(add_update(live_story, headline="Where things stand"), by=editor)
    workflow.start_coverage(live_story, by=editor, summary="<p>What is <em>known</em>.</p>")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_story.get_absolute_url())
        expect(page.get_by_role("heading", name="Key events")).to_be_visible()
        assert not axe_violations(page), width
    with urlopen(live_server.url + live_story.get_absolute_url()) as response:
        errors = vnu.errors({"live page": response.read().decode()})
    assert not errors["live page"], errors
