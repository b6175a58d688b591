"""Turning stored HTML and typed queries into text the engines can safely use."""

import html
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

MAX_QUERY_LENGTH = 1000

# Engines wrap matches in these private-use characters; the text is escaped afterwards
# and only they become <mark>. They are removed from everything indexed or searched,
# so a story or a query cannot forge a highlight.
MARK_START = "\ue000"
MARK_END = "\ue001"

_TAG = re.compile(r"<[^>]*>")
_UNSEARCHABLE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f{MARK_START}{MARK_END}]")


def plain_text(value: str) -> str:
    """Sanitized story HTML as one line of plain text, block boundaries kept as spaces."""
    return " ".join(_UNSEARCHABLE.sub(" ", html.unescape(_TAG.sub(" ", value or ""))).split())


def clean_query(text) -> str:
    """A typed query with control characters removed, capped at MAX_QUERY_LENGTH."""
    return " ".join(_UNSEARCHABLE.sub(" ", str(text or "")[:MAX_QUERY_LENGTH]).split())


def highlight(snippet: str) -> str:
    """Escape an engine's snippet, turning only its match markers into <mark>."""
    return mark_safe(
        escape(snippet or "").replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    )
