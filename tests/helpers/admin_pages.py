"""One of each admin page the newsroom customised, for the browser's accessibility and
validity checks, each with something on it to show (on the demo's data)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from feedback.models import ErrorReport, Tip
from fronts.models import Banner, Front
from live import workflow as live_workflow
from live.models import LiveUpdate
from stories.models import Autosave, Revision, Story, Tag
from stories.tagging import merge_tags
from tests.helpers.browser import MAIN_STORY, make_staff
from tests.helpers.factories import make_story
from tests.helpers.pictures import make_image


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

    report = ErrorReport.objects.create(
        story=story, story_version=story.updated_at, text="The date is wrong.", email="a@b.example"
    )
    tip = Tip.objects.create(message="Look at the contracts.", contact="By post")

    # A live update with its history: saved twice, the second time with a new headline.
    update = LiveUpdate.objects.filter(story__slug="krause-resignation-live").first()
    update.headline = f"{update.headline}, on the record"
    live_workflow.save_update(update, by=chief)
    first, second = update.revisions.order_by("-pk")[:2][::-1]
    updates = "admin:live_liveupdate_"

    admin = "admin:stories_"
    return {
        "error report list": reverse("admin:feedback_errorreport_changelist"),
        "error report": reverse("admin:feedback_errorreport_change", args=[report.pk]),
        "tip list": reverse("admin:feedback_tip_changelist"),
        "tip": reverse("admin:feedback_tip_change", args=[tip.pk]),
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
