"""Cursors: where the next page of a list starts, as an opaque token the client sends back.

A page is found from the last item of the one before (keyset pagination), never by an
offset: it costs the same however deep the list, and an item published meanwhile neither
repeats nor skips one. A cursor is the position of that last item, in base64: a publish
time and an id for stories and corrections, an id for the rest. Anything else is refused.
"""

import base64
import binascii
import datetime
import json

from django.db.models import Q

MAX_ID = 2**63 - 1


class BadCursor(ValueError):
    def __init__(self, message="This cursor is not one the API gave: start from the first page."):
        super().__init__(message)


def encode(*position) -> str:
    text = json.dumps(position, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str) -> list:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise BadCursor() from error
    if not isinstance(position, list):
        raise BadCursor()
    return position


def _id(value) -> int:
    if type(value) is not int or not 0 < value <= MAX_ID:
        raise BadCursor()
    return value


def after_id(cursor: str) -> Q:
    """Items after the cursor of a list in ascending id order."""
    position = _decode(cursor)
    if len(position) != 1:
        raise BadCursor()
    return Q(pk__gt=_id(position[0]))


def newest_first_after(cursor: str, field: str = "published_at") -> Q:
    """Items after the cursor of a list newest first by ``field``, then by id."""
    return before(*newest_first_position_of(cursor), field)


def before(moment, pk, field: str = "published_at") -> Q:
    """Items after the one at ``moment`` with ``pk`` in a list newest first by ``field``."""
    return Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "pk__lt": pk})


def newest_first_position_of(cursor: str) -> tuple[datetime.datetime, int]:
    """The time and id a cursor of a newest-first list holds."""
    position = _decode(cursor)
    if len(position) != 2 or not isinstance(position[0], str):
        raise BadCursor()
    try:
        moment = datetime.datetime.fromisoformat(position[0])
    except ValueError as error:
        raise BadCursor() from error
    if moment.tzinfo is None:
        raise BadCursor()
    return moment, _id(position[1])


def newest_first_position(obj, field: str = "published_at") -> str:
    return encode(getattr(obj, field).astimezone(datetime.UTC).isoformat(), obj.pk)
