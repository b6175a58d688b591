"""axe-core finds no WCAG violation, of any impact, on any public page type or custom admin page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from fronts.models import Banner, Front
from live import workflow as live_workflow
from live.models import LiveUpdate
from stories.models import Autosave, Revision, Story, Tag
from stories.tagging import merge_tags
from tests.helpers.browser import MAIN_STORY, expected_status, log_in, make_staff, type_body
from tests.helpers.factories import make_story
from tests.helpers.pictures import make_image

pytestmark = pytest.mark.browser


def test_every_public_page_type_has_no_axe_violation(demo, page, axe_violations):
    report = []
    for name, path in demo.items():
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            assert page.goto(path).status == expected_status(name), path
            found = axe_violations(page)
            if found:
                report.append(f"{name} page {path} at {width}px:")
                report += found
    assert not report, "\n".join(["axe-core violations:", *report])


def admin_pages():
    """One of each admin page the newsroom customised, with something on it to show."""
    chief = make_staff("chief", "superuser")
    story = Story.objects.get(slug=MAIN_STORY)
    Revision.record(story, chief, summary="Saved before the headline changed")
    Story.objects.filter(pk=story.pk).update(headline=f"{story.headline}, effective Friday")
    Revision.record(story, chief, summary="Headline changed")
    older, newer = story.revisions.order_by("-pk")[:2][::-1]
    draft = make_story(section=story.section, headline="A draft under review")
    # Unsaved changes waiting for the chief: the draft's form and the add form offer them.
    Autosave.objects.create(story=draft, user=chief, data={"headline": ["A draft, retitled"]})
    Autosave.objects.create(user=chief, form_key="a-new-story", data={"headline": ["New"]})
    make_story(
        section=story.section,
        headline="Scheduled: the audit report",
        status=Story.Status.PUBLISHED,
        published_at=timezone.now() + timedelta(days=1),
        embargo_until=timezone.now() + timedelta(days=2),
    )

    irs, dotted = Tag.objects.get(slug="irs"), Tag.objects.create(name="I.R.S.")
    story.tags.add(dotted)
    Tag.objects.create(name="Unused topic")
    merge = merge_tags([Tag.objects.create(name="Treasury Dept.")], "Treasury", by=chief)
    image = make_image(alt_text="A red square")

    home = Front.objects.of()
    front = "admin:fronts_front_"
    tomorrow = timezone.localtime() + timedelta(days=1)
    banner = Banner.objects.first()

    # A live update with its history: saved twice, the second time with a new headline.
    update = LiveUpdate.objects.filter(story__slug="krause-resignation-live").first()
    update.headline = f"{update.headline}, on the record"
    live_workflow.save_update(update, by=chief)
    first, second = update.revisions.order_by("-pk")[:2][::-1]
    updates = "admin:live_liveupdate_"

    admin = "admin:stories_"
    return {
        "live update change form": reverse(f"{updates}change", args=[update.pk]),
        "live update revision history": reverse(f"{updates}revisions", args=[update.pk]),
        "live update revision diff": reverse(f"{updates}compare", args=[update.pk])
        + f"?a={first.pk}&b={second.pk}",
        "desk (the admin home)": reverse("admin:index"),
        "front list": reverse(f"{front}changelist"),
        "front arranging page": reverse(f"{front}change", args=[home.pk]) + "?q=IRS",
        "front arranging page for tomorrow": reverse(f"{front}change", args=[home.pk])
        + f"?at={tomorrow:%Y-%m-%dT%H:%M}",
        "front history": reverse(f"{front}history", args=[home.pk]),
        "front preview": reverse(f"{front}preview", args=[home.pk]),
        "banner list": reverse("admin:fronts_banner_changelist"),
        "banner form": reverse("admin:fronts_banner_change", args=[banner.pk]),
        "story changelist": reverse(f"{admin}story_changelist"),
        "story add form": reverse(f"{admin}story_add"),
        "image picker": reverse(f"{admin}image_picker") + "?CKEditorFuncNum=-1",
        "story change form": reverse(f"{admin}story_change", args=[story.pk]),
        "story change form offering unsaved changes": reverse(
            f"{admin}story_change", args=[draft.pk]
        ),
        "scheduled and embargoed stories": reverse(f"{admin}story_scheduled"),
        "admin preview": reverse(f"{admin}story_preview", args=[draft.pk]),
        "revision history": reverse(f"{admin}story_revisions", args=[story.pk]),
        "revision diff": reverse(f"{admin}story_compare", args=[story.pk])
        + f"?a={older.pk}&b={newer.pk}",
        "correction form": reverse(f"{admin}story_correct", args=[story.pk]),
        "retraction form": reverse(f"{admin}story_retract", args=[story.pk]),
        "tag changelist": reverse(f"{admin}tag_changelist"),
        "tag change form": reverse(f"{admin}tag_change", args=[irs.pk]),
        "tag merge preview": reverse(f"{admin}tag_merge") + f"?tags={irs.pk}&tags={dotted.pk}",
        "likely duplicate tags": reverse(f"{admin}tag_duplicates"),
        "unused tag clean-up confirmation": reverse(f"{admin}tag_cleanup"),
        "tag merge history": reverse(f"{admin}tagmerge_changelist"),
        "undo merge confirmation": reverse(f"{admin}tagmerge_undo", args=[merge.pk]),
        "image changelist": reverse(f"{admin}image_changelist"),
        "image upload form": reverse(f"{admin}image_add"),
        "image change form with focal point": reverse(f"{admin}image_change", args=[image.pk]),
    }


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
