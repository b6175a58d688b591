"""Who must give a second factor, and the devices that give one.

A person's devices are django-otp's: an authenticator app (``TOTPDevice``), passkeys
(``WebAuthnCredential`` from django-otp-webauthn) and one set of recovery codes
(``StaticDevice``). Recovery codes stand in for the others, so they exist only beside one.
"""

import django_otp
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"


def is_required(user) -> bool:
    """Superusers and whoever may publish, see sources' contacts or manage accounts."""
    return user.is_superuser or any(
        user.has_perm(permission) for permission in settings.SIGNIN_SECOND_FACTOR_PERMISSIONS
    )


def has_device(user) -> bool:
    return django_otp.user_has_device(user)


def is_complete(user) -> bool:
    """Whether the signed-in ``user`` may go past the second-factor pages in this session."""
    if user.is_verified():
        return True
    return not has_device(user) and not is_required(user)


def authenticators(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True)


def passkeys(user):
    return WebAuthnCredential.objects.devices_for_user(user, confirmed=True)


def recovery_codes(user) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def has_primary_device(user) -> bool:
    return authenticators(user).exists() or passkeys(user).exists()


def pending_authenticator(user) -> TOTPDevice:
    """The authenticator app being set up: a new secret until a code from it confirms it."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def confirm_authenticator(device: TOTPDevice, code: str) -> bool:
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(code):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the person's recovery codes with new ones; the codes are only known now."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_CODES_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def normalize_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _devices_for(user, code: str) -> list:
    """Six digits come from an authenticator app; anything else is a recovery code."""
    if code.isdigit() and len(code) == 6:
        return list(authenticators(user))
    return [device] if (device := recovery_codes(user)) else []


def verify(user, code: str):
    """The device that accepts ``code``, or None.

    Each device throttles its own failures (django-otp doubles the wait after each one), so a
    code cannot be found by trying them all.
    """
    code = normalize_code(code)
    for device in _devices_for(user, code):
        if django_otp.verify_token(user, device.persistent_id, code):
            return device
    return None


def seconds_to_wait(user, code: str) -> int:
    """How long until the devices that would check ``code`` take codes again (0: now)."""
    waits = []
    for device in _devices_for(user, normalize_code(code)):
        allowed, details = device.verify_is_allowed()
        if not allowed and (details or {}).get("locked_until"):
            waits.append((details["locked_until"] - timezone.now()).total_seconds())
    return max(1, round(min(waits))) if waits else 0


@transaction.atomic
def remove(user, device) -> None:
    """Remove one of the person's devices; recovery codes go with the last other one."""
    device.delete()
    if not has_primary_device(user):
        StaticDevice.objects.filter(user=user).delete()
