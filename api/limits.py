"""Requests a minute, counted in the Django cache so that every process counts together.

A fixed window per client and minute: the first request of the window creates its counter
(``add``, which only one process can win), every request increments it (``incr``, atomic in
Redis and in local memory). Past the limit the client is told how many seconds remain.
"""

import logging
import time

from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)

WINDOW = 60  # seconds


def _cache():
    return caches[settings.API_RATE_LIMIT_CACHE]


def spend(client: str, limit: int, now: float | None = None) -> int | None:
    """Count one request of ``client``; None if within ``limit`` for this minute, else the
    seconds until the next minute begins (for ``Retry-After``). A cache that cannot be reached
    limits nobody: the API keeps answering, and the outage is logged."""
    now = time.time() if now is None else now
    window = int(now // WINDOW)
    key = f"api:rate:{client}:{window}"
    cache = _cache()
    try:
        cache.add(key, 0, timeout=WINDOW + 5)
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this request opens the window again
        cache.add(key, 1, timeout=WINDOW + 5)
        count = 1
    except Exception:
        logger.warning("The API's request counts cannot be reached: not limiting", exc_info=True)
        return None
    if count <= limit:
        return None
    return max(1, int((window + 1) * WINDOW - now + 0.999))
