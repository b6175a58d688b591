"""Library images placed in a story's body: finding them and showing them to readers.

A stored body carries an inline picture as the rich-text editor writes it,
``<figure class="figure"><img src="/media/images/…" data-file="42"><figcaption>…``,
already reduced by ``stories.sanitize.clean_html`` to files of the image library.
Readers get none of that ``<img>``: each becomes the library image's responsive
``<picture>``, with its alt text and credit from the library.
"""

import html
import re
from dataclasses import dataclass

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from stories.sanitize import library_file

# The body is stored sanitized, so its markup is regular: attribute values are
# double-quoted with ", < and > escaped.
_INLINE_IMAGE = re.compile(
    r"<figure\b[^>]*>\s*(?P<img><img\b[^>]*>)\s*"
    r"(?:<figcaption\b[^>]*>(?P<caption>.*?)</figcaption>\s*)?</figure>"
    r"|(?P<bare><img\b[^>]*>)",
    re.S,
)
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


@dataclass(frozen=True)
class Reference:
    image_id: int | None
    file_name: str | None

    @classmethod
    def from_tag(cls, tag: str) -> "Reference":
        attributes = {name: html.unescape(value) for name, value in _ATTRIBUTE.findall(tag)}
        image_id = attributes.get("data-file", "")
        return cls(
            int(image_id) if image_id.isdigit() else None,
            library_file(attributes.get("src", "")),
        )

    def find(self, images_by_id, images_by_file):
        if self.image_id is not None:
            return images_by_id.get(self.image_id)
        return images_by_file.get(self.file_name)


def marker(image_id: int) -> str:
    """The text a stored body holds for each placement of the library image ``image_id``."""
    return f'data-file="{image_id}"'


def references(body: str) -> list[Reference]:
    return [Reference.from_tag(m["img"] or m["bare"]) for m in _INLINE_IMAGE.finditer(body or "")]


def fetch(refs):
    """The library images ``refs`` point at, by id and by file name, in one query."""
    from stories.models import Image

    ids = {ref.image_id for ref in refs if ref.image_id is not None}
    names = {ref.file_name for ref in refs if ref.image_id is None and ref.file_name}
    if not (ids or names):
        return {}, {}
    images = list(Image.objects.filter(Q(pk__in=ids) | Q(file__in=names)))
    return {image.pk: image for image in images}, {image.file.name: image for image in images}


def images_in(body: str) -> list:
    """The library images placed in ``body`` that still exist, in order, each once."""
    refs = references(body)
    by_id, by_file = fetch(refs)
    found = (ref.find(by_id, by_file) for ref in refs)
    return list({image.pk: image for image in found if image is not None}.values())


def render(body: str) -> SafeString:
    """``body`` with every inline library image replaced by its ``<picture>`` figure.

    A reference to an image no longer in the library renders nothing.
    """
    body = body or ""
    refs = references(body)
    if not refs:
        return mark_safe(body)  # Stored bodies are sanitized on save.
    by_id, by_file = fetch(refs)

    def figure(match):
        tag = match["img"] or match["bare"]
        image = Reference.from_tag(tag).find(by_id, by_file)
        if image is None or not image.renditions("4x3"):
            return ""
        caption = match["caption"]
        if caption is None or not caption.strip():
            caption = escape(image.caption)
        return render_to_string(
            "stories/_inline_image.html", {"image": image, "caption": mark_safe(caption)}
        )

    return mark_safe(_INLINE_IMAGE.sub(figure, body))
