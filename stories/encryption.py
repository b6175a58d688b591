"""Encryption at rest for what could expose a source: a stolen backup holds only tokens.

Values are Fernet tokens made with the first of ``settings.SOURCE_ENCRYPTION_KEYS`` and read
with any of them (``MultiFernet``), so a key is replaced by putting the new one first, running
``manage.py rotate_source_keys`` and then removing the old one.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError
from django.core.signals import setting_changed
from django.db import models
from django.db.models.lookups import Exact


class Unreadable(str):
    """A stored token that none of the keys opens: it reads as empty and is saved back as it
    was, so that a missing key loses nothing."""

    def __new__(cls, token):
        value = super().__new__(cls, "")
        value.token = token
        return value


@cache
def _keys():
    return [Fernet(key) for key in settings.SOURCE_ENCRYPTION_KEYS]


def _clear_keys(setting, **kwargs):
    if setting == "SOURCE_ENCRYPTION_KEYS":
        _keys.cache_clear()


setting_changed.connect(_clear_keys, dispatch_uid="source_encryption_keys")


def encrypt(text: str) -> str:
    return _keys()[0].encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """The text in ``token``, or an ``Unreadable`` value if no key opens it."""
    try:
        return MultiFernet(_keys()).decrypt(token.encode()).decode()
    except InvalidToken:
        return Unreadable(token)


def is_current(token: str) -> bool:
    """Whether ``token`` was made with the newest key."""
    try:
        _keys()[0].decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate(token: str) -> str:
    """``token`` made again with the newest key; InvalidToken if no key opens it."""
    return MultiFernet(_keys()).rotate(token.encode()).decode()


class IsBlank(Exact):
    """Equality with the empty string, the one comparison that encrypted text allows."""

    def get_prep_lookup(self):
        if self.rhs != "":
            raise FieldError(
                "Encrypted text can only be compared with the empty string: the database "
                "holds tokens, never the text."
            )
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token and read back as text; blank stays blank.

    The database sees only tokens, so it can neither search nor filter by the text: only
    ``isnull`` and ``exact=""`` are offered. A dump (``dumpdata``) holds the tokens, and
    loading one reads them.
    """

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return IsBlank
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def to_python(self, value):
        # A serialized dump holds tokens (see value_to_string); typed text is kept as it is.
        if isinstance(value, str) and value and not isinstance(value, Unreadable):
            opened = decrypt(value)
            if not isinstance(opened, Unreadable):
                return opened
        return super().to_python(value)

    def get_prep_value(self, value):
        if isinstance(value, Unreadable):
            return value.token
        value = models.Field.get_prep_value(self, value)
        return encrypt(str(value)) if value else value

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj)) or ""
