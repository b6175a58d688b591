"""A password check that works offline: common passwords in disguise, and the newsroom's name."""

import re

from django.conf import settings
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

# What people type for a letter. "1" stands for both "i" and "l", so both readings are tried.
_LEET = {"0": "o", "3": "e", "4": "a", "@": "a", "5": "s", "$": "s", "7": "t", "+": "t", "8": "b"}
_READINGS = [
    str.maketrans(_LEET | {"1": "i", "!": "i", "|": "l"}),
    str.maketrans(_LEET | {"1": "l", "!": "i", "|": "i"}),
]
_ENDS = re.compile(r"^[^a-z]+|[^a-z]+$")
_NOT_LETTERS = re.compile(r"[^a-z]+")
_REPEATED = re.compile(r"(.+?)\1+")


def readings(password: str) -> set[str]:
    """The letters a guesser would start from: lowercased, digits and symbols around the word
    dropped, look-alike digits and symbols inside it read as letters, one repeated word once."""
    lowered = password.lower()
    inner = _ENDS.sub("", lowered)
    words = {_NOT_LETTERS.sub("", lowered)}
    words |= {_NOT_LETTERS.sub("", inner.translate(reading)) for reading in _READINGS}
    words |= {match[1] for word in words if (match := _REPEATED.fullmatch(word))}
    return words - {""}


def newsroom_words() -> re.Pattern:
    """Any run of the newsroom's name, its words and "newsroom", e.g. "theledger", "ledger"."""
    name = settings.NEWSROOM_NAME.lower()
    words = {"newsroom", _NOT_LETTERS.sub("", name), *_NOT_LETTERS.split(name)} - {""}
    alternatives = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    return re.compile(f"(?:{alternatives})+")


class GuessablePasswordValidator(CommonPasswordValidator):
    """Refuse a common password however it is dressed up (``P@ssw0rd!``, ``Summer2026``,
    ``passwordpassword``) and the newsroom's own name with digits or symbols
    (``TheLedger2026``). Uses Django's list of 20,000 common passwords: nothing leaves the
    machine."""

    def validate(self, password, user=None):
        words = readings(password)
        if words & self.passwords:
            raise ValidationError(
                "This password is a common password with letters swapped for digits or "
                "symbols, or with digits added: it is among the first anyone would try.",
                code="password_common_in_disguise",
            )
        name = newsroom_words()
        if any(name.fullmatch(word) for word in words):
            raise ValidationError(
                "This password is the newsroom's name with digits or symbols: it is among the "
                "first anyone would try.",
                code="password_newsroom_name",
            )

    def get_help_text(self):
        return (
            "Your password can’t be a common password with digits or symbols added or swapped "
            "in for letters, nor the newsroom’s name with a year."
        )
