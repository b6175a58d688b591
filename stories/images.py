"""Pictures: checking uploads, cleaning what is stored, and cutting renditions.

Every picture passes through ``prepare_upload`` before it is stored: the file is
checked (type, size, pixel count, integrity, nothing hidden in or after it),
turned upright from its EXIF orientation and re-encoded from its pixels alone,
so no EXIF, GPS, XMP, ICC profile or comment survives. Readers are served only
that clean master and the renditions cut from it.

AVIF is not accepted: Pillow's AVIF decoder is the newest and least exercised
code path for files from strangers, the newsroom's sources (cameras, phones set
to "most compatible", wire services) deliver JPEG, and the WebP renditions with
a JPEG fallback already reach every browser. Adding ``"AVIF"`` to
``ACCEPTED_FORMATS`` is all it would take once that changes.
"""

import functools
import hashlib
import io
import logging
import math
import re
import secrets
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image as PillowImage
from PIL import ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
ACCEPTED_CONTENT_TYPES = "image/jpeg,image/png,image/webp,image/gif"
#: What the stored master is encoded as, by uploaded format. A GIF keeps its first frame
#: as a lossless PNG; renditions are still pictures anyway.
MASTER_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "PNG"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}

RATIOS = {"16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1)}
WIDTHS = (400, 800, 1200, 1600)
RENDITION_FORMATS = {"webp": "WEBP", "jpeg": "JPEG"}
#: Part of every rendition's name: raise it when the way renditions are cut changes.
RENDITION_VERSION = 1

ACCEPTED_HINT = "Upload a JPEG, PNG, WebP or GIF picture instead."
_MARKUP = re.compile(rb"<(?:\?php|!doctype|html|head|body|script|svg|iframe|object|embed)\b", re.I)


def max_upload_bytes() -> int:
    return settings.IMAGE_MAX_UPLOAD_BYTES


def max_pixels() -> int:
    return settings.IMAGE_MAX_PIXELS


class PreparedImage(ContentFile):
    """A checked, upright, metadata-free master, ready to be stored as it is."""

    def __init__(self, content, name, width, height):
        super().__init__(content, name=name)
        self.width, self.height = width, height


def prepare_upload(upload) -> PreparedImage:
    """Check an uploaded picture and return its clean master, or raise ``ValidationError``.

    Nothing is decoded before the size and the pixel count read from the header
    are known to be within the limits, so a decompression bomb costs a few bytes
    of reading, never the memory of the worker.
    """
    if isinstance(upload, PreparedImage):
        return upload
    size = upload.size
    if size is not None and size > max_upload_bytes():
        raise ValidationError(
            "The file is %(size).1f MB; the limit is %(limit)d MB. "
            "Export the picture at a lower quality or size and upload it again.",
            code="file_too_large",
            params={"size": size / 1_000_000, "limit": max_upload_bytes() // 1_000_000},
        )
    upload.seek(0)
    data = upload.read(max_upload_bytes() + 1)
    if len(data) > max_upload_bytes():
        raise ValidationError(
            "The file is larger than %(limit)d MB. Export the picture smaller and upload it again.",
            code="file_too_large",
            params={"limit": max_upload_bytes() // 1_000_000},
        )
    _refuse_documents(data)
    with _opened(data) as picture:
        _check_pixels(*picture.size)
        image_format = picture.format
        try:
            picture.load()
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            raise _damaged() from error
        _refuse_trailing_data(data, image_format)
        _refuse_hidden_markup(data)
        try:
            clean = _clean_pixels(picture)
        except (OSError, ValueError) as error:
            raise _damaged() from error
    master_format = MASTER_FORMATS[image_format]
    buffer = io.BytesIO()
    clean.save(buffer, master_format, **_master_options(master_format))
    name = f"{secrets.token_hex(8)}.{EXTENSIONS[master_format]}"
    return PreparedImage(buffer.getvalue(), name, *clean.size)


def _refuse_documents(data: bytes) -> None:
    if _looks_like_image(data):
        return
    head = data[:1024]
    if b"<svg" in head.lower():
        raise ValidationError(
            "This is an SVG file. SVG can carry scripts, so it is not accepted. " + ACCEPTED_HINT,
            code="svg",
        )
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") or _MARKUP.search(head):
        raise ValidationError(
            "This is an HTML or text document, not a picture. " + ACCEPTED_HINT, code="html"
        )


def _refuse_hidden_markup(data: bytes) -> None:
    # Browsers that sniff content look for markup near the start of a file.
    if _MARKUP.search(data[:1024]):
        raise ValidationError(
            "This picture has HTML or script hidden inside it, which is how attacks are "
            "smuggled in. Export the picture again from an image editor and upload that file.",
            code="polyglot",
        )


def _looks_like_image(data: bytes) -> bool:
    return data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF8")) or (
        data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    )


class _opened:
    """Open ``data`` reading only its header; turn every refusal into a form error."""

    def __init__(self, data):
        self.data = data

    def __enter__(self):
        with warnings.catch_warnings():
            warnings.simplefilter("error", PillowImage.DecompressionBombWarning)
            try:
                self.picture = PillowImage.open(io.BytesIO(self.data), formats=ACCEPTED_FORMATS)
            except (PillowImage.DecompressionBombError, PillowImage.DecompressionBombWarning):
                raise _too_many_pixels(None, None) from None
            except UnidentifiedImageError:
                raise _unsupported(self.data) from None
            except (OSError, SyntaxError, ValueError, EOFError) as error:
                raise _damaged() from error
        return self.picture

    def __exit__(self, *exc_info):
        self.picture.close()


def _check_pixels(width: int, height: int) -> None:
    if width < 1 or height < 1:
        raise _damaged()
    if width * height > max_pixels():
        raise _too_many_pixels(width, height)


def _too_many_pixels(width, height) -> ValidationError:
    limit = max_pixels() / 1_000_000
    if width is None:
        return ValidationError(
            "The picture has far more pixels than the limit of %(limit)g megapixels "
            "(it may be a decompression bomb). Scale it down and upload it again.",
            code="too_many_pixels",
            params={"limit": limit},
        )
    return ValidationError(
        "The picture is %(width)s × %(height)s pixels (%(mp).1f megapixels); the limit is "
        "%(limit)g megapixels. Scale it down and upload it again.",
        code="too_many_pixels",
        params={
            "width": f"{width:,}",
            "height": f"{height:,}",
            "mp": width * height / 1_000_000,
            "limit": limit,
        },
    )


def _unsupported(data: bytes) -> ValidationError:
    if data[4:12] in (b"ftypavif", b"ftypavis"):
        kind = "This is an AVIF picture, which is not accepted yet. "
    elif data[4:8] == b"ftyp":
        kind = "This is a HEIC picture (as iPhones save them), which is not accepted. "
    else:
        kind = "This file is not a picture in a format we accept. "
    return ValidationError(kind + ACCEPTED_HINT, code="unsupported_format")


def _damaged() -> ValidationError:
    return ValidationError(
        "The picture is truncated or damaged and cannot be read. "
        "Export it again or download the original, then upload it again.",
        code="damaged",
    )


def _refuse_trailing_data(data: bytes, image_format: str) -> None:
    end = _end_of_image(data, image_format)
    if end is None or end > len(data):
        raise _damaged()
    if end < len(data):
        raise ValidationError(
            "The file carries %(extra)s bytes of extra data after the end of the picture "
            "(an appended script, or a phone's motion-photo video). Export it again as a "
            "plain picture and upload that file.",
            code="polyglot",
            params={"extra": f"{len(data) - end:,}"},
        )


def _end_of_image(data: bytes, image_format: str) -> int | None:
    """Where the picture's own bytes end, by walking the file's structure."""
    try:
        return {"JPEG": _jpeg_end, "PNG": _png_end, "GIF": _gif_end, "WEBP": _webp_end}[
            image_format
        ](data)
    except (IndexError, ValueError):
        return None


def _jpeg_end(data: bytes) -> int | None:
    i = 2
    while i < len(data):
        if data[i] != 0xFF:
            return None
        while data[i] == 0xFF:
            i += 1
        marker = data[i]
        i += 1
        if marker == 0xD9:
            return i
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            continue
        i += int.from_bytes(data[i : i + 2])
        if marker == 0xDA:
            # Entropy-coded data: 0xFF is escaped as FF 00, FF D0-D7 are restart markers.
            while True:
                i = data.index(b"\xff", i)
                following = data[i + 1]
                if following == 0xFF:
                    i += 1
                elif following == 0x00 or 0xD0 <= following <= 0xD7:
                    i += 2
                else:
                    break
    return None


def _png_end(data: bytes) -> int | None:
    i = 8
    while i + 8 <= len(data):
        length = int.from_bytes(data[i : i + 4])
        chunk = data[i + 4 : i + 8]
        i += 12 + length
        if chunk == b"IEND":
            return i
    return None


def _gif_end(data: bytes) -> int | None:
    def skip_sub_blocks(i):
        while data[i]:
            i += data[i] + 1
        return i + 1

    flags = data[10]
    i = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    while True:
        block = data[i]
        if block == 0x3B:
            return i + 1
        if block == 0x21:
            i = skip_sub_blocks(i + 2)
        elif block == 0x2C:
            flags = data[i + 9]
            i += 10 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
            i = skip_sub_blocks(i + 1)
        else:
            return None


def _webp_end(data: bytes) -> int:
    size = int.from_bytes(data[4:8], "little")
    return 8 + size + (size & 1)


def _clean_pixels(picture: PillowImage.Image) -> PillowImage.Image:
    """The picture upright, in sRGB, as pixels only: every piece of metadata left behind."""
    upright = ImageOps.exif_transpose(picture, in_place=True) or picture
    has_alpha = upright.mode in ("RGBA", "LA", "PA", "RGBa") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    icc = upright.info.get("icc_profile")
    if upright.mode not in ("RGB", "RGBA", "L", "CMYK"):
        upright = upright.convert("RGBA" if has_alpha else "RGB")
    if icc:
        upright = _to_srgb(upright, icc)
    if upright.mode == "CMYK":
        upright = upright.convert("RGB")
    # A fresh image with only the pixels pasted in has no info at all: no EXIF, XMP,
    # ICC profile, comment or text chunk can reach the encoder.
    clean = PillowImage.new(upright.mode, upright.size)
    clean.paste(upright)
    return clean


def _to_srgb(picture, icc: bytes):
    """Convert pictures tagged with another colour space (Adobe RGB, Display P3) to sRGB."""
    try:
        from PIL import ImageCms

        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        output_mode = "RGB" if picture.mode == "CMYK" else picture.mode
        converted = ImageCms.profileToProfile(
            picture, source, ImageCms.createProfile("sRGB"), outputMode=output_mode
        )
        return converted or picture
    except Exception:  # a broken profile is dropped; the pixels are still good
        logger.info("Ignored an unreadable ICC profile", exc_info=True)
        return picture


def _master_options(image_format: str) -> dict:
    return {
        "JPEG": {"quality": 90, "optimize": True},
        "PNG": {"optimize": False},
        "WEBP": {"quality": 90},
    }[image_format]


# Renditions ------------------------------------------------------------------


@dataclass(frozen=True)
class Rendition:
    name: str
    width: int
    height: int
    format: str  # "webp" or "jpeg"


def crop_box(width, height, focal_x, focal_y, ratio):
    """The largest box of ``ratio`` inside the picture, centred on the focal point where it fits."""
    rw, rh = RATIOS[ratio]
    crop_w, crop_h = width, round(width * rh / rw)
    if crop_h > height:
        crop_w, crop_h = round(height * rw / rh), height
    crop_w, crop_h = min(crop_w, width), min(crop_h, height)
    left = min(max(round(focal_x * width - crop_w / 2), 0), width - crop_w)
    top = min(max(round(focal_y * height - crop_h / 2), 0), height - crop_h)
    return left, top, left + crop_w, top + crop_h


def rendition_widths(crop_width: int) -> list[int]:
    """The standard widths a crop can fill without upscaling; a small crop keeps its own width."""
    return [w for w in WIDTHS if w <= crop_width] or [crop_width]


def rendition_folder(image) -> str:
    return _folder(image.pk)


def _folder(pk) -> str:
    return f"renditions/{pk}/"


def renditions_for(image, ratio: str) -> list[Rendition]:
    """The renditions of ``image`` at ``ratio``, smallest first, worked out without any I/O.

    The names depend on the master and the focal point, so moving the focal point
    yields new files and browsers never keep a stale crop.
    """
    if not (image.pk and image.width and image.height):
        return []
    return list(
        _renditions(
            image.pk,
            image.file.name,
            image.width,
            image.height,
            image.focal_x,
            image.focal_y,
            ratio,
        )
    )


# Every list page and API answer names the renditions of each picture it shows: worked out
# once per process for each master, focal point and ratio.
@functools.lru_cache(maxsize=4096)
def _renditions(pk, name, width, height, focal_x, focal_y, ratio) -> tuple[Rendition, ...]:
    rw, rh = RATIOS[ratio]
    left, _, right, _ = crop_box(width, height, focal_x, focal_y, ratio)
    folder = f"{_folder(pk)}{_key(name, focal_x, focal_y)}/"
    return tuple(
        Rendition(f"{folder}{ratio}-{w}.{fmt}", w, max(round(w * rh / rw), 1), fmt)
        for w in rendition_widths(right - left)
        for fmt in RENDITION_FORMATS
    )


def rendition_key(image) -> str:
    """What the renditions of ``image`` are cut from: its master and focal point."""
    return _key(image.file.name, image.focal_x, image.focal_y)


def _key(name, focal_x, focal_y) -> str:
    return hashlib.sha256(
        f"{name}|{focal_x:.4f}|{focal_y:.4f}|{RENDITION_VERSION}".encode()
    ).hexdigest()[:12]


def all_renditions(image) -> list[Rendition]:
    return [r for ratio in RATIOS for r in renditions_for(image, ratio)]


def generate_renditions(image, force: bool = False) -> int:
    """Write the renditions of ``image`` that are missing (all of them with ``force``).

    Returns how many files were written. Renditions cut for an older master or
    focal point are deleted once the new ones exist. If the storage refuses a write
    (a full disk), the renditions written so far are removed before the error goes on.
    """
    storage = image.file.storage
    todo = {
        ratio: [r for r in renditions_for(image, ratio) if force or not storage.exists(r.name)]
        for ratio in RATIOS
    }
    count = sum(len(renditions) for renditions in todo.values())
    written = []
    if count:
        try:
            _cut_renditions(storage, image, todo, written)
        except OSError:
            for name in written:
                storage.delete(name)
            raise
    _delete_stale_renditions(storage, image, {r.name for r in all_renditions(image)})
    return count


def _cut_renditions(storage, image, todo, written: list[str]) -> None:
    """Cut the renditions in ``todo`` (ratio -> renditions) from the master; note each file."""
    with storage.open(image.file.name, "rb") as master, PillowImage.open(master) as picture:
        _check_pixels(*picture.size)
        # A JPEG decodes at 1/2, 1/4 or 1/8 scale for a fraction of the time and memory:
        # ask for no more pixels than the largest rendition needs.
        scale = max(
            r.width / _crop_width(picture.size, image, ratio)
            for ratio, renditions in todo.items()
            for r in renditions
        )
        picture.draft(
            picture.mode, (math.ceil(picture.width * scale), math.ceil(picture.height * scale))
        )
        picture.load()
        for ratio, renditions in todo.items():
            if renditions:
                crop = picture.crop(crop_box(*picture.size, image.focal_x, image.focal_y, ratio))
                largest = max(renditions, key=lambda r: r.width)
                base = crop.resize(
                    (largest.width, largest.height),
                    PillowImage.Resampling.LANCZOS,
                    reducing_gap=3.0,
                )
                for rendition in renditions:
                    _write_rendition(storage, base, rendition, written)


def _crop_width(size, image, ratio) -> int:
    left, _, right, _ = crop_box(*size, image.focal_x, image.focal_y, ratio)
    return right - left


def _write_rendition(storage, base, rendition: Rendition, written: list[str]) -> None:
    resized = base.resize((rendition.width, rendition.height), PillowImage.Resampling.LANCZOS)
    buffer = io.BytesIO()
    if rendition.format == "jpeg":
        if resized.mode in ("RGBA", "LA"):
            background = PillowImage.new("RGB", resized.size, "white")
            background.paste(resized, mask=resized.getchannel("A"))
            resized = background
        resized.convert("RGB").save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    else:
        resized.save(buffer, "WEBP", quality=80, method=4)
    if storage.exists(rendition.name):
        storage.delete(rendition.name)
    written.append(storage.save(rendition.name, ContentFile(buffer.getvalue())))


def _delete_stale_renditions(storage, image, keep: set[str]) -> None:
    _delete_renditions(storage, rendition_folder(image), keep)


def _delete_renditions(storage, root: str, keep: set[str]) -> None:
    try:
        folders, _ = storage.listdir(root)
    except FileNotFoundError:
        return
    for folder in folders:
        _, files = storage.listdir(f"{root}{folder}")
        for name in files:
            path = f"{root}{folder}/{name}"
            if path not in keep:
                storage.delete(path)


def files_deleter(image):
    """A callable that removes the master and every rendition of ``image`` from storage.

    Made while the image still has its id, to be called once its deletion is committed.
    """
    storage, master, folder = image.file.storage, image.file.name, rendition_folder(image)

    def delete_files():
        _delete_renditions(storage, folder, keep=set())
        if master and storage.exists(master):
            storage.delete(master)

    return delete_files
