"""Until a second factor is given, where one is needed, a session opens nothing else."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from . import second_factor


class SecondFactorMiddleware:
    """Send a signed-in person whose sign-in is not complete to the second-factor pages.

    Complete means: verified with one of their devices in this session, or, for someone
    whom no rule obliges (a reporter) and who has enrolled no device, the password alone.
    The second-factor pages and signing out stay open. Requests without a session cookie
    (every reader) are passed on without looking at the session, so they never gain a
    ``Vary: Cookie`` or a cookie, and stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and self.must_finish(request):
            return self.finish_signing_in(request)
        return self.get_response(request)

    def must_finish(self, request) -> bool:
        user = request.user
        if not user.is_authenticated or second_factor.is_complete(user):
            return False
        open_paths = (reverse("accounts:two_step"), reverse("admin:logout"))
        return not request.path_info.startswith(open_paths)

    def finish_signing_in(self, request):
        page = "verify" if second_factor.has_device(request.user) else "two_step"
        url = reverse(f"accounts:{page}")
        if request.method in ("GET", "HEAD"):
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
