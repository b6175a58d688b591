"""Varnish with the repository's VCL (deploy/varnish/newsroom.vcl) in front of the application:
what it stores, what it never stores, and how the application's purges reach it.

The pages come from ``tests.helpers.varnish_urls``, which answer with the headers the application
gives each kind of response and count how often the application was asked.
"""

import time
import urllib.request

import pytest

from caching import frontends
from tests.helpers import varnish_urls
from tests.helpers.varnish_urls import PUBLIC

# As in test_varnish_site.py: emptied after each test, then refilled with the migrated data.
pytestmark = [
    pytest.mark.varnish,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def site(settings):
    settings.ROOT_URLCONF = "tests.helpers.varnish_urls"
    # These pages choose their own headers; the application's page cache would add its own.
    settings.PAGE_CACHE_ENABLED = False
    varnish_urls.reset()
    yield
    varnish_urls.reset()


def made(path):
    """How many times the application made the page at ``path``."""
    return varnish_urls.made[path]


def served(response):
    """How many times the application had made the page when this copy of it was made."""
    return int(response.body.split(" made ")[1].split(";")[0])


def wait_until(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


# What is stored


def test_a_public_page_is_made_once_then_served_from_the_cache(varnish):
    first = varnish.get("/public/story-1+list-all/")
    second = varnish.get("/public/story-1+list-all/")

    assert (first.status, first.headers["X-Cache"]) == (200, "MISS")
    assert (second.status, second.headers["X-Cache"]) == (200, "HIT")
    assert served(second) == 1
    assert made("/public/story-1+list-all/") == 1


def test_the_cache_keeps_a_page_for_its_s_maxage_while_browsers_get_max_age_zero(varnish):
    varnish.get("/public/story-1/")
    hit = varnish.get("/public/story-1/")

    assert hit.headers["X-Cache"] == "HIT"
    assert hit.headers["Cache-Control"] == PUBLIC


def test_the_surrogate_keys_never_reach_readers(varnish, live_server):
    with urllib.request.urlopen(live_server.url + "/public/story-1+list-all/") as direct:
        assert direct.headers["xkey"] == "story-1 list-all"
        assert direct.headers["Surrogate-Key"] == "story-1 list-all"

    for response in (
        varnish.get("/public/story-1+list-all/"),
        varnish.get("/public/story-1+list-all/"),
    ):
        assert "xkey" not in response.headers
        assert "Surrogate-Key" not in response.headers


def test_every_accept_encoding_shares_one_copy(varnish):
    encodings = ["gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "deflate", "identity", None]
    answers = [
        varnish.get("/varies/", {"Accept-Encoding": encoding} if encoding else {})
        for encoding in encodings
    ]

    assert [answer.headers["X-Cache"] for answer in answers] == ["MISS"] + ["HIT"] * 4
    assert made("/varies/") == 1


def test_other_cookies_are_dropped_and_do_not_prevent_caching(varnish):
    first = varnish.get("/public/story-1/", {"Cookie": "csrftoken=abc; _ga=GA1.2.3"})
    second = varnish.get("/public/story-1/", {"Cookie": "csrftoken=def"})

    assert first.headers["X-Cache"] == "MISS"
    assert first.body.endswith("cookies: []")
    assert second.headers["X-Cache"] == "HIT"


# What is never stored


def test_a_signed_in_request_is_never_served_from_the_cache(varnish):
    varnish.get("/public/story-1/")
    signed_in = varnish.get("/public/story-1/", {"Cookie": "csrftoken=abc; sessionid=s3cr3t"})

    assert signed_in.headers["X-Cache"] == "PASS"
    assert served(signed_in) == 2
    assert signed_in.body.endswith("cookies: ['csrftoken', 'sessionid']")


def test_a_page_made_for_a_signed_in_request_is_never_stored(varnish):
    varnish.get("/public/story-1/", {"Cookie": "sessionid=s3cr3t"})
    anonymous = varnish.get("/public/story-1/")

    assert anonymous.headers["X-Cache"] == "MISS"
    assert made("/public/story-1/") == 2


def test_a_post_reaches_the_application_every_time_with_its_cookies(varnish):
    for _ in range(2):
        posted = varnish.request("POST", "/public/story-1/", {"Cookie": "csrftoken=abc"})
        assert posted.headers["X-Cache"] == "PASS"
        assert posted.body.endswith("cookies: ['csrftoken']")
    assert made("/public/story-1/") == 2


@pytest.mark.parametrize(
    "path",
    [
        "/personal/",
        "/sets-cookie/",
        "/unlabelled/",
        "/admin/stories/story/1/",
        "/%61dmin/stories/story/1/",
        "/preview/t0ken/",
    ],
    ids=[
        "private, no-store",
        "Set-Cookie",
        "no Cache-Control",
        "the admin",
        "the admin, percent-encoded",
        "a preview",
    ],
)
def test_a_response_that_may_not_be_shared_is_never_stored(varnish, path):
    first = varnish.get(path)
    second = varnish.get(path)

    assert first.status == second.status == 200
    assert second.headers["X-Cache"] != "HIT"
    assert made(path.replace("%61", "a")) == 2


def test_a_cookie_set_by_the_application_reaches_the_reader(varnish):
    response = varnish.get("/sets-cookie/")

    assert "messages=hello" in response.headers["Set-Cookie"]


# Purging by key


def test_purging_a_key_removes_exactly_the_pages_carrying_it(varnish):
    pages = ["/public/story-1+list-all/", "/public/story-1/", "/public/story-2+list-all/"]
    for path in pages:
        varnish.get(path)

    frontends.purge(["story-1"])

    after = {path: varnish.get(path).headers["X-Cache"] for path in pages}
    assert after == {
        "/public/story-1+list-all/": "MISS",
        "/public/story-1/": "MISS",
        "/public/story-2+list-all/": "HIT",
    }


def test_purging_a_list_key_removes_every_page_of_the_list(varnish):
    pages = ["/public/story-1+list-all/", "/public/story-2+list-all/", "/public/story-3/"]
    for path in pages:
        varnish.get(path)

    frontends.purge(["list-all"])

    assert [varnish.get(path).headers["X-Cache"] for path in pages] == ["MISS", "MISS", "HIT"]


def test_a_purge_of_thousands_of_keys_reaches_varnish_whole(varnish, caplog):
    varnish.get("/public/story-1/")
    varnish.get("/public/story-2/")
    keys = [f"list-archive-2026-01-{n:04}" for n in range(3000)] + ["story-2"]

    frontends.purge(keys)

    assert varnish.get("/public/story-2/").headers["X-Cache"] == "MISS"
    assert varnish.get("/public/story-1/").headers["X-Cache"] == "HIT"
    assert not caplog.records


def test_a_purge_says_how_many_pages_it_removed(varnish):
    varnish.get("/public/story-1+list-all/")
    varnish.get("/public/story-2+list-all/")

    response = varnish.request("PURGE", "/", {"xkey-purge": "list-all story-9"})

    assert (response.status, response.reason) == (200, "Purged 2")


def test_a_purge_without_keys_is_refused_and_removes_nothing(varnish):
    varnish.get("/public/story-1/")

    response = varnish.request("PURGE", "/public/story-1/")

    assert response.status == 400
    assert varnish.get("/public/story-1/").headers["X-Cache"] == "HIT"


def test_a_purge_from_another_address_is_refused(varnish):
    varnish.get("/public/story-1/")

    # 127.0.0.2 is this machine too, but not one of the addresses allowed to purge.
    refused = varnish.request("PURGE", "/", {"xkey-purge": "story-1"}, source="127.0.0.2")
    kept = varnish.get("/public/story-1/")
    allowed = varnish.request("PURGE", "/", {"xkey-purge": "story-1"})

    assert refused.status == 403
    assert kept.headers["X-Cache"] == "HIT"
    assert (allowed.status, allowed.reason) == (200, "Purged 1")


# Stale pages


def test_a_stale_page_is_served_while_it_is_refreshed_in_the_background(varnish):
    path = "/expiring/1/30/60/"
    varnish.get(path)
    time.sleep(1.5)

    stale = varnish.get(path)
    wait_until(lambda: served(varnish.get(path)) == 2)

    assert (stale.headers["X-Cache"], served(stale)) == ("HIT", 1)
    assert made(path) == 2


def test_beyond_stale_while_revalidate_the_page_is_made_again_before_answering(varnish):
    path = "/expiring/1/1/60/"
    varnish.get(path)
    time.sleep(2.5)

    again = varnish.get(path)

    assert (again.headers["X-Cache"], served(again)) == ("MISS", 2)


def test_while_the_application_is_down_stale_pages_are_served_for_their_stale_if_error(varnish):
    kept_long, kept_briefly = "/expiring/1/1/60/", "/expiring/1/1/2/"
    varnish.get(kept_long)
    varnish.get(kept_briefly)
    varnish_urls.broken.set()
    # As the backend's probe would find after a few failures.
    varnish.admin("backend.set_health", "default", "sick")
    time.sleep(3.5)

    stale = varnish.get(kept_long)
    gone = varnish.get(kept_briefly)

    assert (stale.status, stale.headers["X-Cache"], served(stale)) == (200, "HIT", 1)
    assert gone.status == 503


def test_an_error_while_refreshing_keeps_the_stale_page(varnish):
    path = "/expiring/1/30/60/"
    varnish.get(path)
    varnish_urls.broken.set()
    time.sleep(1.5)

    first = varnish.get(path)
    time.sleep(0.5)
    second = varnish.get(path)

    assert (first.status, served(first)) == (200, 1)
    assert (second.status, served(second)) == (200, 1)
