"""Staff sign-in, from the lowest role up: lockout, the second factor, sessions, passwords.

Signing in goes through the admin's own login form, as a person does (``force_login`` stands
for a complete sign-in and is used only where signing in is not what is tested).
"""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from unittest import mock

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, SimpleTestCase, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor
from tests.helpers.accounts import ROLES, make_user
from tests.helpers.factories import make_public_story
from tests.helpers.signin import COUNTING_HASHER, CountingHasher, add_authenticator, current_code

PASSWORD = "pw"
LOGIN = "/admin/login/"
ADMIN = "/admin/"
TWO_STEP = "/admin/two-step/"
VERIFY = "/admin/two-step/verify/"

# Who must give a second factor before the admin opens, from the lowest role up.
SECOND_FACTOR = {
    "anonymous": None,
    "staff": "optional",
    "reporter": "optional",
    "editor": "required",
    "superuser": "required",
}


def sign_in(client, username, password=PASSWORD, address="127.0.0.1", next_url=ADMIN):
    """Post the admin's login form from ``address``; the response, redirects not followed."""
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": next_url},
        REMOTE_ADDR=address,
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and not response["Location"].startswith(LOGIN)


@override_settings(PASSWORD_HASHERS=COUNTING_HASHER, AXES_FAILURE_LIMIT=5)
class LockoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = {role: make_user(role) for role in ROLES if role != "anonymous"}

    def fail(self, username, times, address="127.0.0.1"):
        return [sign_in(self.client, username, "wrong", address).status_code for _ in range(times)]

    def test_the_fifth_wrong_password_locks_every_role_out_and_the_right_one_is_then_refused(self):
        for role, user in self.users.items():
            with self.subTest(role):
                address = f"10.0.0.{len(role)}"
                assert self.fail(user.username, 5, address) == [200, 200, 200, 200, 429]
                response = sign_in(self.client, user.username, address=address)
                assert response.status_code == 429
                assert not signed_in(response)
                assert "_auth_user_id" not in self.client.session

    def test_a_locked_out_attempt_never_reaches_the_password_hasher(self):
        before = CountingHasher.calls
        self.fail("editor", 4)
        assert CountingHasher.calls - before == 4, "each attempt before the lockout is hashed"
        self.fail("editor", 1)
        locked = CountingHasher.calls
        statuses = [*self.fail("editor", 20), sign_in(self.client, "editor").status_code]
        assert statuses == [429] * 21
        assert CountingHasher.calls == locked

    def test_an_account_is_locked_out_whatever_address_the_attempts_come_from(self):
        for n in range(5):
            self.fail("editor", 1, address=f"192.0.2.{n}")
        assert sign_in(self.client, "editor", address="198.51.100.7").status_code == 429
        assert signed_in(sign_in(Client(), "reporter", address="198.51.100.7"))

    def test_an_address_is_locked_out_whatever_accounts_it_tries(self):
        for name in ("editor", "chief", "nobody", "admin", "root"):
            self.fail(name, 1, address="203.0.113.9")
        assert sign_in(self.client, "reporter", address="203.0.113.9").status_code == 429
        assert signed_in(sign_in(Client(), "reporter", address="198.51.100.7"))

    def test_signing_in_to_ones_own_account_clears_no_failures(self):
        self.fail("editor", 4, address="203.0.113.9")
        assert signed_in(sign_in(Client(), "reporter", address="203.0.113.9"))
        assert self.fail("editor", 1, address="203.0.113.9") == [429]

    def test_an_account_that_does_not_exist_is_locked_out_the_same_way(self):
        assert self.fail("no-such-person", 5) == [200, 200, 200, 200, 429]
        assert self.fail("no-such-person", 1) == [429]

    def test_the_lockout_page_says_for_how_long_and_when_to_retry(self):
        self.fail("editor", 5)
        response = sign_in(self.client, "editor")
        assert response.status_code == 429
        assert response["Retry-After"] == "900"
        assert "Signing in is paused for 15 minutes" in response.content.decode()
        assert "private" in response["Cache-Control"]

    def test_the_lockout_ends_after_the_cool_off_period(self):
        self.fail("editor", 5)
        long_ago = timezone.now() - timedelta(minutes=15, seconds=1)
        AccessAttempt.objects.update(attempt_time=long_ago)
        assert signed_in(sign_in(self.client, "editor"))

    def test_attempts_while_locked_out_are_not_recorded(self):
        self.fail("editor", 5)
        recorded = AccessAttempt.objects.get(username="editor")
        self.fail("editor", 10)
        assert AccessAttempt.objects.get(pk=recorded.pk).failures_since_start == 5


@override_settings(PASSWORD_HASHERS=COUNTING_HASHER)
class SecondFactorByRoleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = {role: make_user(role) for role in ROLES if role != "anonymous"}

    def test_who_must_give_a_second_factor_before_the_admin_opens(self):
        for role, expected in SECOND_FACTOR.items():
            with self.subTest(role):
                client = Client()
                if role != "anonymous":
                    assert signed_in(sign_in(client, role))
                response = client.get(ADMIN)
                if expected is None:
                    assert response["Location"].startswith(LOGIN)
                elif expected == "optional":
                    assert response.status_code == 200
                else:
                    assert response.status_code == 302
                    assert response["Location"] == f"{TWO_STEP}?next=%2Fadmin%2F"

    def test_an_editor_with_only_a_password_reaches_no_admin_page_and_no_story(self):
        story = make_public_story()
        client = Client()
        sign_in(client, "editor")
        for url in (
            ADMIN,
            reverse("admin:stories_story_changelist"),
            reverse("admin:stories_story_change", args=[story.pk]),
            reverse("admin:stories_source_changelist"),
            reverse("admin:password_change"),
            reverse("admin:auth_user_changelist"),
        ):
            with self.subTest(url):
                response = client.get(url)
                assert response.status_code == 302
                assert response["Location"].startswith(TWO_STEP)
        response = client.post(
            reverse("admin:stories_story_delete", args=[story.pk]), {"post": "yes"}
        )
        assert response["Location"] == TWO_STEP
        assert type(story).objects.filter(pk=story.pk).exists()

    def test_every_role_with_a_device_must_use_it_once_it_is_enrolled(self):
        for role, user in self.users.items():
            with self.subTest(role):
                device = add_authenticator(user)
                client = Client()
                sign_in(client, role)
                assert client.get(ADMIN)["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
                response = client.post(VERIFY, {"code": current_code(device), "next": ADMIN})
                assert response["Location"] == ADMIN
                assert client.get(ADMIN).status_code == 200

    def test_a_staff_member_who_may_change_accounts_must_give_a_second_factor(self):
        staff = self.users["staff"]
        staff.user_permissions.add(Permission.objects.get(codename="change_user"))
        client = Client()
        sign_in(client, "staff")
        assert client.get(ADMIN)["Location"].startswith(TWO_STEP)

    def test_the_second_factor_pages_are_closed_to_anonymous_visitors(self):
        for url in (TWO_STEP, VERIFY, reverse("accounts:authenticator")):
            with self.subTest(url):
                assert self.client.get(url)["Location"].startswith(LOGIN)
        begin = reverse("otp_webauthn:credential-registration-begin")
        assert self.client.post(begin).status_code in (401, 403)
        assert not TOTPDevice.objects.exists()

    def test_a_half_signed_in_person_with_a_device_cannot_add_another_or_remove_one(self):
        device = add_authenticator(self.users["editor"])
        client = Client()
        sign_in(client, "editor")
        assert client.get(reverse("accounts:authenticator"))["Location"].startswith(VERIFY)
        assert client.get(TWO_STEP)["Location"].startswith(VERIFY)
        remove = reverse("accounts:remove_device", args=["authenticator", device.pk])
        assert client.post(remove)["Location"].startswith(VERIFY)
        assert TOTPDevice.objects.filter(pk=device.pk).exists()
        recovery = client.post(reverse("accounts:recovery_codes"))
        assert recovery["Location"].startswith(VERIFY)
        begin = reverse("otp_webauthn:credential-registration-begin")
        assert client.post(begin).status_code == 403

    def test_signing_out_stays_open_before_the_second_factor(self):
        client = Client()
        sign_in(client, "editor")
        assert client.post(reverse("admin:logout")).status_code == 200
        assert "_auth_user_id" not in client.session

    def test_a_verified_session_gets_a_new_key(self):
        device = add_authenticator(self.users["editor"])
        client = Client()
        sign_in(client, "editor")
        before = client.session.session_key
        client.post(VERIFY, {"code": current_code(device)})
        assert client.session.session_key != before

    def test_the_next_address_never_leads_off_the_site(self):
        device = add_authenticator(self.users["editor"])
        client = Client()
        sign_in(client, "editor")
        response = client.post(
            VERIFY, {"code": current_code(device), "next": "https://evil.example/"}
        )
        assert response["Location"] == ADMIN


@override_settings(PASSWORD_HASHERS=COUNTING_HASHER)
class EnrolmentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.reporter = make_user("reporter")

    def setUp(self):
        sign_in(self.client, "editor")

    def enrol(self):
        page = self.client.get(reverse("accounts:authenticator"))
        device = TOTPDevice.objects.get(user=self.editor, confirmed=False)
        response = self.client.post(
            reverse("accounts:authenticator"), {"code": current_code(device), "next": ADMIN}
        )
        return page, response, device

    def test_an_editor_scans_a_locally_drawn_qr_code_confirms_a_code_and_gets_recovery_codes(self):
        page, response, device = self.enrol()
        html = page.content.decode()
        assert 'src="data:image/svg+xml' in html
        assert "QR code holding the key below" in html
        assert "".join(second_factor_key(html).split()) in device.config_url
        assert response.status_code == 200
        codes = response.context["codes"]
        assert len(codes) == 10
        for code in codes:
            assert f"<code>{code}</code>" in response.content.decode()
        device.refresh_from_db()
        assert device.confirmed
        assert self.client.get(ADMIN).status_code == 200

    def test_recovery_codes_are_shown_only_once(self):
        _, response, _ = self.enrol()
        codes = response.context["codes"]
        overview = self.client.get(TWO_STEP).content.decode()
        assert "10 unused recovery codes" in overview
        assert not any(code in overview for code in codes)

    def test_a_wrong_code_confirms_nothing(self):
        self.client.get(reverse("accounts:authenticator"))
        response = self.client.post(reverse("accounts:authenticator"), {"code": "000000x"})
        assert response.status_code == 200
        assert "That code does not match the key" in response.content.decode()
        assert not TOTPDevice.objects.filter(confirmed=True).exists()
        assert self.client.get(ADMIN).status_code == 302

    def test_a_recovery_code_signs_in_once(self):
        _, response, _ = self.enrol()
        code = response.context["codes"][0]
        for attempt in ("first", "second"):
            client = Client()
            sign_in(client, "editor")
            response = client.post(VERIFY, {"code": code.upper(), "next": ADMIN})
            if attempt == "first":
                assert response["Location"] == ADMIN
            else:
                assert response.status_code == 200
                assert "That code is not right" in response.content.decode()

    def test_new_recovery_codes_replace_the_old_ones(self):
        _, response, _ = self.enrol()
        old = response.context["codes"]
        new = self.client.post(reverse("accounts:recovery_codes")).context["codes"]
        assert not set(old) & set(new)
        assert StaticDevice.objects.get(user=self.editor).token_set.count() == 10
        for code, accepted in ((new[0], True), (old[0], False)):
            client = Client()
            sign_in(client, "editor")
            assert (client.post(VERIFY, {"code": code}).status_code == 302) is accepted

    def test_wrong_codes_make_the_next_try_wait(self):
        _, _, device = self.enrol()
        client = Client()
        sign_in(client, "editor")
        client.post(VERIFY, {"code": "123456"})
        response = client.post(VERIFY, {"code": current_code(device)})
        assert response.status_code == 200
        assert "after a wrong code, the next is checked only in" in response.content.decode()
        assert client.get(ADMIN).status_code == 302

    def test_removing_the_last_device_removes_the_recovery_codes_and_asks_for_a_new_one(self):
        _, _, device = self.enrol()
        remove = reverse("accounts:remove_device", args=["authenticator", device.pk])
        assert self.client.post(remove)["Location"] == TWO_STEP
        assert not StaticDevice.objects.filter(user=self.editor).exists()
        assert self.client.get(ADMIN)["Location"].startswith(TWO_STEP)

    def test_no_one_removes_anothers_device(self):
        device = add_authenticator(self.reporter)
        self.enrol()
        remove = reverse("accounts:remove_device", args=["authenticator", device.pk])
        assert self.client.post(remove).status_code == 404
        assert TOTPDevice.objects.filter(pk=device.pk).exists()

    def test_an_administrator_resets_a_lost_second_factor_by_deleting_the_devices(self):
        _, _, device = self.enrol()
        chief = Client()
        chief.force_login(make_user("superuser", "chief"))
        for model in ("otp_totp_totpdevice", "otp_static_staticdevice"):
            assert chief.get(reverse(f"admin:{model}_changelist")).status_code == 200
        passkeys = reverse("admin:django_otp_webauthn_webauthncredential_changelist")
        assert chief.get(passkeys).status_code == 200
        delete = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
        assert chief.post(delete, {"post": "yes"}).status_code == 302
        client = Client()
        sign_in(client, "editor")
        assert client.get(ADMIN)["Location"].startswith(VERIFY)  # the recovery codes remain
        StaticDevice.objects.filter(user=self.editor).delete()
        assert client.get(ADMIN)["Location"].startswith(TWO_STEP)

    def test_a_reporter_may_enrol_without_being_asked(self):
        client = Client()
        sign_in(client, "reporter")
        overview = client.get(TWO_STEP)
        assert overview.status_code == 200
        assert "optional for your role" in overview.content.decode()
        assert client.get(reverse("accounts:authenticator")).status_code == 200

    def test_the_pages_before_the_second_factor_offer_no_way_into_the_admin(self):
        html = self.client.get(TWO_STEP).content.decode()
        assert 'id="nav-sidebar"' not in html
        assert reverse("admin:password_change") not in html
        assert 'action="/admin/logout/"' in html


def second_factor_key(html):
    start = html.index('<code class="two-step-key">') + len('<code class="two-step-key">')
    return html[start : html.index("</code>", start)]


@override_settings(PASSWORD_HASHERS=COUNTING_HASHER)
class SessionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.story = make_public_story()

    def test_a_signed_in_session_ends_after_thirty_idle_minutes_and_activity_extends_it(self):
        self.client.force_login(self.editor)
        start = timezone.now()
        for minutes, expected in ((29, 200), (58, 200), (89, 302)):
            with mock.patch(
                "django.utils.timezone.now", return_value=start + timedelta(minutes=minutes)
            ):
                response = self.client.get(ADMIN)
            assert response.status_code == expected, minutes
        assert response["Location"].startswith(LOGIN)

    def test_readers_get_no_session_and_no_cookie_and_their_pages_are_cached(self):
        url = self.story.get_absolute_url()
        for _ in range(2):
            response = self.client.get(url)
            assert not response.cookies
            assert "Cookie" not in response.get("Vary", "")
        assert response["X-Page-Cache"] == "hit"

    def test_changing_ones_password_signs_out_every_other_session_and_keeps_this_one(self):
        laptop, phone = Client(), Client()
        laptop.force_login(self.editor)
        phone.force_login(self.editor)
        response = laptop.post(
            reverse("admin:password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "a long walk along the river at dawn",
                "new_password2": "a long walk along the river at dawn",
            },
        )
        assert response.status_code == 302, response.context["form"].errors
        assert laptop.get(ADMIN).status_code == 200
        assert phone.get(ADMIN)["Location"].startswith(LOGIN)

    def test_a_password_set_by_an_administrator_signs_the_person_out_everywhere(self):
        chief, phone = make_user("superuser", "chief"), Client()
        phone.force_login(self.editor)
        self.client.force_login(chief)
        new = "a long walk along the river at dawn"
        response = self.client.post(
            reverse("admin:auth_user_password_change", args=[self.editor.pk]),
            {"password1": new, "password2": new, "usable_password": "true"},
        )
        assert response.status_code == 302
        assert phone.get(ADMIN)["Location"].startswith(LOGIN)
        assert self.client.get(ADMIN).status_code == 200


class PasswordPolicyTests(SimpleTestCase):
    def refused(self, password, **user):
        try:
            validate_password(password, get_user_model()(username="reporter", **user))
        except ValidationError as error:
            return error.messages
        return []

    def test_a_long_passphrase_is_accepted(self):
        for password in ("correct horse battery staple", "the ledger prints the news at dawn"):
            with self.subTest(password):
                assert self.refused(password) == []

    def test_a_password_shorter_than_twelve_characters_is_refused(self):
        assert any("at least 12 characters" in m for m in self.refused("x7#Qp!2vLm9"))

    def test_common_passwords_in_disguise_are_refused(self):
        for password in (
            "Passw0rd!",
            "P@ssw0rd2026!",
            "PASSWORD1234",
            "Pa$$word12345",
            "l3tme1n-2026!",
            "Summer2026!!!",
            "passwordpassword",
            "qwerty123456!",
        ):
            with self.subTest(password):
                assert self.refused(password), password

    def test_the_newsroom_name_with_digits_or_symbols_is_refused(self):
        for password in (
            "TheLedger2026",
            "theledger-2026!",
            "Ledger20262026",
            "L3dg3r!202600",
            "2026TheLedger!",
            "Newsroom2026!",
            "TheLedgerNewsroom1",
        ):
            with self.subTest(password):
                assert any("newsroom" in m for m in self.refused(password)), password

    @override_settings(NEWSROOM_NAME="The Daily Planet")
    def test_the_name_checked_is_the_configured_one(self):
        assert any("newsroom" in m for m in self.refused("DailyPlanet1938!"))
        assert not any("newsroom" in m for m in self.refused("TheLedger2026"))

    def test_the_admin_form_explains_the_policy(self):
        from django.contrib.auth.password_validation import password_validators_help_texts

        texts = " ".join(password_validators_help_texts())
        assert "at least 12 characters" in texts
        assert "newsroom’s name" in texts


class SignInSettingsTests(SimpleTestCase):
    def test_the_lockout_and_the_idle_timeout_are_set_by_the_environment(self):
        env = {
            **os.environ,
            "DEBUG": "1",
            "SIGNIN_FAILURE_LIMIT": "3",
            "SIGNIN_LOCKOUT_MINUTES": "60",
            "SESSION_IDLE_MINUTES": "10",
        }
        code = (
            "import newsroom.settings as s; "
            "print(s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()), "
            "s.SESSION_COOKIE_AGE)"
        )
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=Path(__file__).resolve().parent.parent,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.stdout.split() == ["3", "3600", "600"], result.stderr

    def test_passkeys_are_a_second_factor_never_a_password(self):
        from django.conf import settings

        assert settings.OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN is False
        assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
        assert second_factor.RECOVERY_CODE_COUNT == 10
