"""How library pictures reach readers: responsive ``<picture>`` elements.

A stored body carries each inline picture as the rich-text editor writes it (see
``stories.models.images.INLINE_IMAGE``). Readers get none of that ``<img>``: each becomes
the library image's responsive ``<picture>``, with its alt text and credit from the library.
"""

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

from stories.models import Image
from stories.models.images import INLINE_IMAGE, InlineReference, inline_references


def sources(image, ratio="16x9"):
    """What a ``<picture>`` of ``image`` cut to ``ratio`` lists (the ``picture()`` macro of
    ``reader_templates/stories/_picture.html``): WebP and JPEG ``srcset``, the fallback JPEG;
    the master alone while the renditions are being prepared; ``None`` for no picture."""
    if not (image and image.width):
        return None
    url = image.file.storage.url
    renditions = image.renditions(ratio)
    if not renditions:
        # Cleaned like every master (no metadata), and only until the renditions exist.
        return {"src": url(image.file.name), "width": image.width, "height": image.height}
    webp = [r for r in renditions if r.format == "webp"]
    jpeg = [r for r in renditions if r.format == "jpeg"]
    fallback = jpeg[min(1, len(jpeg) - 1)]
    return {
        "webp_srcset": ", ".join(f"{url(r.name)} {r.width}w" for r in webp),
        "jpeg_srcset": ", ".join(f"{url(r.name)} {r.width}w" for r in jpeg),
        "src": url(fallback.name),
        "width": fallback.width,
        "height": fallback.height,
    }


def with_pictures(body):
    """A stored story body with its inline library images shown as responsive pictures.

    The images are fetched in one query, however many the body holds. A reference to an
    image no longer in the library renders nothing.
    """
    body = body or ""
    refs = inline_references(body)
    if not refs:
        return mark_safe(body)  # Stored bodies are sanitized on save.
    by_id, by_file = Image.objects.referenced(refs)

    def figure(match):
        image = InlineReference.from_match(match).find(by_id, by_file)
        if image is None or not image.width:
            return ""
        caption = match["caption"]
        if caption is None or not caption.strip():
            caption = escape(image.caption)
        return render_to_string(
            "stories/_inline_image.html", {"image": image, "caption": mark_safe(caption)}
        )

    return mark_safe(INLINE_IMAGE.sub(figure, body))
