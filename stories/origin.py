"""One public origin for every absolute URL the site writes.

Feeds, sitemaps, JSON-LD, Open Graph tags and canonical links are all built from the
request: ``request.build_absolute_uri()`` and Django's ``RequestSite`` read its scheme
and host. With ``SITE_URL`` set, ``PublicOriginMiddleware`` makes every reading request
(GET, HEAD) report that origin instead, so those URLs are the same (https://…) whatever
host name or protocol the request reached the server by. A request that changes
something keeps its real origin: CSRF protection compares it with what the browser sent.
"""

from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed


class PublicOriginMiddleware:
    def __init__(self, get_response):
        if not settings.SITE_URL:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            request.get_host()  # a Host header outside ALLOWED_HOSTS is still refused
            request.__class__ = _at_public_origin(request.__class__)
        return self.get_response(request)


@cache
def _at_public_origin(request_class):
    class AtPublicOrigin(request_class):
        @property
        def scheme(self):
            return urlsplit(settings.SITE_URL).scheme

        def get_host(self):
            return urlsplit(settings.SITE_URL).netloc

    return AtPublicOrigin
