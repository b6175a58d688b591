"""The desk is told when a reader writes, once the message is committed.

The mail says what arrived and where to read it in the admin, never what it says: mail
travels and is kept in plain text, and a tip may expose whoever sent it. Nothing is sent when
``FEEDBACK_DESK_EMAIL`` is empty.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

logger = logging.getLogger(__name__)


def tell_the_desk(item):
    """E-mail the desk that ``item`` (an error report or a tip) arrived, after commit."""
    if settings.FEEDBACK_DESK_EMAIL:
        transaction.on_commit(lambda: _send(item))


def _send(item):
    kind = item._meta.verbose_name
    address = f"{settings.SITE_URL}{item.get_absolute_url()}"
    lines = [
        f"A reader sent {settings.NEWSROOM_NAME} a new {kind}{_about(item)}.",
        "",
        f"Read it in the admin (signed in): {address}",
    ]
    try:
        send_mail(
            f"New {kind} from a reader",
            "\n".join(lines),
            settings.DEFAULT_FROM_EMAIL,
            settings.FEEDBACK_DESK_EMAIL,
        )
    except Exception:  # The message is saved; a mail server's failure must not lose it.
        logger.exception("Could not tell the desk of a new %s", kind)


def _about(item):
    story = getattr(item, "story", None)
    return f" on “{story}”" if story else ""
