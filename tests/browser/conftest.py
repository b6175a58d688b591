"""Fixtures for the real-browser tests: one headless Chromium per session, a fresh context
per test, and a guard that fails any test whose page reached a host other than this machine.

Chromium is Debian's (``/usr/bin/chromium``); the Nu HTML checker is the ``vnu-jar`` npm
package installed by ``make browser-tools``. Outside CI a missing tool skips these tests with the
reason; under CI (``CI=true``) it fails them, so a broken install cannot pass silently.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

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
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
PASSWORD = "correct horse battery staple"
MAIN_STORY = "irs-commissioner-melanie-krause-resigns"
DRAFT_STORY = "inside-the-weeks-before-the-irs-dhs-agreement"


def require_tool(present: bool, problem: str) -> None:
    """Skip outside CI, fail under CI, when a tool the browser tests need is missing."""
    if present:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{problem} (CI must install it: see .ci/run)", pytrace=False)
    pytest.skip(problem)


class OutboundGuard:
    """Records every request a browser context makes and blocks those leaving this machine."""

    def __init__(self):
        self.requests: list[str] = []
        self.foreign: list[str] = []

    def attach(self, context):
        context.on("request", lambda request: self.requests.append(request.url))
        context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if self.is_local(url):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort("blockedbyclient")

    @staticmethod
    def is_local(url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob", "about"}:
            return True
        return parts.hostname in LOCAL_HOSTS

    def leaks(self) -> list[str]:
        recorded = [url for url in self.requests if not self.is_local(url)]
        return sorted(set(recorded + self.foreign))


@pytest.fixture(scope="session")
def browser():
    require_tool(CHROMIUM.exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

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


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Signing in through the real login form hashes each password; the production hasher is
    # deliberately slow, which only slows the journeys down here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in fresh, self-contained contexts: ``new_page(width=375)``.

    Each context gets its own cookies and an outbound guard; the test fails if any of its pages
    requested a URL whose host is not this machine.
    """
    contexts, guards = [], []

    def open_page(width=1280, height=900):
        context = browser.new_context(
            viewport={"width": width, "height": height}, base_url=live_server.url
        )
        context.set_default_timeout(10_000)
        guard = OutboundGuard()
        guard.attach(context)
        contexts.append(context)
        guards.append(guard)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    leaks = sorted({url for guard in guards for url in guard.leaks()})
    if leaks:
        pytest.fail("The page made requests off this machine:\n" + "\n".join(leaks))


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
    from tests.browser.validator import Validator

    return Validator(java, VNU_JAR)


NOT_FOUND = "page not found"


@pytest.fixture
def demo(live_server):
    """The demo coverage, and the address of one page of every public page type.

    Every page answers 200 but the one called ``NOT_FOUND``, which answers 404.
    """
    from django.urls import reverse
    from django.utils import timezone

    from stories.models import Page, Person, PreviewLink, Section, Story, Tag
    from tests.test_demo import load_demo

    load_demo()
    story = Story.objects.get(slug=MAIN_STORY)
    draft = Story.objects.get(slug=DRAFT_STORY)
    day = timezone.localtime(story.published_at)
    year, month = {"year": day.year}, {"year": day.year, "month": day.month}
    return {
        "home": "/",
        "story": story.get_absolute_url(),
        "section": Section.objects.get(slug="government").get_absolute_url(),
        "tag": Tag.objects.get(slug="irs").get_absolute_url(),
        "person": Person.objects.get(slug="melanie-krause").get_absolute_url(),
        "staff person": Person.objects.get(slug="elena-marsh").get_absolute_url(),
        "year archive": reverse("stories:archive-year", kwargs=year),
        "month archive": reverse("stories:archive-month", kwargs=month),
        "day archive": reverse("stories:archive-day", kwargs=month | {"day": day.day}),
        "corrections": reverse("stories:corrections"),
        "standing page": Page.objects.get(slug="ethics").get_absolute_url(),
        "search results": reverse("stories:search") + "?q=Krause+resignation",
        "search with no results": reverse("stories:search") + "?q=zzxq",
        "shared preview": PreviewLink.objects.create(story=draft).get_absolute_url(),
        NOT_FOUND: "/no-such-page/",
    }


def expected_status(name):
    return 404 if name == NOT_FOUND else 200


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


def make_staff(username, role):
    """A staff account in a newsroom role: "Reporter", "Editor" or "superuser".

    Editors and superusers sign in with a second factor: they get an authenticator app."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from tests.signin import add_authenticator

    User = get_user_model()
    if role == "superuser":
        user = User.objects.create_superuser(username, f"{username}@example.org", PASSWORD)
    else:
        user = User.objects.create_user(
            username, f"{username}@example.org", PASSWORD, is_staff=True
        )
        user.groups.add(Group.objects.get(name=role))
    if role in ("Editor", "superuser"):
        add_authenticator(user)
    return user


SECOND_STEP = "/admin/two-step/verify/"


def log_in(page, username, password=PASSWORD):
    """Sign in through the admin's login form, as a person would, with the code of the
    person's authenticator app when the second step asks for it."""
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: urlsplit(url).path in ("/admin/", SECOND_STEP))
    if urlsplit(page.url).path == SECOND_STEP:
        type_authenticator_code(page, username)
        page.wait_for_url("**/admin/")


def type_authenticator_code(page, username):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.signin import current_code

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    page.get_by_label("Code").fill(current_code(device))
    page.get_by_role("button", name="Confirm").click()


def focused_name(page) -> str:
    """The visible text of the focused element (a link's or button's name)."""
    return page.evaluate(
        "() => { const e = document.activeElement; return (e.innerText || e.value || '').trim(); }"
    )


def tab_to(page, name, limit=100):
    """Press Tab, as a keyboard user does, until the element called ``name`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_name(page) == name:
            return
    raise AssertionError(f"{name!r} is not reached within {limit} presses of Tab on {page.url}")


def choose(scope, field, typed, option):
    """Pick ``option`` in an autocomplete field by typing part of it, as an editor does.

    ``scope`` is the page, or the part of it (an inline form) that holds the field.
    """
    page = getattr(scope, "page", scope)
    scope.get_by_role("combobox", name=field).click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.get_by_role("option", name=option).click()


def type_body(page, *parts):
    """Type into the story's rich-text body; a ``(shortcut, text)`` part is typed between two
    presses of the shortcut, as ``("Control+b", "bold")``."""
    body = page.get_by_role("textbox", name="Body:")
    body.click()
    for part in parts:
        if isinstance(part, str):
            page.keyboard.type(part)
        else:
            shortcut, text = part
            page.keyboard.press(shortcut)
            page.keyboard.type(text)
            page.keyboard.press(shortcut)
    return body
