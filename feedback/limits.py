"""Keeping machines out of the feedback forms without a third party, and without storing who
wrote.

- **Rate limit**: each address may send ``FEEDBACK_RATE_LIMIT`` messages an hour. It is
  counted in the cache under a keyed hash of the address and the hour, which expires with
  the hour: the address itself is stored nowhere, and its hash no longer than that.
- **Form token**: every form carries a signed token saying when it was served (and, for an
  error report, which story and version). A form sent back sooner than
  ``FEEDBACK_MIN_SECONDS``, later than ``FORM_MAX_AGE`` or with a token not signed here is
  refused.
- **Honeypot**: a field people never see, which only a machine fills in (``forms``).
"""

import logging
import time

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

WINDOW = 3600  # seconds
FORM_MAX_AGE = 24 * 3600  # seconds a served form may be sent back
SALT = "feedback.form"


class BadToken(Exception):
    pass


def spend(request, kind: str, now: float | None = None) -> bool:
    """Count one message of ``kind`` from the request's address; False once past the limit.
    A cache that cannot be reached limits nobody, and the outage is logged."""
    now = time.time() if now is None else now
    window = int(now // WINDOW)
    address = request.META.get("REMOTE_ADDR", "")
    hashed = salted_hmac(f"feedback.rate.{window}", address, algorithm="sha256").hexdigest()[:32]
    key = f"feedback:rate:{kind}:{hashed}"
    cache = caches[settings.FEEDBACK_RATE_LIMIT_CACHE]
    try:
        cache.add(key, 0, timeout=WINDOW - now % WINDOW + 1)
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this message opens the window again
        return True
    except Exception:
        logger.warning("The feedback forms' counts cannot be reached: not limiting", exc_info=True)
        return True
    return count <= settings.FEEDBACK_RATE_LIMIT


def form_token(**values) -> str:
    return signing.dumps({**values, "served": time.time()}, salt=SALT, compress=False)


def read_token(token: str, now: float | None = None) -> dict:
    """The values signed into ``token``; BadToken if it is forged, too old or too quick."""
    now = time.time() if now is None else now
    try:
        values = signing.loads(token, salt=SALT, max_age=FORM_MAX_AGE)
        served = float(values["served"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise BadToken from None
    if not settings.FEEDBACK_MIN_SECONDS <= now - served <= FORM_MAX_AGE:
        raise BadToken
    return values
