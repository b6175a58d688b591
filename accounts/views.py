"""The second-factor pages in the admin: choose and set up a device, give a code, recovery codes.

They live under /admin/two-step/, the only pages (with signing out) that a person whose sign-in
is not complete can open; see middleware.py.
"""

from base64 import b32encode
from functools import wraps
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import second_factor
from .forms import AuthenticatorCodeForm, CodeForm

DEVICE_KINDS = {"authenticator": second_factor.authenticators, "passkey": second_factor.passkeys}


def render(request, template, context, status=200):
    user = request.user
    complete = not user.is_authenticated or second_factor.is_complete(user)
    context = {**admin.site.each_context(request), "signin_complete": complete, **context}
    if not complete:
        context["is_nav_sidebar_enabled"] = False
    return TemplateResponse(request, template, context, status=status)


def next_url(request) -> str:
    """Where to go once signed in: the page asked for, if it is on this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if safe else reverse("admin:index")


def with_next(name, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url(request)})}"


def devices_unlocked(view):
    """Devices may be added or removed with a verified session, or by someone who has none."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if second_factor.has_device(request.user) and not request.user.is_verified():
            return redirect(with_next("accounts:verify", request))
        return view(request, *args, **kwargs)

    return wrapper


def signed_in_with(request, device):
    # A session that gains a second factor gets a new key, as at any change of privilege.
    request.session.cycle_key()
    django_otp.login(request, device)


@admin.site.admin_view
@devices_unlocked
def two_step(request):
    user = request.user
    codes = second_factor.recovery_codes(user)
    return render(
        request,
        "accounts/two_step.html",
        {
            "title": "Two-step sign-in",
            "required": second_factor.is_required(user),
            "authenticators": second_factor.authenticators(user),
            "passkeys": second_factor.passkeys(user),
            "has_primary_device": second_factor.has_primary_device(user),
            "recovery_codes_left": codes.token_set.count() if codes else None,
            "next": next_url(request),
        },
    )


@admin.site.admin_view
def verify(request):
    user = request.user
    if user.is_verified():
        return redirect(next_url(request))
    if not second_factor.has_device(user):
        return redirect(with_next("accounts:two_step", request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if wait := second_factor.seconds_to_wait(user, code):
            form.add_error(
                "code",
                f"That code was not checked: after a wrong code, the next is checked only in "
                f"{wait} second{pluralize(wait)}. Wait, then type the code your app shows then.",
            )
        elif device := second_factor.verify(user, code):
            signed_in_with(request, device)
            warn_if_few_recovery_codes_left(request, device)
            return redirect(next_url(request))
        else:
            form.add_error(
                "code",
                "That code is not right. Type the code your app shows now, or a recovery code.",
            )
    return render(
        request,
        "accounts/verify.html",
        {
            "title": "Confirm it is you",
            "form": form,
            "has_authenticator": second_factor.authenticators(user).exists(),
            "has_passkey": second_factor.passkeys(user).exists(),
            "next": next_url(request),
        },
    )


def warn_if_few_recovery_codes_left(request, device):
    if device.persistent_id.startswith("otp_static."):
        left = device.token_set.count()
        messages.warning(
            request,
            f"You used a recovery code; {left} left. Create new ones under Two-step sign-in.",
        )


@admin.site.admin_view
@devices_unlocked
def set_up_authenticator(request):
    user = request.user
    device = second_factor.pending_authenticator(user)
    form = AuthenticatorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.confirm_authenticator(device, form.cleaned_data["code"]):
            device.refresh_from_db()
            signed_in_with(request, device)
            messages.success(request, "Your authenticator app is set up.")
            if second_factor.recovery_codes(user) is None:
                return show_recovery_codes(request, second_factor.new_recovery_codes(user))
            return redirect(next_url(request))
        form.add_error(
            "code",
            "That code does not match the key. Check that the clock of the device running the "
            "app is right, then type the code it shows now.",
        )
    qr = segno.make(device.config_url, error="m")
    key = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/authenticator.html",
        {
            "title": "Set up an authenticator app",
            "form": form,
            "qr": qr.svg_data_uri(scale=5),
            "qr_size": qr.symbol_size(scale=5)[0],
            "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
            "next": next_url(request),
        },
    )


def show_recovery_codes(request, codes):
    return render(
        request,
        "accounts/recovery_codes.html",
        {"title": "Your recovery codes", "codes": codes, "next": next_url(request)},
    )


@require_POST
@admin.site.admin_view
@devices_unlocked
def create_recovery_codes(request):
    if not second_factor.has_primary_device(request.user):
        messages.error(request, "Set up an authenticator app or a passkey first.")
        return redirect("accounts:two_step")
    return show_recovery_codes(request, second_factor.new_recovery_codes(request.user))


@require_POST
@admin.site.admin_view
@devices_unlocked
def remove_device(request, kind, pk):
    if kind not in DEVICE_KINDS:
        raise Http404("No such kind of device.")
    device = get_object_or_404(DEVICE_KINDS[kind](request.user), pk=pk)
    second_factor.remove(request.user, device)
    messages.success(request, f"“{device.name}” is removed.")
    return redirect("accounts:two_step")


def locked_out(request, original_response=None, credentials=None):
    """The answer to a sign-in attempt while its account or address is locked out (429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render(
        request,
        "accounts/locked_out.html",
        {"title": "Signing in is paused", "minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response.render()
