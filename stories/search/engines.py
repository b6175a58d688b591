from django.db import connections

from . import postgresql, sqlite

_ENGINES = {"postgresql": postgresql, "sqlite": sqlite}


def engine(using):
    """The search engine module for the database ``using``."""
    vendor = connections[using].vendor
    try:
        return _ENGINES[vendor]
    except KeyError:
        raise NotImplementedError(f"Story search does not support {vendor}.") from None
