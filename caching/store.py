"""The page cache's storage: whole responses, found in one read and deleted when purged.

A hit reads one value, the entry: a plain tuple that unpickles at once. Nothing is checked
on the way out, because staleness is settled when things change:

- **A purge deletes the entries it makes stale.** Each entry is registered, before it is
  stored, under every surrogate key that labels it (the *index*); a purge reads the index
  of its keys and deletes those entries.
- **A response built from data read before an editor's commit never outlives the purge that
  commit triggers.** "When" is a generation: one counter, shared by every process through
  the cache, that each purge increments and records against its keys before it reads the
  index. A response remembers the generation current when it *began*; once stored, it reads
  the records of its keys and deletes itself if any was purged since. Either the purge
  recorded its keys before that check (the response sees it and deletes itself) or after
  (then the purge reads the index after the response registered, and deletes it): however
  the two interleave, no stale entry is left, and no clocks are compared.
- **A purge lost while the cache was unreachable** leaves unknown entries stale: once the
  cache answers again, every entry is deleted (all are indexed under ``EVERYTHING``), once,
  and it is logged.

The index is a sorted set per key in Redis (members expire with their entries), shared by
every process; with any other backend, it is kept in this process's memory beside the local
memory cache, which no other process sees either. A Redis that evicts must evict entries
before indexes and records: ``maxmemory-policy volatile-ttl`` does, as entries live at most
``PAGE_CACHE_TTL`` and indexes and records far longer.
"""

import hashlib
import logging
import os
import pickle
import threading
import time

import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.signals import setting_changed
from django.dispatch import receiver

from .tasks import purge_front_caches

logger = logging.getLogger(__name__)

ENTRY = "page:e:"
RECORD = "page:p:"
INDEX = "page:i:"
GENERATION = "page:generation"
EVERYTHING = "*"  # a key every entry is indexed under: purged only when a purge may have been lost

# An entry, as stored and replayed: a plain tuple, the cheapest value to read back.
#   (expires: float timestamp, status: int, revalidates_in_background: bool,
#    headers: tuple of (name, value), content: bytes)
Entry = tuple


def etag(content: bytes) -> str:
    return f'"{hashlib.blake2b(content, digest_size=16).hexdigest()}"'


def _record_lifetime():
    # Records and indexes must outlive every entry that depends on them.
    return settings.PAGE_CACHE_TTL * 4 + 3600


class _Storage:
    """Entries in a Django cache; their index in this process's memory, which lasts as long
    as the local memory cache does."""

    def __init__(self, cache):
        self.cache = cache
        self.index: dict[str, dict[str, float]] = {}  # label: {entry key: expires}
        self.pruned_at: dict[str, int] = {}
        self._lock = threading.Lock()

    def read_entry(self, key):
        return self.cache.get(ENTRY + key)

    def write_entry(self, key, entry, timeout):
        self.cache.set(ENTRY + key, entry, timeout)

    def delete_entries(self, keys):
        self.cache.delete_many([ENTRY + key for key in keys])

    def register(self, key, labels, expires):
        now = time.time()
        with self._lock:
            for label in labels:
                members = self.index.setdefault(label, {})
                members[key] = max(expires, members.get(key, 0))
                if len(members) > 2 * self.pruned_at.get(label, 64):
                    # Forget the entries that have expired, each time the index doubles.
                    live = {k: e for k, e in members.items() if e > now}
                    self.index[label], self.pruned_at[label] = live, len(live)

    def take(self, labels) -> set[str]:
        """The entries indexed under ``labels``, which the index forgets."""
        with self._lock:
            return {key for label in labels for key in self.index.pop(label, ())}


class _RedisStorage:
    """Entries and their index in Redis (its first server, which purges write to).

    A hit reads through a connection each thread keeps: taking one from the pool and giving
    it back for every command would cost as much as the rest of the hit.
    """

    def __init__(self, cache):
        self.cache = cache
        self.client = cache._cache.get_client(write=True)
        self.held = threading.local()

    def read_entry(self, key):
        name = self.cache.make_key(ENTRY + key)
        try:
            data = self._get(name)
        except redis.ConnectionError:
            data = self._get(name)  # once more, on a new connection: Redis may have restarted
        return None if data is None else pickle.loads(data)

    def _get(self, name):
        pid, connection = getattr(self.held, "connection", (None, None))
        if pid != os.getpid():  # never a connection inherited from the parent process
            connection = self.client.connection_pool.get_connection()
            self.held.connection = os.getpid(), connection
        try:
            connection.send_command("GET", name)
            return connection.read_response()
        except BaseException:
            connection.disconnect()
            raise

    def write_entry(self, key, entry, timeout):
        data = pickle.dumps(entry, pickle.HIGHEST_PROTOCOL)
        self.client.set(self.cache.make_key(ENTRY + key), data, px=max(1, int(timeout * 1000)))

    def delete_entries(self, keys):
        keys = [self.cache.make_key(ENTRY + key) for key in keys]
        for start in range(0, len(keys), 1000):
            self.client.delete(*keys[start : start + 1000])

    def register(self, key, labels, expires):
        pipe = self.client.pipeline(transaction=False)
        for label in labels:
            index = self.cache.make_key(INDEX + label)
            pipe.zadd(index, {key: expires}, gt=True)
            pipe.zremrangebyscore(index, "-inf", time.time())  # entries expired since
            pipe.expire(index, _record_lifetime())
        pipe.execute()

    def take(self, labels) -> set[str]:
        """The entries indexed under ``labels``, which the index forgets."""
        indexes = [self.cache.make_key(INDEX + label) for label in labels]
        # Read and cleared at once: a registration is either read here or kept for later.
        pipe = self.client.pipeline(transaction=True)
        for index in indexes:
            pipe.zrange(index, 0, -1)
        pipe.delete(*indexes)
        *members, _ = pipe.execute()
        return {key.decode() for keys in members for key in keys}


class _Backend:
    """The cache behind the page cache, tolerant of its failures.

    While it is unreachable, pages are served uncached and it is tried again only every
    ``PAGE_CACHE_RETRY_AFTER`` seconds; the outage is logged once, and its end once.
    """

    FAILED = object()

    def __init__(self):
        self._retry_at = 0.0
        self._failing = False
        self._purge_lost = False
        self._storage = None

    @property
    def cache(self):
        return caches[settings.PAGE_CACHE_ALIAS]

    @property
    def storage(self):
        if self._storage is None:
            cache = caches[settings.PAGE_CACHE_ALIAS]
            kind = _RedisStorage if isinstance(cache, RedisCache) else _Storage
            self._storage = kind(cache)
        return self._storage

    def forget_storage(self):
        self._storage = None

    def read_entry(self, key):
        """The hit path: one read, with nothing around it while the cache is well."""
        if self._failing or self._purge_lost:
            return self.call(self.storage.read_entry, key)
        try:
            return self.storage.read_entry(key)
        except Exception:
            self._failed()
            return None

    def call(self, operation, *args, default=None):
        """``operation(*args)`` on the cache (a method name) or the storage (a method)."""
        if self._failing and time.monotonic() < self._retry_at:
            return default
        try:
            if self._purge_lost:
                self._empty()
            if isinstance(operation, str):
                operation = getattr(self.cache, operation)
            result = operation(*args)
        except Exception:
            self._failed()
            return default
        if self._failing:
            self._failing = False
            logger.warning("The page cache is reachable again.")
        return result

    def _failed(self):
        if not self._failing:
            logger.exception("The page cache is unreachable; serving pages uncached.")
        self._failing = True
        self._retry_at = time.monotonic() + settings.PAGE_CACHE_RETRY_AFTER

    def _empty(self):
        # What was purged while the cache was unreachable is unknown: everything.
        self.cache.add(GENERATION, time.time_ns() // 1_000_000, None)
        purged_at = self.cache.incr(GENERATION)
        self.cache.set(RECORD + EVERYTHING, purged_at, _record_lifetime())
        entries = self.storage.take([EVERYTHING])
        self.storage.delete_entries(entries)
        self._purge_lost = False
        logger.warning(
            "A purge was lost while the page cache was unreachable: "
            "deleted every cached page (%d).",
            len(entries),
        )

    def purge(self, keys):
        failed = self.FAILED
        if generation() is None:
            self._purge_lost = True
            return
        # Recorded first, then the index read: see the module's docstring.
        purged_at = self.call("incr", GENERATION, default=failed)
        records = {RECORD + k: purged_at for k in keys}
        if (
            purged_at is failed
            or self.call("set_many", records, _record_lifetime(), default=failed) is failed
        ):
            self._purge_lost = True
            return
        entries = self.call(self.storage.take, keys, default=failed)
        if (
            entries is failed
            or self.call(self.storage.delete_entries, entries, default=failed) is failed
        ):
            self._purge_lost = True


backend = _Backend()


@receiver(setting_changed)
def _cache_changed(setting, **kwargs):
    if setting in {"CACHES", "PAGE_CACHE_ALIAS"}:
        backend.forget_storage()


def generation() -> int | None:
    """The current generation: read it before building a response that may be stored."""
    current = backend.call("get", GENERATION)
    if current is None:
        # Seeded from the clock, so a counter lost with a restart never goes backwards.
        backend.call("add", GENERATION, time.time_ns() // 1_000_000, None)
        current = backend.call("get", GENERATION)
    return current


def get(key: str) -> Entry | None:
    """The entry stored under ``key``, if it has not expired: one read, nothing else."""
    entry = backend.read_entry(key)
    if entry is None or entry[0] <= time.time():
        return None
    return entry


def put(key: str, entry: Entry, labels, began: int | None) -> bool:
    """Store ``entry``, labelled with ``labels``, for a response that began at generation
    ``began``. Whether it is kept: not if any of its labels was purged since it began."""
    if began is None:
        return False
    expires = entry[0]
    timeout = expires - time.time()
    if timeout <= 0:
        return False
    failed, storage = backend.FAILED, backend.storage
    labels = (*labels, EVERYTHING)
    if backend.call(storage.register, key, labels, expires, default=failed) is failed:
        return False
    if backend.call(storage.write_entry, key, entry, timeout, default=failed) is failed:
        return False
    records = backend.call("get_many", [RECORD + k for k in labels], default=None)
    if records is None or any(purged > began for purged in records.values()):
        if backend.call(storage.delete_entries, [key], default=failed) is failed:
            backend._purge_lost = True  # stale perhaps, and still there: empty it all later
        return False
    return True


def purge(keys):
    """Delete every response labelled with any of ``keys``, here and in front caches."""
    keys = sorted(set(keys))
    if not keys:
        return
    backend.purge(keys)
    if settings.FRONTEND_CACHE_BACKEND != "none":
        try:
            purge_front_caches.enqueue(keys)
        except Exception:  # the queue down: the cache in front expires the pages instead
            logger.exception("Could not enqueue the purge of %d keys in front", len(keys))
