"""Serve anonymous readers whole cached responses; label, store and mark what may be shared."""

import hashlib
import time

from django.conf import settings
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.utils.module_loading import import_string

from . import labels, store

STORED_STATUSES = {200, 301, 308}
PRIVATE = "private, no-store"


def is_anonymous_read(request) -> bool:
    """A GET or HEAD from someone without a session, outside the staff-only addresses."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path_info.startswith(settings.PAGE_CACHE_PRIVATE_PATHS)
    )


def entry_key(request) -> str:
    encoding = "gzip" if "gzip" in request.headers.get("Accept-Encoding", "") else "identity"
    # The origin too: without SITE_URL, each allowed host builds its own absolute links.
    address = request.build_absolute_uri().encode("utf-8", "surrogateescape")
    return f"{encoding}:{hashlib.blake2b(address, digest_size=20).hexdigest()}"


def horizon() -> float | None:
    """The next moment a scheduled publish or embargo lift may change what readers see."""
    cached = store.get("horizon")
    if cached is not None:
        return float(cached.content) if cached.content else None
    started, generation = time.time(), store.generation()
    moment = import_string(settings.PAGE_CACHE_HORIZON)()
    when = moment.timestamp() if moment else None
    expires = min(when or float("inf"), started + settings.PAGE_CACHE_TTL)
    store.put(
        "horizon",
        store.Entry(
            generation=generation,
            expires=expires,
            keys=(settings.PAGE_CACHE_HORIZON_KEY,),
            status=200,
            headers=(),
            content=str(when).encode() if when else b"",
            revalidates_in_background=False,
        ),
    )
    return when


class PageCacheMiddleware:
    """Whole-response cache for anonymous GET/HEAD; every other request passes untouched.

    A response is stored only when it is a 200 or a permanent redirect, sets no cookie,
    does not vary on the cookie and has not chosen its own ``Cache-Control``. It lives no
    longer than ``PAGE_CACHE_TTL`` and never past the next scheduled change of visibility.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (settings.PAGE_CACHE_ENABLED and is_anonymous_read(request)):
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                response["Cache-Control"] = PRIVATE
            return response
        key = entry_key(request)
        entry = store.get(key)
        if entry is not None:
            return self.replay(request, entry)
        started, generation = time.time(), store.generation()
        with labels.collecting() as collected:
            response = self.get_response(request)
        if self.storable(response):
            self.store(key, response, started, generation, collected.all())
        elif not response.has_header("Cache-Control"):
            response["Cache-Control"] = PRIVATE if response.cookies else "no-cache"
        return response

    def storable(self, response) -> bool:
        return (
            response.status_code in STORED_STATUSES
            and not response.streaming
            and not response.cookies
            and not response.has_header("Cache-Control")
            and "cookie" not in response.get("Vary", "").lower()
        )

    def store(self, key, response, started, generation, keys):
        now = time.time()
        expires = now + settings.PAGE_CACHE_TTL
        when = horizon()
        capped = when is not None and when < expires
        keys = tuple(sorted(keys))
        response["ETag"] = store.etag(response.content)
        response["Last-Modified"] = http_date(started)
        if keys:
            response["Surrogate-Key"] = response["xkey"] = " ".join(keys)
        patch_vary_headers(response, ["Accept-Encoding"])
        entry = store.Entry(
            generation=generation,
            expires=when if capped else expires,
            keys=keys,
            status=response.status_code,
            headers=tuple(response.items()),
            content=response.content,
            revalidates_in_background=not capped,
        )
        if entry.expires - now >= 1:
            store.put(key, entry)
        self.mark_shared(response, entry, now)
        response["X-Page-Cache"] = "miss"

    def replay(self, request, entry):
        response = HttpResponse(b"" if request.method == "HEAD" else entry.content)
        response.status_code = entry.status
        for name, value in entry.headers:
            response[name] = value
        self.mark_shared(response, entry, time.time())
        response["X-Page-Cache"] = "hit"
        return response

    def mark_shared(self, response, entry, now):
        ttl = max(0, int(entry.expires - now))
        parts = [
            "public",
            f"max-age={min(ttl, settings.PAGE_CACHE_BROWSER_MAX_AGE)}",
            f"s-maxage={ttl}",
        ]
        if entry.revalidates_in_background:
            parts.append(f"stale-while-revalidate={settings.PAGE_CACHE_STALE_WHILE_REVALIDATE}")
        parts.append(f"stale-if-error={settings.PAGE_CACHE_STALE_IF_ERROR}")
        response["Cache-Control"] = ", ".join(parts)


class PublicGZipMiddleware(GZipMiddleware):
    """Compress what anonymous readers get, and nothing that belongs to a session.

    Compression with secrets in the page lets an attacker who can inject text learn them
    by watching sizes (BREACH). Public pages carry no secrets: no session, no CSRF token,
    nothing personal — so compressing them is safe; staff pages are left as they are.
    """

    def process_response(self, request, response):
        if not is_anonymous_read(request):
            return response
        return super().process_response(request, response)
