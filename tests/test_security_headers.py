"""The headers a security scanner (the MDN HTTP Observatory) checks, under the settings the
documented production environment gives: for a reader page, an admin page, a picture and a
source document. Then the page cache replaying the same policy, and security.txt."""

import functools
import re
from datetime import UTC, datetime, timedelta

from django.core.files.storage import default_storage
from django.test import TestCase, override_settings

from stories import files
from tests.helpers.accounts import make_user
from tests.helpers.documents import make_document_source
from tests.helpers.factories import cite, make_public_story
from tests.helpers.production import (
    DOCUMENTED_PRODUCTION,
    HTTPS_SETTINGS,
    ProductionMode,
    production_settings,
)
from tests.helpers.reader_data import make_image

HTTPS = {"X-Forwarded-Proto": "https"}
SIX_MONTHS = 15_552_000
GOOD_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}


@functools.cache
def production_security():
    """The security settings of the documented production environment, read from a process
    started with it."""
    return production_settings(
        *HTTPS_SETTINGS,
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_CSP",
        "SECURE_REFERRER_POLICY",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY",
        "CSRF_COOKIE_HTTPONLY",
        "PERMISSIONS_POLICY",
        **DOCUMENTED_PRODUCTION,
    )


class InProduction(ProductionMode):
    @classmethod
    def setUpClass(cls):
        override = override_settings(**production_security())
        override.enable()
        cls.addClassCleanup(override.disable)
        super().setUpClass()


def directives(response) -> dict[str, str]:
    policy = response.get("Content-Security-Policy", "")
    parts = (part.strip().partition(" ") for part in policy.split(";") if part.strip())
    return {name: value for name, _, value in parts}


def scanner_findings(response) -> list[str]:
    """What the Observatory would mark down in these headers: nothing, we expect."""
    found = []
    policy = directives(response)
    if "default-src" not in policy:
        found.append(f"no default-src in the Content-Security-Policy: {policy}")
    if any(
        word in value for value in policy.values() for word in ("unsafe-inline", "unsafe-eval")
    ):
        found.append(f"the Content-Security-Policy allows inline code or eval: {policy}")
    max_age = re.search(r"max-age=(\d+)", response.get("Strict-Transport-Security", ""))
    if not max_age or int(max_age[1]) < SIX_MONTHS:
        found.append(f"HSTS shorter than six months: {response.get('Strict-Transport-Security')}")
    if response.get("X-Content-Type-Options") != "nosniff":
        found.append("no X-Content-Type-Options: nosniff")
    if response.get("X-Frame-Options") != "DENY" and policy.get("frame-ancestors") != "'none'":
        found.append("the page may be framed")
    if response.get("Referrer-Policy") not in GOOD_REFERRER_POLICIES:
        found.append(f"Referrer-Policy {response.get('Referrer-Policy')!r}")
    found += [
        f"{name} says what serves the site"
        for name in ("Server", "X-Powered-By")
        if name in response
    ]
    for cookie in response.cookies.values():
        if not (cookie["secure"] and cookie["httponly"] and cookie["samesite"]):
            found.append(f"cookie {cookie.key} lacks Secure, HttpOnly or SameSite: {cookie}")
    return found


class ScannerGradeHeadersTests(InProduction, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.story = make_public_story(hero_image=make_image())
        cls.document = make_document_source(document_is_public=True)
        cite(cls.story, cls.document)
        cls.superuser = make_user("superuser")

    def test_a_reader_page_has_nothing_to_mark_down(self):
        for path in ["/", self.story.get_absolute_url()]:
            with self.subTest(path=path):
                response = self.client.get(path, headers=HTTPS)
                assert response.status_code == 200
                assert scanner_findings(response) == []

    def test_the_sign_in_page_and_its_csrf_cookie_have_nothing_to_mark_down(self):
        response = self.client.get("/admin/login/", headers=HTTPS)
        assert response.status_code == 200
        assert "csrftoken" in response.cookies
        assert scanner_findings(response) == []

    def test_a_staff_session_cookie_has_nothing_to_mark_down(self):
        self.client.force_login(self.superuser)
        response = self.client.get("/admin/stories/story/", headers=HTTPS)
        assert response.status_code == 200
        assert "sessionid" in response.cookies
        assert scanner_findings(response) == []

    def test_a_picture_is_sandboxed_and_has_nothing_to_mark_down(self):
        rendition = self.story.hero_image.renditions("16x9")[0]
        response = self.client.get(default_storage.url(rendition.name), headers=HTTPS)
        assert response.status_code == 200
        assert response["Content-Security-Policy"] == files.PICTURE_POLICY
        assert scanner_findings(response) == []

    def test_a_source_document_is_sandboxed_and_has_nothing_to_mark_down(self):
        response = self.client.get(self.document.document_url, headers=HTTPS)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Security-Policy"] == files.DOCUMENT_POLICY
        assert scanner_findings(response) == []

    def test_plain_http_is_sent_to_https_for_good(self):
        response = self.client.get(self.story.get_absolute_url())
        assert response.status_code == 301
        assert response["Location"] == f"https://testserver{self.story.get_absolute_url()}"

    def test_https_pages_ask_browsers_to_use_https_for_a_year_subdomains_included(self):
        response = self.client.get("/", headers=HTTPS)
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert "upgrade-insecure-requests" in directives(response)

    def test_pages_open_no_window_to_other_origins_and_refuse_powerful_features(self):
        for path in ["/", "/admin/login/"]:
            with self.subTest(path=path):
                response = self.client.get(path, headers=HTTPS)
                assert response["Cross-Origin-Opener-Policy"] == "same-origin"
                features = response["Permissions-Policy"].split(", ")
                assert {"camera=()", "microphone=()", "geolocation=()"} <= set(features)


class NonceTests(TestCase):
    def test_reader_pages_carry_no_nonce_since_they_are_cached_and_shared(self):
        make_public_story()
        response = self.client.get("/")
        assert "nonce-" not in response["Content-Security-Policy"]
        assert b"nonce=" not in response.content

    def test_admin_pages_carry_a_fresh_nonce_that_their_tags_use(self):
        nonces = []
        for _ in range(2):
            response = self.client.get("/admin/login/")
            nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
            assert f'nonce="{nonce}"'.encode() in response.content
            nonces.append(nonce)
        assert nonces[0] != nonces[1]


class CachedPagePolicyTests(TestCase):
    """The policy header is added outside the page cache (settings.MIDDLEWARE): a cached page
    is replayed with the policy of the request that asks for it, never one stored with it."""

    def test_a_cached_page_is_replayed_with_the_same_policy_as_a_fresh_one(self):
        make_public_story()
        fresh, cached = self.client.get("/"), self.client.get("/")
        assert (fresh["X-Page-Cache"], cached["X-Page-Cache"]) == ("miss", "hit")
        for header in ["Content-Security-Policy", "Permissions-Policy", "X-Frame-Options"]:
            assert cached[header] == fresh[header]

    def test_a_changed_policy_applies_to_pages_already_cached(self):
        make_public_story()
        assert self.client.get("/")["X-Page-Cache"] == "miss"
        with override_settings(SECURE_CSP={"default-src": ["'none'"]}):
            cached = self.client.get("/")
        assert cached["X-Page-Cache"] == "hit"
        assert cached["Content-Security-Policy"] == "default-src 'none'"


class SecurityTxtTests(TestCase):
    def get(self, **headers):
        return self.client.get("/.well-known/security.txt", headers=headers)

    def fields(self, response):
        return [tuple(line.split(": ", 1)) for line in response.text.splitlines()]

    def test_it_names_a_contact_an_expiry_the_language_and_its_own_address(self):
        response = self.get()
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response["Cache-Control"] == "public, max-age=86400"
        assert [name for name, _ in self.fields(response)] == [
            "Contact",
            "Expires",
            "Preferred-Languages",
            "Canonical",
        ]
        fields = dict(self.fields(response))
        assert fields["Contact"] == "mailto:security@testserver"
        assert fields["Preferred-Languages"] == "en"
        assert fields["Canonical"] == "http://testserver/.well-known/security.txt"

    def test_it_expires_in_the_future_but_within_a_year(self):
        expires = datetime.strptime(dict(self.fields(self.get()))["Expires"], "%Y-%m-%dT%H:%M:%SZ")
        now = datetime.now(UTC).replace(tzinfo=None)
        assert now + timedelta(days=150) < expires < now + timedelta(days=365)

    @override_settings(SITE_URL="https://news.example")
    def test_the_public_origin_gives_the_canonical_address_and_the_default_contact(self):
        fields = dict(self.fields(self.get(Host="localhost:8000")))
        assert fields["Canonical"] == "https://news.example/.well-known/security.txt"
        assert fields["Contact"] == "mailto:security@news.example"

    @override_settings(SECURITY_CONTACT=["desk@news.example", "https://news.example/security"])
    def test_each_contact_set_is_listed_e_mail_addresses_as_mailto(self):
        contacts = [value for name, value in self.fields(self.get()) if name == "Contact"]
        assert contacts == ["mailto:desk@news.example", "https://news.example/security"]
