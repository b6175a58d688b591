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
    """A GET or HEAD from someone without a session or credentials, outside the staff-only
    addresses. A request with an ``Authorization`` header (a partner's API key) gets an answer
    made for it, which no one else may be served."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.path_info.startswith(settings.PAGE_CACHE_PRIVATE_PATHS)
    )


def entry_key(request) -> str:
    encoding = "gzip" if "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "") else "identity"
    # The origin too: without SITE_URL, each allowed host builds its own absolute links.
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.blake2b(address.encode("utf-8", "surrogateescape"), digest_size=20)
    return f"{encoding}:{digest.hexdigest()}"


def horizon() -> float | None:
    """The next moment a scheduled publish or embargo lift may change what readers see."""
    cached = store.get("horizon")
    if cached is not None:
        return cached[4]
    started, generation = time.time(), store.generation()
    moments = [import_string(path)() for path in settings.PAGE_CACHE_HORIZON]
    moment = min(filter(None, moments), default=None)
    when = moment.timestamp() if moment else None
    expires = min(when or float("inf"), started + settings.PAGE_CACHE_TTL)
    entry = (expires, 200, False, (), when)
    store.put("horizon", entry, (settings.PAGE_CACHE_HORIZON_KEY,), generation)
    return when


class PageCacheMiddleware:
    """Whole-response cache for anonymous GET/HEAD; every other request passes untouched.

    A response is stored only when it is a 200 or a permanent redirect, sets no cookie,
    does not vary on the cookie and has not chosen its own ``Cache-Control``. It lives no
    longer than ``PAGE_CACHE_TTL`` and never past the next scheduled change of visibility.
    A hit is one read of the cache; the middleware after this one (sessions, CSRF, sign-in)
    has nothing to do for a reader without a cookie, and is not run.
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
        keys = sorted(keys)
        response["ETag"] = store.etag(response.content)
        response["Last-Modified"] = http_date(started)
        if keys:
            response["Surrogate-Key"] = response["xkey"] = " ".join(keys)
        patch_vary_headers(response, ["Accept-Encoding"])
        expires = when if capped else expires
        entry = (
            expires,
            response.status_code,
            not capped,
            tuple(response.items()),
            response.content,
        )
        if expires - now >= 1:
            store.put(key, entry, keys, generation)
        self.mark_shared(response, expires, not capped, now)
        response["X-Page-Cache"] = "miss"

    def replay(self, request, entry):
        expires, status, revalidates, headers, content = entry
        response = HttpResponse(
            b"" if request.method == "HEAD" else content, status=status, headers=dict(headers)
        )
        self.mark_shared(response, expires, revalidates, time.time())
        response["X-Page-Cache"] = "hit"
        return response

    def mark_shared(self, response, expires, revalidates_in_background, now):
        ttl = max(0, int(expires - now))
        parts = [
            "public",
            f"max-age={min(ttl, settings.PAGE_CACHE_BROWSER_MAX_AGE)}",
            f"s-maxage={ttl}",
        ]
        if revalidates_in_background:
            parts.append(f"stale-while-revalidate={settings.PAGE_CACHE_STALE_WHILE_REVALIDATE}")
        parts.append(f"stale-if-error={settings.PAGE_CACHE_STALE_IF_ERROR}")
        response["Cache-Control"] = ", ".join(parts)


class PublicGZipMiddleware(GZipMiddleware):
    """Compress what anonymous readers get, and nothing that belongs to a session.

    Compression with secrets in the page lets an attacker who can inject text learn them
    by watching sizes (BREACH). Public pages carry no secrets: no session, no CSRF token,
    nothing personal — so compressing them is safe; staff pages are left as they are, and so
    is a page a view made for one reader (``private``: a reader's form, with its CSRF token).
    """

    def process_response(self, request, response):
        if not is_anonymous_read(request) or "private" in response.get("Cache-Control", ""):
            return response
        return super().process_response(request, response)
