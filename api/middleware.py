"""Who is asking the API, and whether they may ask again this minute.

Before the page cache, so that a response served from it is counted too. A request with a
partner key (``Authorization: Bearer <key>``) is never served from, nor stored in, the shared
cache (``caching.middleware.is_anonymous_read``); an anonymous one is counted by its address.
"""

import json

from django.conf import settings
from django.http import HttpResponse

from . import limits
from .models import ApiKey


def error(status, message, **headers):
    response = HttpResponse(
        json.dumps({"error": message}), status=status, content_type="application/json"
    )
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name] = value
    return response


def presented_key(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class ApiAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(settings.API_PATH):
            return self.get_response(request)
        request.api_key = None
        presented = presented_key(request)
        if presented is not None:
            key = ApiKey.objects.find(presented)
            if key is None:
                return error(
                    401,
                    "This API key is unknown or revoked. Send “Authorization: Bearer <key>” "
                    "with a key the newsroom issued, or no Authorization header at all.",
                    **{"WWW-Authenticate": 'Bearer realm="api"'},
                )
            request.api_key = key
            client, limit = f"key-{key.pk}", key.rate_limit
        else:
            client = "address-" + request.META.get("REMOTE_ADDR", "")
            limit = settings.API_ANONYMOUS_RATE_LIMIT
        wait = limits.spend(client, limit)
        if wait is not None:
            return error(
                429,
                f"More than {limit} requests in a minute: try again in {wait} seconds"
                + ("." if request.api_key else ", or ask the newsroom for a partner key."),
                **{"Retry-After": str(wait)},
            )
        return self.get_response(request)
