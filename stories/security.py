"""What the site tells browsers and security researchers about itself.

The Content Security Policy, HSTS and the other headers Django can send are settings
(``newsroom/settings.py``); Django has no setting for ``Permissions-Policy``, hence the
middleware. ``security_txt`` answers ``/.well-known/security.txt`` (RFC 9116).
"""

from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

#: How far ahead security.txt's ``Expires`` lies; RFC 9116 asks for less than a year.
SECURITY_TXT_LIFETIME = timedelta(days=180)


class PermissionsPolicyMiddleware:
    """Send ``settings.PERMISSIONS_POLICY`` with every response that has none of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


@require_safe
def security_txt(request):
    """Whom to tell about a vulnerability: ``SECURITY_CONTACT``, else security@ this site."""
    host = urlsplit(f"//{request.get_host()}").hostname
    contacts = settings.SECURITY_CONTACT or [f"security@{host}"]
    # The same all day, so that the file may be cached; always at least 179 days ahead.
    today = datetime.combine(datetime.now(UTC).date(), time(), tzinfo=UTC)
    expires = today + SECURITY_TXT_LIFETIME
    lines = [
        *(f"Contact: {_contact_uri(contact)}" for contact in contacts),
        f"Expires: {expires:%Y-%m-%dT%H:%M:%SZ}",
        f"Preferred-Languages: {settings.LANGUAGE_CODE.partition('-')[0]}",
        f"Canonical: {request.build_absolute_uri(reverse('security-txt'))}",
    ]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _contact_uri(contact):
    """An address as RFC 9116 wants it: ``mailto:`` for an e-mail address, else as given."""
    if "@" in contact and ":" not in contact:
        return f"mailto:{contact}"
    return contact
