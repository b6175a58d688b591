"""An editor merges a duplicate tag into the one to keep; the old tag's addresses still work."""

import pytest
from playwright.sync_api import expect

from stories.models import Story, Tag
from tests.helpers.browser import log_in, make_staff
from tests.helpers.factories import make_public_story, make_section, make_story

pytestmark = pytest.mark.browser


def test_tag_steward_merges_a_duplicate_tag_and_its_old_addresses_redirect(new_page, screenshot):
    section = make_section(name="Government", slug="government")
    irs, dotted = Tag.objects.create(name="IRS"), Tag.objects.create(name="I.R.S.")
    kept = make_public_story(section=section, headline="IRS commissioner resigns")
    kept.tags.add(irs)
    moved = make_public_story(section=section, headline="What the I.R.S. shares with DHS")
    moved.tags.add(dotted)
    draft = make_story(section=section, headline="Draft: the I.R.S. audit")
    draft.tags.add(dotted)
    old_address = dotted.get_absolute_url()
    make_staff("steward", "Editor")
    page = new_page()
    log_in(page, "steward")

    page.goto("/admin/stories/tag/")
    for name in ("I.R.S.", "IRS"):
        page.get_by_role("checkbox", name=f"Select this object for an action - {name}").check()
    page.get_by_label("Action:").select_option(label="Merge selected tags…")
    page.get_by_role("button", name="Run").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Merge tags")
    page.get_by_role("radio", name="IRS", exact=True).check()
    page.get_by_role("button", name="Update preview").click()
    preview = page.get_by_role("table", name="Tags merged into “IRS”")
    expect(preview.get_by_role("rowheader")).to_have_text(["I.R.S."])
    expect(preview).to_contain_text(f"Its page {old_address} and its feeds redirect")
    screenshot(page, "tag-steward-1-merge-preview")
    page.get_by_role("button", name="Merge into “IRS”").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Merged I.R.S. into “IRS”")

    assert not Tag.objects.filter(name="I.R.S.").exists()
    for story in (kept, moved, draft):
        assert [tag.name for tag in story.tags.all()] == ["IRS"]

    response = page.goto(old_address)
    assert response.request.redirected_from.response().status == 301
    assert page.url.endswith(irs.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("IRS")
    expect(page.get_by_role("link", name=moved.headline)).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text(draft.headline)
    screenshot(page, "tag-steward-2-old-address-redirected")

    for feed in ("rss", "atom"):
        old_feed = page.request.get(f"{old_address}{feed}/", max_redirects=0)
        assert old_feed.status == 301
        assert old_feed.headers["location"] == f"{irs.get_absolute_url()}{feed}/"
        new_feed = page.request.get(old_feed.headers["location"])
        assert new_feed.headers["content-type"].startswith(f"application/{feed}+xml")
        assert moved.headline in new_feed.text()
    assert Story.objects.public().filter(tags=irs).count() == 2
