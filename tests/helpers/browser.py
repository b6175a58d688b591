"""Steps of the browser journeys, as a person takes them, and the guard on what pages load."""

import time
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.helpers.signin import add_authenticator, current_code

LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
PASSWORD = "correct horse battery staple"
MAIN_STORY = "irs-commissioner-melanie-krause-resigns"
DRAFT_STORY = "inside-the-weeks-before-the-irs-dhs-agreement"
NOT_FOUND = "page not found"


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


class PolicyGuard:
    """Records what the browser refused under the site's policies, in every page of a context:
    each ``securitypolicyviolation`` event (Content Security Policy) and each console message
    about the Content Security Policy or the Permissions-Policy header."""

    REPORTER = """
        document.addEventListener("securitypolicyviolation", (event) => {
            window.reportPolicyViolation(
                `${event.effectiveDirective} refused ${event.blockedURI || "inline code"}` +
                ` in ${event.documentURI} (${event.sourceFile || "the page"}:${event.lineNumber})`
            );
        });
    """
    CONSOLE_WORDS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")

    def __init__(self):
        self.violations: list[str] = []

    def attach(self, context):
        context.expose_binding(
            "reportPolicyViolation", lambda source, text: self.violations.append(text)
        )
        context.add_init_script(self.REPORTER)
        context.on("console", self._console)

    def _console(self, message):
        if any(words in message.text for words in self.CONSOLE_WORDS):
            self.violations.append(f"console {message.type}: {message.text}")


def expected_status(name):
    """What the page called ``name`` in the ``demo`` fixture answers."""
    return 404 if name == NOT_FOUND else 200


def make_staff(username, role):
    """A staff account in a newsroom role: "Reporter", "Editor" or "superuser".

    Editors and superusers sign in with a second factor: they get an authenticator app."""
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
    from playwright.sync_api import expect

    page = getattr(scope, "page", scope)
    combobox = scope.get_by_role("combobox", name=field)
    combobox.click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    # Wait out the search's delay, so the option clicked is not swapped for a fresh copy by
    # the answer arriving under the pointer.
    page.wait_for_timeout(300)
    results = page.locator(".select2-container--open .select2-results")
    expect(results.locator(".loading-results")).to_have_count(0)
    results.get_by_role("option", name=option).click()
    expect(combobox).to_contain_text(option)


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


def server_settled(timeout=5.0):
    """Wait until the live server has finished what a closed page sent last (the beacon on
    leaving, an autosave, a poll). With SQLite in memory the server shares this thread's
    connection, and a request it is still serving holds that connection inside its
    transaction, where the next test's writes would land."""
    deadline = time.monotonic() + timeout
    while connection.in_atomic_block or not connection.get_autocommit():
        if time.monotonic() > deadline:
            raise AssertionError("The live server is still inside a transaction.")
        time.sleep(0.05)
