"""'Did you mean': a corrected query for a search that found nothing.

Corrections only ever come from what readers can already see (the engines' ``similar_texts``
reads public headlines, tag names and people's names), and a correction is offered only
when it finds something among the stories being searched.
"""

import difflib
import re

from . import search_stories
from .engines import engine
from .text import clean_query

# Quoted phrases and ``or`` keep their meaning; excluded words (-word) are left alone.
_EXCLUDED_OR_OPERATOR = re.compile(r"(?:(?<=\s)|^)-\w+|\bor\b", re.IGNORECASE)
MIN_LENGTH = 3
MAX_CORRECTIONS = 3
# difflib's ratio: 0.75 allows a swapped or missing letter or two in a word of 6 or more.
CLOSENESS = 0.75


def suggest_query(stories, text):
    """The query ``text`` with misspelled words corrected, or None if there is nothing better.

    A word is taken as misspelled when no story in ``stories`` contains it; it is replaced
    by the closest public word. The corrected query must find something in ``stories``.
    """
    text = clean_query(text)
    search = engine(stories.db)
    skipped = {m.span() for m in _EXCLUDED_OR_OPERATOR.finditer(text)}
    words = {}
    for match in re.finditer(r"\w+", text):
        word = match.group()
        excluded = any(start <= match.start() < end for start, end in skipped)
        if excluded or len(word) < MIN_LENGTH or not word.isalpha():
            continue
        words.setdefault(word, []).append(match.span())
    searchable = search.searchable(words, stories.db) if words else set()
    corrections = {}
    for word in [w for w in words if w in searchable]:
        if len(corrections) == MAX_CORRECTIONS:
            break
        if _finds_anything(stories, word):
            continue
        replacement = closest_word(word, search.similar_texts(word, stories.db))
        if replacement:
            corrections[word] = replacement
    if not corrections:
        return None
    corrected = re.sub(r"\w+", lambda m: corrections.get(m.group(), m.group()), text)
    return corrected if _finds_anything(stories, corrected) else None


def _finds_anything(stories, text):
    # Not exists(): asked for any one row with a word it believes rare, PostgreSQL may
    # read the whole index table rather than use the GIN index. Asking for the best
    # match takes the path the search page itself takes.
    return bool(search_stories(stories, text).values_list("pk", flat=True)[:1])


def closest_word(word, texts):
    """The word in ``texts`` most like ``word`` (but not ``word`` itself), or None."""
    lowered = word.lower()
    candidates = {}
    for text in texts:
        for candidate in re.findall(r"\w+", text):
            if candidate.isalpha() and candidate.lower() != lowered:
                candidates.setdefault(candidate.lower(), candidate)
    best = difflib.get_close_matches(lowered, candidates, n=1, cutoff=CLOSENESS)
    if not best:
        return None
    found = candidates[best[0]]
    if word.islower():
        return found.lower()
    return found[0].upper() + found[1:] if word.istitle() else found
