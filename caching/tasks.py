"""Purges sent to the cache in front, as background work with retries."""

import logging
from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from . import frontends

logger = logging.getLogger(__name__)

# A cache that failed is tried again after 10 s, 20 s, 40 s...: 6 tries over about 5 minutes,
# about the time a page stays cached (PAGE_CACHE_TTL), after which it has expired anyway.
ATTEMPTS = 6
FIRST_DELAY = timedelta(seconds=10)


@task()
def purge_front_caches(keys: list[str], urls: list[str] | None = None, attempt: int = 1) -> int:
    """Purge ``keys`` from every cache in front (or from ``urls``, the ones that failed before).

    Returns how many caches failed this time; those are tried again later, with back-off.
    Purging twice is harmless, so a task run again after a worker was killed does no harm.
    """
    failed = frontends.purge(keys, urls=urls)
    if failed and attempt < ATTEMPTS:
        retry = purge_front_caches
        if retry.get_backend().supports_defer:
            run_after = timezone.now() + FIRST_DELAY * 2 ** (attempt - 1)
            retry.using(run_after=run_after).enqueue(keys, urls=failed, attempt=attempt + 1)
        else:
            logger.warning("Not retrying the purge: the task backend cannot run tasks later.")
    return len(failed)
