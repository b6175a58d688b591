"""Fixtures for the real-browser tests: one headless Chromium per session, a fresh context
per test, and a guard that fails any test whose page reached a host other than this machine.

Chromium is Debian's (``/usr/bin/chromium``); the Nu HTML checker is the ``vnu-jar`` npm
package installed by ``make browser-tools``. Outside CI a missing tool skips these tests with the
reason; under CI (``CI=true``) it fails them, so a broken install cannot pass silently.
"""

import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from fronts.models import Banner
from live.demo import STORY as LIVE_STORY
from stories import workflow
from stories.models import Page, Person, PreviewLink, Section, Story, Tag
from tests.helpers.browser import (
    DRAFT_STORY,
    MAIN_STORY,
    NOT_FOUND,
    OutboundGuard,
    PolicyGuard,
    server_settled,
)
from tests.helpers.demo import load_demo
from tests.helpers.factories import make_public_story
from tests.helpers.tools import require_tool
from tests.helpers.validator import Validator

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROJECT = Path(__file__).resolve().parents[2]
VNU_JAR = PROJECT / os.environ.get("VNU_JAR", ".tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar")
SCREENSHOTS = PROJECT / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    require_tool(CHROMIUM.exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=15_000)
    # Playwright's sync API runs an asyncio event loop in this thread while the browser is open,
    # so Django's guard against ORM calls from async code would refuse the tests' own database
    # work (building data, the live server's flush), though every such call here is synchronous.
    # Django's connections belong to an async context, so this one gets new connection
    # objects, lacking the copy of the migrated database that each test starts from (the
    # groups, the standing pages): carry that copy over.
    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def migrated_data(django_db_serialized_rollback):
    """Start every test from the database as the migrations leave it.

    The live server's database is emptied after each test; this restores what the data
    migrations create, as in production: the Reporter and Editor groups, the standing pages.
    """


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in fresh, self-contained contexts: ``new_page(width=375)``; other keywords
    are the context's options (``java_script_enabled=False``).

    Each context gets its own cookies, an outbound guard and a policy guard; the test fails if
    any of its pages requested a URL whose host is not this machine, or had something refused
    by the Content Security Policy or the Permissions-Policy.
    """
    contexts, guards, policies = [], [], []

    def open_page(width=1280, height=900, **options):
        context = browser.new_context(
            viewport={"width": width, "height": height}, base_url=live_server.url, **options
        )
        # Generous waits: the live server shares two cores with the test workers, and a
        # page that never comes still fails, only later.
        context.set_default_timeout(20_000)
        context.set_default_navigation_timeout(30_000)
        guard, policy = OutboundGuard(), PolicyGuard()
        guard.attach(context)
        policy.attach(context)
        contexts.append(context)
        guards.append(guard)
        policies.append(policy)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    server_settled()
    leaks = sorted({url for guard in guards for url in guard.leaks()})
    if leaks:
        pytest.fail("The page made requests off this machine:\n" + "\n".join(leaks))
    refused = [violation for policy in policies for violation in policy.violations]
    if refused:
        pytest.fail("The browser refused what a page did:\n" + "\n".join(refused))


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under artifacts/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(scope="session")
def vnu():
    """The Nu HTML checker: ``vnu.errors({name: html})`` gives each document's errors."""
    java = shutil.which("java")
    require_tool(java is not None, "Java not found (apt-get install default-jre-headless)")
    require_tool(VNU_JAR.exists(), f"Nu HTML checker not found at {VNU_JAR} (make browser-tools)")
    return Validator(java, VNU_JAR)


@pytest.fixture
def demo(live_server):
    """The demo coverage, and the address of one page of every public page type.

    Every page answers 200 but the one called ``NOT_FOUND``, which answers 404.
    """
    load_demo()
    story = Story.objects.get(slug=MAIN_STORY)
    # A live breaking-news banner, so that every page is checked with it.
    Banner.objects.create(
        text="Live: the Senate Finance Committee questions the acting commissioner",
        story=story,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    draft = Story.objects.get(slug=DRAFT_STORY)
    day = timezone.localtime(story.published_at)
    year, month = {"year": day.year}, {"year": day.year, "month": day.month}
    withdrawn = make_public_story(section=story.section, headline="A report we withdrew")
    workflow.retract(
        withdrawn, by=workflow.SYSTEM, text="It rested on a forged memo.", note="browser tests"
    )
    return {
        "home": "/",
        "story": story.get_absolute_url(),
        "live story": Story.objects.get(slug=LIVE_STORY).get_absolute_url(),
        "section": Section.objects.get(slug="government").get_absolute_url(),
        "tag": Tag.objects.get(slug="irs").get_absolute_url(),
        "person": Person.objects.get(slug="melanie-krause").get_absolute_url(),
        "staff person": Person.objects.get(slug="elena-marsh").get_absolute_url(),
        "year archive": reverse("stories:archive-year", kwargs=year),
        "month archive": reverse("stories:archive-month", kwargs=month),
        "day archive": reverse("stories:archive-day", kwargs=month | {"day": day.day}),
        "corrections": reverse("stories:corrections"),
        "standing page": Page.objects.get(slug="ethics").get_absolute_url(),
        "about page": Page.objects.get(slug=Page.ABOUT).get_absolute_url(),
        "search results": reverse("stories:search") + "?q=Krause+resignation",
        "search with no results": reverse("stories:search") + "?q=zzxq",
        "shared preview": PreviewLink.objects.create(story=draft).get_absolute_url(),
        "retracted story": withdrawn.get_absolute_url(),
        "report an error form": reverse("feedback:report", args=[story.pk]),
        "tip form": reverse("feedback:tip"),
        "thanks for a tip": reverse("feedback:tip-thanks"),
        "how to reach us securely": Page.objects.get(slug="contact-securely").get_absolute_url(),
        NOT_FOUND: "/no-such-page/",
    }


@pytest.fixture
def axe_violations():
    """Run axe-core on a page; return its violations of any impact as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page) -> list[str]:
        found = []
        for violation in axe.run(page).response["violations"]:
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"]:
                summary = node.get("failureSummary", "").replace("\n", " ")
                found.append(f"    at {', '.join(map(str, node['target']))}: {summary}")
        return found

    return check
