"""Signatures of webhook deliveries, as Stripe writes them.

Each request carries ``Newsroom-Signature: t=<unix time>,v1=<hex>``, where ``<hex>`` is the
HMAC-SHA256, keyed with the endpoint's secret, of ``"<unix time>.<request body>"``. A receiver
recomputes it over the body exactly as received, compares in constant time and refuses a
timestamp older than a few minutes, so a captured request cannot be replayed later.
"""

import hashlib
import hmac
import time

HEADER = "Newsroom-Signature"
TOLERANCE = 300  # seconds


def signature(secret: str, body: bytes, timestamp: int) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={signature(secret, body, timestamp)}"


def verify(secret: str, body: bytes, value: str, *, tolerance=TOLERANCE, now=None) -> bool:
    """Whether ``value`` (the header) signs ``body`` with ``secret``, recently enough."""
    parts = dict(part.split("=", 1) for part in value.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(parts.get("v1", ""), signature(secret, body, timestamp))
