"""The page cache's storage: whole responses, and when each surrogate key was last purged.

"When" is a generation: one counter, shared by every process through the cache, that
each purge increments and records against the keys it purges. A response remembers the
generation current when it *began* to be built and the keys that label it; it is stale
once any of its keys has been purged at a later generation. So a page rendered from
data read just before an editor's commit can never outlive the purge that commit
triggers, however the two interleave, and no clocks are compared. A response whose key
has no purge record (evicted, or Redis restarted) is stale too: losing records loses
hits, never correctness.
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

from . import frontends

logger = logging.getLogger(__name__)

ENTRY = "page:e:"
RECORD = "page:p:"
GENERATION = "page:generation"
EVERYTHING = "*"  # a key every response carries: purged only when a purge may have been lost


@dataclass(frozen=True)
class Entry:
    generation: int
    expires: float
    keys: tuple[str, ...]
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    revalidates_in_background: bool


def etag(content: bytes) -> str:
    return f'"{hashlib.blake2b(content, digest_size=16).hexdigest()}"'


class _Backend:
    """The Django cache behind the page cache, tolerant of its failures.

    While it is unreachable, pages are served uncached and it is tried again only every
    ``PAGE_CACHE_RETRY_AFTER`` seconds; the outage is logged once, and its end once.
    """

    FAILED = object()

    def __init__(self):
        self._retry_at = 0.0
        self._failing = False
        self._purge_lost = False

    @property
    def cache(self):
        return caches[settings.PAGE_CACHE_ALIAS]

    def call(self, operation, *args, default=None):
        if self._failing and time.monotonic() < self._retry_at:
            return default
        try:
            if self._purge_lost:
                # What was purged while the cache was unreachable is unknown: everything.
                self.cache.add(GENERATION, time.time_ns() // 1_000_000, None)
                everything = self.cache.incr(GENERATION)
                self.cache.set(RECORD + EVERYTHING, everything, _record_lifetime())
                self._purge_lost = False
            result = getattr(self.cache, operation)(*args)
        except Exception:
            if not self._failing:
                logger.exception("The page cache is unreachable; serving pages uncached.")
            self._failing = True
            self._retry_at = time.monotonic() + settings.PAGE_CACHE_RETRY_AFTER
            return default
        if self._failing:
            self._failing = False
            logger.warning("The page cache is reachable again.")
        return result

    def purge(self, keys):
        if generation() is None:
            self._purge_lost = True
            return
        purged_at = self.call("incr", GENERATION, default=self.FAILED)
        if purged_at is self.FAILED:
            self._purge_lost = True
            return
        records = {RECORD + k: purged_at for k in keys}
        if self.call("set_many", records, _record_lifetime(), default=self.FAILED) is self.FAILED:
            self._purge_lost = True


def _record_lifetime():
    # Records must outlive every entry that depends on them; a lost one only costs hits.
    return settings.PAGE_CACHE_TTL * 4 + 3600


backend = _Backend()


def generation() -> int | None:
    """The current generation: read it before building a response that may be stored."""
    current = backend.call("get", GENERATION)
    if current is None:
        # Seeded from the clock, so a counter lost with a restart never goes backwards.
        backend.call("add", GENERATION, time.time_ns() // 1_000_000, None)
        current = backend.call("get", GENERATION)
    return current


def get(key: str) -> Entry | None:
    entry = backend.call("get", ENTRY + key)
    if entry is None or entry.expires <= time.time():
        return None
    labels = (*entry.keys, EVERYTHING)
    records = backend.call("get_many", [RECORD + k for k in labels], default={})
    for k in labels:
        purged = records.get(RECORD + k)
        if purged is None or purged > entry.generation:
            return None
    return entry


def put(key: str, entry: Entry):
    if entry.generation is None:
        return
    labels = (*entry.keys, EVERYTHING)
    records = backend.call("get_many", [RECORD + k for k in labels], default=None)
    if records is None:
        return
    for k in labels:
        if RECORD + k not in records:
            # Never purged yet: say so, without overwriting a purge made meanwhile.
            backend.call("add", RECORD + k, 0, _record_lifetime())
    timeout = max(1, int(entry.expires - time.time()) + 1)
    backend.call("set", ENTRY + key, entry, timeout)


def purge(keys):
    """Make every response labelled with any of ``keys`` stale, here and in front caches."""
    keys = sorted(set(keys))
    if not keys:
        return
    backend.purge(keys)
    frontends.purge(keys)
