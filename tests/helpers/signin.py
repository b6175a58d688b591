"""Signing in with a second factor in tests.

``force_login`` stands for a complete sign-in, second factor included: the fixture below gives
the user a device and records it in the new session as verified, under django-otp's own
session key, as ``django_otp.login()`` does after a code. Tests of signing in itself go
through the admin's login form instead, as a person does.
"""

import time

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

TEST_DEVICE = "Signed in by the test client"


@pytest.fixture(autouse=True)
def force_login_gives_second_factor(monkeypatch):
    force_login = Client.force_login

    def force_login_verified(client, user, backend=None):
        device, _ = StaticDevice.objects.get_or_create(user=user, name=TEST_DEVICE)
        force_login(client, user, backend)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login_verified)


class CountingHasher(MD5PasswordHasher):
    """A fast hasher that counts how often a password was hashed, to prove when it was not."""

    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


COUNTING_HASHER = ["tests.helpers.signin.CountingHasher"]


def add_authenticator(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """The code the person's authenticator app shows, one time step after the last one used
    (the device takes each step's code once, and accepts one step of clock difference)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    device.refresh_from_db()
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"
