"""An editor sets up two-step sign-in in the admin, then signs in with a code and a passkey;
a guesser meets the lockout. Every page on the way is axe-clean and used by keyboard."""

from base64 import b32decode

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import PASSWORD, SECOND_STEP, tab_to

pytestmark = pytest.mark.browser


def code_for_key(key: str) -> str:
    """What an authenticator app shows for the key typed into it from the page."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(b32decode(key.replace(" ", "")))
    totp.time = time.time()
    return f"{totp.token():06d}"


def no_violations(page, axe_violations, name):
    found = axe_violations(page)
    assert not found, "\n".join([f"axe-core violations on the {name} page:", *found])


def type_password(page, username, password=PASSWORD):
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.keyboard.press("Enter")


def add_virtual_passkey_device(page):
    """A platform authenticator that says yes, as a phone's fingerprint reader would."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Logged out")).to_be_visible()


def test_editor_enrols_an_authenticator_and_a_passkey_then_signs_in_with_each(
    page, live_server, settings, axe_violations, screenshot
):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_otp_webauthn.models import WebAuthnCredential

    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    editor = get_user_model().objects.create_user("eden", "eden@example.org", PASSWORD)
    editor.is_staff = True
    editor.save()
    editor.groups.add(Group.objects.get(name="Editor"))
    add_virtual_passkey_device(page)

    # The password alone opens only the two-step page.
    type_password(page, "eden")
    page.wait_for_url("**/admin/two-step/?next=%2Fadmin%2F")
    expect(page.get_by_text("signing in takes a second step")).to_be_visible()
    no_violations(page, axe_violations, "two-step (not yet enrolled)")
    page.goto("/admin/stories/story/")
    assert "/admin/two-step/" in page.url

    # Set up an authenticator app: the QR code is drawn here, and the key is typed instead.
    page.get_by_role("link", name="Set up an authenticator app").click()
    qr = page.get_by_role("img", name="QR code holding the key below")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    no_violations(page, axe_violations, "authenticator set-up")
    screenshot(page, "signin-authenticator")
    key = page.locator(".two-step-key").inner_text()
    page.get_by_label("Six-digit code from the app").fill("000000")
    page.keyboard.press("Enter")
    expect(page.get_by_text("That code does not match the key")).to_be_visible()
    no_violations(page, axe_violations, "authenticator set-up with an error")
    page.wait_for_timeout(1100)  # a wrong code makes the device wait a second
    page.get_by_label("Six-digit code from the app").fill(code_for_key(key))
    tab_to(page, "Confirm")
    page.keyboard.press("Enter")

    # Recovery codes, shown once.
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator(".two-step-codes code").all_inner_texts()
    assert len(codes) == 10
    no_violations(page, axe_violations, "recovery codes")
    page.get_by_role("link", name="I have saved them: continue").click()
    page.wait_for_url("**/admin/stories/story/")  # the page first asked for
    expect(page.get_by_role("link", name="Two-step sign-in")).to_be_visible()

    # Register a passkey.
    page.get_by_role("link", name="Two-step sign-in").click()
    page.wait_for_url("**/admin/two-step/")
    no_violations(page, axe_violations, "two-step")
    page.get_by_role("button", name="Register a passkey").click()
    expect(page.locator("#passkey-register-status-message")).to_have_text(
        "Registration successful!"
    )
    assert WebAuthnCredential.objects.filter(user=editor, confirmed=True).count() == 1
    log_out(page)

    # Sign in with the password and the passkey.
    type_password(page, "eden")
    page.wait_for_url(f"**{SECOND_STEP}?next=%2Fadmin%2F")
    no_violations(page, axe_violations, "second step")
    screenshot(page, "signin-second-step")
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url("**/admin/")
    log_out(page)

    # Sign in with the password and a code typed from the app, by keyboard alone.
    type_password(page, "eden")
    page.wait_for_url(f"**{SECOND_STEP}**")
    page.get_by_label("Code").focus()
    page.keyboard.type(current_code_of("eden"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/")

    # A recovery code works once in place of the app.
    log_out(page)
    type_password(page, "eden")
    page.get_by_label("Code").fill(codes[0])
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/")
    expect(page.get_by_text("You used a recovery code; 9 left.")).to_be_visible()


def current_code_of(username):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.helpers.signin import current_code

    return current_code(TOTPDevice.objects.get(user__username=username, confirmed=True))


def test_a_guesser_is_locked_out_on_an_accessible_page(page, axe_violations):
    from tests.helpers.browser import make_staff

    make_staff("reporter", "Reporter")
    for _ in range(4):
        type_password(page, "reporter", "not the password")
        expect(page.locator(".errornote")).to_be_visible()
    type_password(page, "reporter", "not the password")
    expect(page.get_by_role("heading", name="Signing in is paused")).to_be_visible()
    type_password(page, "reporter")
    expect(page.get_by_text("Signing in is paused for 15 minutes")).to_be_visible()
    assert "/admin/login/" in page.url
    no_violations(page, axe_violations, "lockout")
