"""Purging the cache in front of the site (Varnish, a CDN) by surrogate key."""

import logging

logger = logging.getLogger(__name__)


def purge(keys):
    """Ask the configured front-end cache to drop every response labelled with ``keys``."""
