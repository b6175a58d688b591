"""The site behind a real Varnish: readers see every editor's change on their next request.

Varnish runs with the repository's VCL in front of the live test server; the application
purges it by surrogate key when a change commits, before the editor's action returns.
"""

import re
import time
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import pytest
from django.utils import timezone

from feedback.models import Tip
from stories import workflow
from stories.models import PreviewLink, Story
from tests.helpers.accounts import make_user
from tests.helpers.factories import (
    add_byline,
    make_person,
    make_public_story,
    make_section,
    make_story,
)

# Emptied after each test and refilled with what the migrations create (the groups, the
# standing pages), as the browser tests are: without serialized_rollback the flush makes new
# content types, and a later test restoring the migrated data would clash with them.
pytestmark = [
    pytest.mark.varnish,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def newsroom(db):
    section = make_section(name="Money", slug="money")
    reporter = make_person(name="Ada Reporter", slug="ada", is_staff_member=True)
    story = make_public_story(section=section, headline="Commissioner resigns")
    add_byline(story, reporter)
    story.tags.add("IRS")
    return {"section": section, "story": story, "editor": make_user("superuser")}


def story_sitemaps(varnish):
    """The pages of the stories sitemap that the sitemap index lists now."""
    index = varnish.get("/sitemap.xml").body
    locations = re.findall(r"<loc>([^<]*sitemap-stories[^<]*)</loc>", index)
    return [
        urlsplit(loc).path + (f"?{urlsplit(loc).query}" if urlsplit(loc).query else "")
        for loc in locations
    ]


def in_story_sitemaps(varnish, url):
    return any(url in varnish.get(page).body for page in story_sitemaps(varnish))


def cached(varnish, *paths):
    """Fetch each page until Varnish serves it from its cache."""
    for path in paths:
        varnish.get(path)
        response = varnish.get(path)
        assert response.headers["X-Cache"] == "HIT", (path, response.status)


def fresh(varnish, path):
    response = varnish.get(path)
    assert response.headers["X-Cache"] != "HIT", f"{path} was served stale by Varnish"
    return response


LISTS = ["/", "/section/money/", "/tag/irs/", "/people/ada/", "/rss/", "/atom/", "/tag/irs/rss/"]


def test_a_published_story_appears_on_every_page_behind_varnish(varnish, newsroom):
    draft = make_story(section=newsroom["section"], headline="Acting commissioner named")
    add_byline(draft, newsroom["story"].bylines.get().person)
    draft.tags.add("IRS")
    cached(varnish, *LISTS, "/sitemap.xml", *story_sitemaps(varnish))
    workflow.publish(draft, by=newsroom["editor"])
    draft.refresh_from_db()
    for path in LISTS:
        assert "Acting commissioner named" in fresh(varnish, path).body, path
    assert in_story_sitemaps(varnish, draft.get_absolute_url())
    assert fresh(varnish, draft.get_absolute_url()).status == 200


def test_an_edit_is_visible_on_the_next_request_after_the_save(varnish, newsroom):
    story = newsroom["story"]
    cached(varnish, story.get_absolute_url(), "/", "/rss/")
    story.headline = "Commissioner quits over data deal"
    workflow.save_story(story, by=newsroom["editor"])
    for path in [story.get_absolute_url(), "/", "/rss/"]:
        assert "Commissioner quits over data deal" in fresh(varnish, path).body, path


def test_a_correction_reaches_the_story_the_corrections_page_and_the_feeds(varnish, newsroom):
    story = newsroom["story"]
    paths = [story.get_absolute_url(), "/corrections/", "/corrections/rss/", "/corrections/atom/"]
    cached(varnish, *paths)
    workflow.add_correction(
        story, by=newsroom["editor"], kind="correction", text="We misdated the letter."
    )
    for path in paths:
        assert "We misdated the letter." in fresh(varnish, path).body, path


def test_an_unpublished_story_disappears_from_its_page_cards_feeds_and_sitemap(varnish, newsroom):
    story = newsroom["story"]
    url = story.get_absolute_url()
    cached(varnish, url, *LISTS, "/sitemap.xml", *story_sitemaps(varnish))
    assert in_story_sitemaps(varnish, url)
    workflow.unpublish(story, by=newsroom["editor"])
    assert fresh(varnish, url).status == 404
    for path in LISTS:
        assert "Commissioner resigns" not in varnish.get(path).body, path
    assert not in_story_sitemaps(varnish, url)
    # The 404 is not kept either: republishing shows the story at once.
    workflow.publish(story, by=newsroom["editor"])
    assert varnish.get(url).status == 200


def test_a_scheduled_story_appears_at_its_time(varnish, newsroom):
    soon = timezone.now() + timedelta(seconds=3)
    scheduled = make_story(
        section=newsroom["section"], headline="Letter released at dawn", published_at=soon
    )
    workflow.publish(scheduled, by=newsroom["editor"])
    assert Story.objects.get(pk=scheduled.pk).is_scheduled
    cached(varnish, "/", "/rss/")
    assert "Letter released at dawn" not in varnish.get("/").body
    time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.2)
    for path in ["/", "/rss/"]:
        assert "Letter released at dawn" in varnish.get(path).body, path
    assert varnish.get(scheduled.get_absolute_url()).status == 200


def test_a_preview_never_enters_the_cache(varnish, newsroom):
    draft = make_story(section=newsroom["section"], headline="Confidential draft")
    link = PreviewLink.objects.create(story=draft, created_by=newsroom["editor"])
    for _ in range(3):
        response = varnish.get(link.get_absolute_url())
        assert response.status == 200
        assert response.headers["X-Cache"] != "HIT"
        assert "no-store" in response.headers["Cache-Control"]
    link.revoke()
    assert varnish.get(link.get_absolute_url()).status == 404


def test_signed_in_staff_pass_through_and_are_never_stored(varnish, newsroom, client):
    story = newsroom["story"]
    client.force_login(newsroom["editor"])
    session = client.cookies["sessionid"].value
    for _ in range(2):
        response = varnish.get(story.get_absolute_url(), {"Cookie": f"sessionid={session}"})
        assert response.headers["X-Cache"] != "HIT"
        assert response.headers["Cache-Control"] == "private, no-store"
    assert varnish.get(story.get_absolute_url()).headers["X-Cache"] == "MISS"


def test_a_tip_is_sent_through_varnish_from_a_form_it_never_stores(varnish, newsroom, settings):
    settings.FEEDBACK_MIN_SECONDS = 0
    for _ in range(2):
        form = varnish.get("/tips/")
        assert form.status == 200 and form.headers["X-Cache"] != "HIT"
        assert form.headers["Cache-Control"] == "private, no-store"
    cookie = re.search(r"csrftoken=([^;]+)", form.headers["Set-Cookie"]).group(1)
    fields = dict(re.findall(r'name="(csrfmiddlewaretoken|token)" value="([^"]+)"', form.body))
    body = urlencode({**fields, "message": "Sent through the cache."})
    headers = {
        "Cookie": f"csrftoken={cookie}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    sent = varnish.request("POST", "/tips/", headers, body=body)
    assert sent.status == 302 and sent.headers["Location"] == "/tips/thanks/"
    assert Tip.objects.get().message == "Sent through the cache."
    # Without the cookie the form is refused, as it would be without Varnish.
    refused = varnish.request("POST", "/tips/", {**headers, "Cookie": ""}, body=body)
    assert refused.status == 403 and Tip.objects.count() == 1
