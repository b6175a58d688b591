"""A media disk that refuses files: the save keeps nothing, the editor keeps their typing; a
rendition refused fails its task, and the picture is shown by its master until it is cut.

The fault is real, not imitated: the test lowers the largest file this process may write
(``RLIMIT_FSIZE``), so the kernel answers a longer write with EFBIG, as a full disk answers
with ENOSPC. (The tests run as root, for whom a read-only folder is still writable.)
"""

import io
import random
import resource
import signal
from contextlib import contextmanager
from pathlib import Path

from django.core.files.storage import FileSystemStorage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from PIL import Image as PillowImage

from stories import images
from stories.models import Image, Source
from stories.storage import CleanFileSystemStorage
from stories.tasks import cut_renditions
from tests.helpers.accounts import make_user
from tests.helpers.pictures import TemporaryMedia, make_image, upload


@contextmanager
def largest_file_written(size):
    """Files this process writes may be at most ``size`` bytes long, until the block ends."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    # Without this the kernel kills the process instead of refusing the write.
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)


def blocky_png():
    """A picture whose PNG master is small (about 15 KB) and whose JPEG renditions are not."""
    rng = random.Random(12)
    small = PillowImage.new("L", (100, 75))
    small.putdata([rng.choice([0, 255]) for _ in range(100 * 75)])
    buffer = io.BytesIO()
    small.resize((1600, 1200), PillowImage.Resampling.NEAREST).convert("RGB").save(buffer, "PNG")
    return buffer.getvalue()


def files_under(folder):
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*") if p.is_file())


class PictureStorageFailureTests(TemporaryMedia, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")

    def setUp(self):
        self.client.force_login(self.editor)
        self.before = set(files_under(storages["default"].location))

    def post_picture(self, limit, data):
        with largest_file_written(limit):
            return self.client.post(
                reverse("admin:stories_image_add"),
                {
                    "file": upload(data, "blocks.png", "image/png"),
                    "alt_text": "Typed alt text about the council chamber",
                    "caption": "A caption that took ten minutes to get right",
                    "credit": "Staff",
                    "focal_x": 0.5,
                    "focal_y": 0.5,
                },
            )

    def assert_refused_with_text_kept(self, response):
        assert response.status_code == 200
        assert "The picture could not be stored: the file is larger than the server" in (
            response.text
        )
        assert "Nothing was saved; your text is kept below" in response.text
        assert "Typed alt text about the council chamber" in response.text
        assert "A caption that took ten minutes to get right" in response.text
        assert not Image.objects.exists()
        assert set(files_under(storages["default"].location)) == self.before

    def test_a_master_the_disk_refuses_leaves_no_file_no_row_and_the_form_as_typed(self):
        data = blocky_png()
        master = images.prepare_upload(upload(data, "blocks.png", "image/png"))
        assert master.size > 4_000

        self.assert_refused_with_text_kept(self.post_picture(4_000, data))

    def test_a_rendition_the_disk_refuses_fails_its_task_and_leaves_the_master_alone(self):
        data = blocky_png()
        master = images.prepare_upload(upload(data, "blocks.png", "image/png"))
        assert master.size < 30_000  # the master is stored; the largest JPEGs are not

        with self.assertLogs("django.tasks", "ERROR") as failed:
            response = self.post_picture(30_000, data)

        assert response.status_code == 302  # the picture is saved: renditions come later
        assert "cut_renditions state=FAILED" in failed.output[-1]
        image = Image.objects.get()
        assert not image.renditions_ready
        stored = set(files_under(storages["default"].location)) - self.before
        assert stored == {image.file.name}  # the renditions written before the refusal are gone

        cut_renditions.enqueue(image.pk)  # the task run again, once the disk takes the files

        image.refresh_from_db()
        assert image.renditions_ready
        stored = set(files_under(storages["default"].location)) - self.before
        assert stored == {image.file.name, *(r.name for r in images.all_renditions(image))}

    def test_the_same_upload_is_stored_once_the_disk_takes_it(self):
        before = set(files_under(storages["default"].location))

        response = self.post_picture(10**9, blocky_png())

        assert response.status_code == 302
        image = Image.objects.get()
        stored = set(files_under(storages["default"].location)) - before
        assert stored == {image.file.name, *(r.name for r in images.all_renditions(image))}

    def test_moving_the_focal_point_when_the_disk_is_full_keeps_the_old_renditions(self):
        image = make_image(blocky_png(), "blocks.png")
        before = files_under(storages["default"].location)
        url = reverse("admin:stories_image_change", args=[image.pk])
        data = {
            "alt_text": "Changed alt text, kept",
            "caption": image.caption,
            "credit": image.credit,
            "focal_x": 0.1,
            "focal_y": 0.9,
            "base_version": image.version,
        }

        with largest_file_written(30_000), self.assertLogs("django.tasks", "ERROR"):
            response = self.client.post(url, data)

        assert response.status_code == 302
        image.refresh_from_db()
        assert (image.focal_x, image.alt_text) == (0.1, "Changed alt text, kept")
        assert not image.renditions_ready  # pages show the master until the new crops exist
        assert files_under(storages["default"].location) == before


class DocumentStorageFailureTests(TestCase):
    def test_a_document_the_disk_refuses_leaves_no_file_no_source_and_the_form_as_typed(self):
        self.client.force_login(make_user("editor"))
        private = storages["private"].location
        before = files_under(private)

        with largest_file_written(1_000):
            response = self.client.post(
                reverse("admin:stories_source_add"),
                {
                    "kind": Source.Kind.DOCUMENT,
                    "name": "Leaked budget memo",
                    "document": SimpleUploadedFile("memo.pdf", b"%PDF-1.4 " + b"x" * 5_000),
                    "private_notes": "Handed over in the car park; never name the driver.",
                },
            )

        assert response.status_code == 200
        assert "The file could not be stored: the file is larger than the server" in (
            response.text
        )
        assert "Handed over in the car park; never name the driver." in response.text
        assert not Source.objects.exists()
        assert files_under(private) == before


def test_media_addresses_are_what_djangos_file_storage_gives():
    """The storage writes a plain name straight after its base URL; every name still gets the
    address Django's FileSystemStorage would give it."""
    names = [
        "images/2026/11/hearing.jpg",
        "renditions/12/0a1b2c3d4e5f/4x3-640.webp",
        "a name with spaces.jpg",
        "café.jpg",
        "../outside.jpg",
        "images/../other.jpg",
        "./here.jpg",
        "/rooted.jpg",
        "images/.hidden",
        "dots..in..name.jpg",
    ]
    for base in ["/media/", "https://cdn.example.org/media/"]:
        ours, django = CleanFileSystemStorage(base_url=base), FileSystemStorage(base_url=base)
        for name in names:
            assert ours.url(name) == django.url(name), (base, name)
