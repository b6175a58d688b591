"""Reader addresses of stories, sections, tags and people, as ``reverse()`` gives them.

A list page shows dozens of addresses, and ``reverse()`` walks the URL resolver for each.
Addresses of one kind differ only in their slug (and a story's date), so the resolver is
asked for the first one, which becomes the pattern of the others for as long as the URLconf
and the script prefix stay the same.
"""

import re

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse

# Values that every path converter used here accepts and writes out unchanged.
_plain = re.compile(r"[-a-zA-Z0-9_]+").fullmatch

# (resolver, script prefix, view name, argument names): the address with {name} fields.
_patterns: dict[tuple, str] = {}


def address(viewname: str, **kwargs: str) -> str:
    """``reverse(viewname, kwargs=kwargs)`` for values already in their URL form: a slug, a
    zero-padded day or month, a four-digit year."""
    for value in kwargs.values():
        if not _plain(value):
            return reverse(viewname, kwargs=kwargs)  # e.g. a Unicode slug, percent-encoded
    key = (get_resolver(get_urlconf()), get_script_prefix(), viewname, *kwargs)
    pattern = _patterns.get(key)
    if pattern is not None:
        return pattern.format_map(kwargs)
    url = reverse(viewname, kwargs=kwargs)
    places = sorted((url.find(value), name, value) for name, value in kwargs.items())
    if all(url.count(value) == 1 for value in kwargs.values()):
        # Each value shows up once, so that is where it goes; otherwise (the same day and
        # month, say) a later address learns the pattern.
        parts, end = [], 0
        for start, name, value in places:
            parts += [_braces(url[end:start]), "{" + name + "}"]
            end = start + len(value)
        if len(_patterns) > 1000:  # The URLconf changed many times (tests): start over.
            _patterns.clear()
        _patterns[key] = "".join([*parts, _braces(url[end:])])
    return url


def _braces(text):
    return text.replace("{", "{{").replace("}", "}}")
