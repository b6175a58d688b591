"""The one place story HTML is cleaned before it is stored."""

import re

import nh3
from django.conf import settings

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "strong",
    "em",
    "b",
    "i",
    "s",
    "sub",
    "sup",
    "hr",
    "figure",
    "figcaption",
    "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    # An inline picture is a reference to the image library: its file and its id.
    # Readers never get this <img>; it becomes the library image's <picture>.
    "img": {"src", "alt", "data-file"},
}
# The classes the rich-text editor gives a figure, so that its output is stored unchanged.
ALLOWED_CLASSES = {"figure": {"figure"}, "figcaption": {"figure-caption"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# What the image library's files are called: images/<year>/<month>/<name>.<extension>.
_LIBRARY_FILE = re.compile(r"images/[A-Za-z0-9_/-]+\.(?:jpg|jpeg|png|webp)")
_IMG = re.compile(r"<img\b[^>]*>")


def library_file(url: str) -> str | None:
    """The library file name that ``url`` points at, or ``None`` if it is any other address."""
    prefix = settings.MEDIA_URL
    if not url.startswith(prefix):
        return None
    name = url.removeprefix(prefix)
    return name if _LIBRARY_FILE.fullmatch(name) else None


def _only_library_references(tag, attribute, value):
    if tag == "img":
        if attribute == "src":
            return value if library_file(value) else None
        if attribute == "data-file":
            return value if value.isascii() and value.isdigit() else None
    return value


def clean_html(html: str) -> str:
    """Return ``html`` reduced to the markup a story body may carry.

    Scripts, styles, event-handler attributes and ``javascript:`` links are
    removed; links get ``rel="noopener noreferrer"``. Pictures are kept only when
    they are files of the image library: any other ``<img>`` is removed, so
    nothing a reader's browser loads comes from another host.
    """
    cleaned = nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_only_library_references,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return _IMG.sub(lambda match: match[0] if " src=" in match[0] else "", cleaned)
