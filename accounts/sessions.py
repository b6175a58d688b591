"""Sessions in the database, whose idle-timeout refresh gives way to a busy SQLite database."""

import logging

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import router

from newsroom.database import is_lock_timeout

logger = logging.getLogger(__name__)


class SessionStore(db.SessionStore):
    def save(self, must_create=False):
        # Every request pushes the session's expiry back (SESSION_SAVE_EVERY_REQUEST). When
        # SQLite stays locked by another save, that refresh is skipped, not the answer: the
        # session keeps the expiry it has, and the editor gets their page instead of an error.
        try:
            super().save(must_create)
        except UpdateError as error:
            if not is_lock_timeout(error.__context__, router.db_for_write(self.model)):
                raise
            logger.warning("Session expiry not refreshed: the database stayed locked.")
