"""Purging the cache in front of the site by surrogate key.

``purge(keys)`` sends the keys to the backend named by ``FRONTEND_CACHE_BACKEND``, at each
address in ``FRONTEND_CACHE_URL``:

- ``"none"``: nothing in front, nothing sent;
- ``"varnish"``: ``PURGE`` requests carrying the keys, space-separated, in an ``xkey-purge``
  header, as many keys to a request as the header length allows (``deploy/varnish/newsroom.vcl``
  hands them to the xkey vmod, which removes every object labelled with any of them);
- ``"http"``: one ``PURGE`` per key with a ``Surrogate-Key`` header, for any cache or purge
  relay that takes that form.

Purging runs after an editor's change is committed, as a task (``caching.tasks``): a cache that
is down or refuses is logged, once per server and call, and never raises into the editor's
request; the task tries it again later. A page left stale expires with its ``s-maxage``.
"""

import http.client
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

# Varnish refuses request headers longer than 8 KB (its http_req_hdr_len); stay well below.
MAX_HEADER_LENGTH = 4000
# A key is one header token: visible ASCII but the comma, which like the space separates keys.
KEY = re.compile(r"[!-+\--~]+")


class PurgeFailed(Exception):
    pass


def purge(keys: Iterable[str], urls: Iterable[str] | None = None) -> list[str]:
    """Remove from the cache in front every response labelled with any of ``keys``.

    Sent to each address of ``FRONTEND_CACHE_URL`` (or of ``urls``); returns those that failed.
    """
    name = settings.FRONTEND_CACHE_BACKEND
    try:
        send = BACKENDS[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"FRONTEND_CACHE_BACKEND is {name!r}; it must be one of {', '.join(BACKENDS)}."
        ) from None
    keys = valid_keys(keys)
    if send is None or not keys:
        return []
    failed = []
    for url in cache_urls() if urls is None else urls:
        try:
            send(url, keys)
        except (OSError, http.client.HTTPException, PurgeFailed) as error:
            logger.warning("Could not purge %d keys from %s: %s", len(keys), url, error)
            failed.append(url)
    return failed


def valid_keys(keys: Iterable[str]) -> list[str]:
    valid = []
    for key in dict.fromkeys(keys):
        if KEY.fullmatch(key):
            valid.append(key)
        else:
            logger.error("Surrogate key %r is not a header token; it is not purged.", key)
    return valid


def cache_urls() -> list[str]:
    urls = settings.FRONTEND_CACHE_URL
    if isinstance(urls, str):
        urls = urls.split(",")
    urls = [url.strip() for url in urls if url.strip()]
    if not urls:
        raise ImproperlyConfigured(
            f"FRONTEND_CACHE_URL is empty; the {settings.FRONTEND_CACHE_BACKEND!r} purge "
            "backend needs the address of the cache, e.g. http://127.0.0.1:6081."
        )
    return urls


def purge_varnish(url: str, keys: list[str]) -> None:
    with Connection(url) as connection:
        for batch in batches(keys, MAX_HEADER_LENGTH):
            connection.purge({"xkey-purge": batch})


def purge_http(url: str, keys: list[str]) -> None:
    with Connection(url) as connection:
        for key in keys:
            connection.purge({"Surrogate-Key": key})


def batches(keys: list[str], limit: int) -> Iterator[str]:
    """Space-separated runs of keys, each at most ``limit`` characters (or a single key)."""
    batch: list[str] = []
    length = 0
    for key in keys:
        if batch and length + 1 + len(key) > limit:
            yield " ".join(batch)
            batch, length = [], 0
        length += len(key) + (1 if batch else 0)
        batch.append(key)
    if batch:
        yield " ".join(batch)


class Connection:
    """One kept-alive connection to a cache, sending PURGE requests to the URL's path."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise PurgeFailed(f"{url!r} is not an http:// or https:// address")
        try:
            port = parts.port
        except ValueError as error:
            raise PurgeFailed(f"{url!r}: {error}") from None
        if parts.scheme == "https":
            factory = http.client.HTTPSConnection
        else:
            factory = http.client.HTTPConnection
        self.path = parts.path or "/"
        self.connection = factory(parts.hostname, port, timeout=settings.FRONTEND_CACHE_TIMEOUT)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.connection.close()

    def purge(self, headers: dict[str, str]) -> None:
        self.connection.request("PURGE", self.path, headers=headers)
        response = self.connection.getresponse()
        response.read()
        if not 200 <= response.status < 300:
            raise PurgeFailed(f"the cache answered {response.status} {response.reason}")
        logger.debug("Purged at %s: %s", self.connection.host, response.reason)


BACKENDS: dict[str, Callable[[str, list[str]], None] | None] = {
    "none": None,
    "varnish": purge_varnish,
    "http": purge_http,
}
