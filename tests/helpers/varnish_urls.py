"""A small site for the Varnish tests (``ROOT_URLCONF``): pages answering with the headers the
application gives each kind of response, and counting how often the application made them.

Every page says what the application saw: ``/public/story-1+list-all/ made 2; cookies: []``.
"""

import threading
from collections import Counter

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

PUBLIC = "public, max-age=0, s-maxage=300, stale-while-revalidate=30, stale-if-error=86400"
PRIVATE = "private, no-store"

made: Counter[str] = Counter()
# While set, the application answers every page with an error, as a broken deploy would.
broken = threading.Event()
_lock = threading.Lock()


def reset() -> None:
    made.clear()
    broken.clear()


def page(request, cache_control: str | None = PUBLIC, keys: str = "", **headers) -> HttpResponse:
    if broken.is_set():
        return HttpResponse("broken", status=503)
    with _lock:
        made[request.path] += 1
        count = made[request.path]
    response = HttpResponse(f"{request.path} made {count}; cookies: {sorted(request.COOKIES)}")
    if cache_control:
        response["Cache-Control"] = cache_control
    if keys:
        response["xkey"] = keys
        response["Surrogate-Key"] = keys
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


@csrf_exempt
def public(request, keys):
    """A public page labelled with ``keys``, written in its address with "+" between them."""
    return page(request, keys=keys.replace("+", " "))


def expiring(request, ttl, swr, sie):
    cache_control = (
        f"public, max-age=0, s-maxage={ttl}, stale-while-revalidate={swr}, stale-if-error={sie}"
    )
    return page(request, cache_control, keys="expiring")


def personal(request):
    return page(request, PRIVATE, keys="story-1")


def sets_cookie(request):
    response = page(request, keys="story-1")
    response.set_cookie("messages", "hello")
    return response


def unlabelled(request):
    return page(request, cache_control=None)


def varies(request):
    return page(request, keys="story-1", Vary="Accept-Encoding")


def anywhere(request, rest):
    """The admin and previews, answering (wrongly) as if they were public pages."""
    return page(request, keys="story-1")


urlpatterns = [
    path("public/<str:keys>/", public),
    path("expiring/<int:ttl>/<int:swr>/<int:sie>/", expiring),
    path("personal/", personal),
    path("sets-cookie/", sets_cookie),
    path("unlabelled/", unlabelled),
    path("varies/", varies),
    path("admin/<path:rest>", anywhere),
    path("preview/<path:rest>", anywhere),
]
