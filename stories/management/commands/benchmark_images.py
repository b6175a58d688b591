import contextlib
import io
import resource
import struct
import tempfile
import time
import zlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.test import override_settings
from PIL import Image as PillowImage

from stories import images
from stories.models import Image


class Command(BaseCommand):
    help = (
        "Time how long the largest accepted picture takes to check, clean and cut into "
        "renditions, how much memory that takes, and how fast a decompression bomb is "
        "refused. Works in a temporary folder; nothing is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--megapixels", type=float, default=40, help="Size of the test picture (default 40)."
        )

    def handle(self, *args, megapixels, **options):
        upload = _photo_like_jpeg(megapixels)
        started = time.perf_counter()
        prepared = images.prepare_upload(upload)
        checked = time.perf_counter() - started

        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            image = Image(pk=1, width=prepared.width, height=prepared.height)
            image.file.name = default_storage.save("bench/master.jpg", prepared)
            started = time.perf_counter()
            written = images.generate_renditions(image)
            cut = time.perf_counter() - started

        bomb = ContentFile(_png_claiming(100_000, 100_000), name="bomb.png")
        started = time.perf_counter()
        with contextlib.suppress(ValidationError):
            images.prepare_upload(bomb)
        refused = time.perf_counter() - started

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"{prepared.width} x {prepared.height} JPEG ({upload.size / 1e6:.1f} MB): "
            f"checked and cleaned in {checked:.2f} s; {written} renditions cut in {cut:.2f} s\n"
            f"10-gigapixel PNG bomb refused in {refused * 1000:.2f} ms\n"
            f"peak memory of this process: {peak:.0f} MB"
        )


def _photo_like_jpeg(megapixels):
    width = round((megapixels * 1_000_000 * 3 / 2) ** 0.5)
    height = int(megapixels * 1_000_000 // width)
    # Noise compresses like a detailed photograph, so the JPEG has a realistic size.
    noise = PillowImage.effect_noise((width, height), 12)
    gradient = PillowImage.linear_gradient("L").resize((width, height))
    buffer = io.BytesIO()
    PillowImage.merge("RGB", [noise, gradient, noise]).save(buffer, "JPEG", quality=90)
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def _png_claiming(width, height):
    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    # A header claiming the size, and no pixels at all.
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")
