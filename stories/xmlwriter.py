"""An XML writer for the feed generators, which builds the document as one string.

Django's feed generators write through ``SimplerXMLGenerator``, a SAX handler that makes
several calls and writes for every element; a feed of fifty stories has some seven hundred
elements, and writing them cost more than reading the stories. ``XMLWriter`` does what the
generators ask of their handler (``startElement``, ``endElement``, ``characters``,
``addQuickElement``) with the same output: attributes sorted, text and attributes escaped
as SAX escapes them, empty elements closed short (``<link href="…"/>``), and control
characters, which XML 1.0 cannot carry, refused with Django's error. A feed that writes its
items itself, as text, builds them with ``element()`` and ``quote()`` and hands them to
``write()``.
"""

import re
from xml.sax.saxutils import escape, quoteattr

from django.utils.xmlutils import UnserializableContentError

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0B-\x0C\x0E-\x1F]")


def _checked(text):
    if _CONTROL_CHARACTERS.search(text):
        raise UnserializableContentError
    return text


class XMLWriter:
    def __init__(self, encoding):
        self.encoding = encoding
        self._parts = []
        self._write = self._parts.append
        # An element is started and may still be closed short, as in <link/>.
        self._open = False
        # Attribute values recur (a tag on many stories): each is quoted once.
        self._quoted = {}

    def write(self, markup):
        """Add ``markup``, whole elements already written with ``element()`` and ``quote()``."""
        self._close_start()
        self._write(markup)

    def quote(self, value):
        """``value`` as an attribute value, in its quotes: ``quote("a&b")`` is ``"a&amp;b"``."""
        quoted = self._quoted.get(value)
        if quoted is None:
            quoted = self._quoted[value] = _quoted(value)
        return quoted

    def getvalue(self):
        return "".join(self._parts)

    def startDocument(self):
        self._write(f'<?xml version="1.0" encoding="{self.encoding}"?>\n')

    def endDocument(self):
        pass

    def processingInstruction(self, target, data):
        self._close_start()
        self._write(f"<?{target} {data}?>")

    def startElement(self, name, attrs):
        self._close_start()
        self._write(f"<{name}{self._attributes(attrs)}")
        self._open = True

    def endElement(self, name):
        if self._open:
            self._write("/>")
            self._open = False
        else:
            self._write(f"</{name}>")

    def characters(self, content):
        if content:
            self._close_start()
            self._write(escape(_checked(content)))

    def addQuickElement(self, name, contents=None, attrs=None):
        if self._open:
            self._close_start()
        self._write(element(name, contents, self._attributes(attrs) if attrs else ""))

    def _attributes(self, attrs):
        if not attrs:
            return ""
        quote = self.quote
        items = sorted(attrs.items()) if len(attrs) > 1 else attrs.items()
        return "".join([f" {name}={quote(value)}" for name, value in items])

    def _close_start(self):
        if self._open:
            self._write(">")
            self._open = False


def element(name, contents=None, attributes=""):
    """``<name attributes>contents</name>``, or ``<name attributes/>`` without contents, as
    ``addQuickElement`` writes it; ``attributes`` are written already (`` rel="alternate"``)."""
    if contents:
        return f"<{name}{attributes}>{escape(_checked(contents))}</{name}>"
    return f"<{name}{attributes}/>"


# What quoteattr() escapes in a value written between double quotes.
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)


def _quoted(value):
    if not isinstance(value, str) or '"' in _checked(value):
        return quoteattr(value)  # which picks the quotes, or escapes them
    return f'"{value.translate(_ATTRIBUTE_ESCAPES)}"'
