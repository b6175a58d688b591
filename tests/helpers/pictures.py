"""Pictures built in memory for tests, and a media folder of their own for each test class."""

import io
import shutil
import struct
import tempfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image as PillowImage

from stories.models import Image


class TemporaryMedia:
    """Give the test class an empty MEDIA_ROOT, removed afterwards."""

    @classmethod
    def setUpClass(cls):
        cls.media_root = tempfile.mkdtemp(prefix="newsroom-test-media-")
        cls.addClassCleanup(shutil.rmtree, cls.media_root, ignore_errors=True)
        override = override_settings(MEDIA_ROOT=cls.media_root)
        override.enable()
        cls.addClassCleanup(override.disable)
        super().setUpClass()


def picture_bytes(image_format="JPEG", size=(64, 48), colour=(200, 40, 40), mode="RGB", **options):
    picture = PillowImage.new(mode, size, colour)
    buffer = io.BytesIO()
    picture.save(buffer, image_format, **options)
    return buffer.getvalue()


def upload(data, name="picture.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def make_image(data=None, name="picture.jpg", **fields):
    fields.setdefault("alt_text", "A red square")
    fields.setdefault("credit", "Staff")
    image = Image.objects.create(file=upload(data or picture_bytes(), name), **fields)
    # As stored once the renditions task (run at commit, without a worker) has cut them.
    image.refresh_from_db()
    return image


def png_header(width, height):
    """A well-formed PNG that claims ``width`` by ``height`` but holds only 100 bytes of pixels."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 100))
        + chunk(b"IEND", b"")
    )
