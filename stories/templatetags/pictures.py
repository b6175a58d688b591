from django import template

from stories import inline_images

register = template.Library()


@register.inclusion_tag("stories/_picture.html")
def picture(image, ratio="16x9", sizes="100vw", loading="lazy"):
    """A responsive ``<picture>`` of ``image`` cut to ``ratio``: WebP with a JPEG fallback.

    ``loading`` is "lazy" for pictures below the fold; pass "eager" for the one
    picture a reader sees first, which also asks the browser to fetch it early.
    """
    renditions = image.renditions(ratio) if image else []
    if not renditions:
        return {"image": None}
    url = image.file.storage.url
    webp = [r for r in renditions if r.format == "webp"]
    jpeg = [r for r in renditions if r.format == "jpeg"]
    fallback = jpeg[min(1, len(jpeg) - 1)]
    return {
        "image": image,
        "webp_srcset": ", ".join(f"{url(r.name)} {r.width}w" for r in webp),
        "jpeg_srcset": ", ".join(f"{url(r.name)} {r.width}w" for r in jpeg),
        "src": url(fallback.name),
        "width": fallback.width,
        "height": fallback.height,
        "sizes": sizes,
        "loading": "eager" if loading == "eager" else "lazy",
    }


@register.filter
def with_pictures(body):
    """A stored story body with its inline library images shown as responsive pictures.

    The images are fetched in one query, however many the body holds.
    """
    return inline_images.render(body)
