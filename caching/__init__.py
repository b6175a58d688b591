"""Whole-response caching of public pages, labelled by what they show and purged exactly.

- ``label(request, *keys)`` adds surrogate keys to the response being built; every
  instance of a model registered with ``track(model, prefix)`` that the request loads
  labels it too, and so does each id given to ``label_rows(model, pks)`` for rows read
  without instances.
- ``purge(keys)`` makes every cached response labelled with any of ``keys`` stale, here
  and in the cache in front (``caching.frontends``).
- ``PageCacheMiddleware`` stores and serves anonymous GET/HEAD responses.
"""

from .labels import label, label_rows, labelled, track
from .store import purge

__all__ = ["label", "label_rows", "labelled", "purge", "track"]
