import io
import re
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image as PillowImage
from PIL import ImageCms, PngImagePlugin

from stories import workflow
from stories.forms import ImageForm
from stories.models import Image, Story
from tests.helpers.banner import BannerAlreadyRead
from tests.helpers.demo import load_demo, run_demo_loader
from tests.helpers.factories import make_person, make_public_story, make_story
from tests.helpers.pictures import TemporaryMedia, make_image, picture_bytes, png_header, upload
from tests.helpers.reader_templates import render_reader

GPS = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 0.0)}
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
    b'exif:GPSLatitude="52,31.2N" tiff:Model="SecretCam 5"/></rdf:RDF></x:xmpmeta>'
)
SECRETS = [b"SecretCam", b"xmpmeta", b"GPSLatitude", b"taken at the safe house", b"Exif\x00\x00"]


def exif_bytes(orientation=1):
    exif = PillowImage.Exif()
    exif[0x010F] = "SecretCam"  # camera make
    exif[0x0110] = "SecretCam 5"  # camera model
    exif[0x0112] = orientation
    exif[0x8825] = GPS
    return exif.tobytes()


def srgb_profile():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def submit(data, name="picture.jpg", **fields):
    fields.setdefault("alt_text", "A square")
    fields.setdefault("focal_x", 0.5)
    fields.setdefault("focal_y", 0.5)
    return ImageForm(data=fields, files={"file": upload(data, name)})


def file_error(form):
    assert not form.is_valid()
    return " ".join(form.errors["file"])


def assert_no_metadata(path):
    with open(path, "rb") as stored:
        data = stored.read()
    for secret in SECRETS:
        assert secret not in data, secret
    with PillowImage.open(io.BytesIO(data)) as picture:
        assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"} & set(
            picture.info
        ), picture.info.keys()
        assert not dict(picture.getexif())
        assert not getattr(picture, "text", {})


class UploadValidationTests(TemporaryMedia, TestCase):
    def test_jpeg_png_webp_and_gif_are_accepted(self):
        for image_format, name in [
            ("JPEG", "a.jpg"),
            ("PNG", "a.png"),
            ("WEBP", "a.webp"),
            ("GIF", "a.gif"),
        ]:
            with self.subTest(image_format):
                form = submit(picture_bytes(image_format), name)
                assert form.is_valid(), form.errors
                image = form.save()
                assert (image.width, image.height) == (64, 48)

    def test_svg_is_refused_because_it_can_carry_scripts(self):
        svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        assert "This is an SVG file" in file_error(submit(svg, "logo.svg"))

    def test_html_is_refused_as_not_a_picture(self):
        html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
        assert "This is an HTML or text document, not a picture" in file_error(
            submit(html, "photo.jpg")
        )

    def test_a_picture_with_a_script_appended_is_refused(self):
        script = b"<script>fetch('/admin/').then(r => r.text())</script>"
        for image_format in ["JPEG", "PNG", "GIF", "WEBP"]:
            with self.subTest(image_format):
                error = file_error(submit(picture_bytes(image_format) + script))
                assert f"{len(script):,} bytes of extra data after the end of the picture" in error

    def test_a_picture_with_html_hidden_in_its_header_is_refused(self):
        polyglot = picture_bytes("JPEG", comment=b"<html><script>alert(1)</script></html>")
        assert "HTML or script hidden inside it" in file_error(submit(polyglot))

    def test_truncated_and_corrupt_files_are_refused(self):
        jpeg = picture_bytes("JPEG", size=(400, 300), quality=95)
        png = picture_bytes("PNG", size=(400, 300))
        corrupt = png[:60] + bytes(200) + png[260:]
        for label, data in [("truncated", jpeg[: len(jpeg) // 2]), ("corrupt", corrupt)]:
            with self.subTest(label):
                assert "The picture is truncated or damaged" in file_error(submit(data))

    def test_a_file_over_20_mb_is_refused_before_it_is_read(self):
        huge = picture_bytes("JPEG")[:-2] + bytes(21_000_000)
        assert "The file is 21.0 MB; the limit is 20 MB" in file_error(submit(huge))

    def test_a_bomb_is_refused_from_its_header_without_decoding(self):
        # The files hold 100 bytes of pixel data: decoding them would fail as "damaged",
        # so the pixel-limit message proves nothing was decoded.
        error = file_error(submit(png_header(8000, 6000), "bomb.png"))
        assert "8,000 × 6,000 pixels (48.0 megapixels); the limit is 40 megapixels" in error
        error = file_error(submit(png_header(100_000, 100_000), "bomb.png"))
        assert "far more pixels than the limit of 40 megapixels" in error

    def test_the_same_thin_file_under_the_pixel_limit_is_decoded_and_found_damaged(self):
        error = file_error(submit(png_header(4000, 3000), "thin.png"))
        assert "truncated or damaged" in error

    def test_avif_and_other_formats_are_refused_with_their_name(self):
        avif = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + bytes(64)
        assert "This is an AVIF picture, which is not accepted yet" in file_error(
            submit(avif, "a.avif")
        )
        bmp = picture_bytes("BMP")
        assert "not a picture in a format we accept" in file_error(submit(bmp, "a.bmp"))

    def test_every_route_into_the_library_applies_the_same_checks(self):
        with self.assertRaisesMessage(ValidationError, "This is an SVG file"):
            make_image(b"<svg xmlns='http://www.w3.org/2000/svg'/>", name="x.svg")
        assert not Image.objects.exists()


class MetadataTests(TemporaryMedia, TestCase):
    def stored_and_rendition_paths(self, image):
        root = image.file.storage.path
        return [root(image.file.name)] + [
            root(r.name) for ratio in ("16x9", "4x3", "1x1") for r in image.renditions(ratio)
        ]

    def test_jpeg_exif_gps_xmp_icc_and_comment_are_gone_from_every_stored_file(self):
        data = picture_bytes(
            "JPEG",
            size=(1700, 1000),
            exif=exif_bytes(),
            xmp=XMP,
            comment=b"taken at the safe house",
            icc_profile=srgb_profile(),
        )
        assert all(secret in data for secret in SECRETS)
        image = make_image(data)
        paths = self.stored_and_rendition_paths(image)
        assert len(paths) > 10
        for path in paths:
            with self.subTest(path):
                assert_no_metadata(path)

    def test_png_webp_and_gif_metadata_is_gone_too(self):
        text = PngImagePlugin.PngInfo()
        text.add_text("Author", "SecretCam")
        text.add_itxt("XML:com.adobe.xmp", XMP.decode())
        sources = {
            "PNG": picture_bytes("PNG", pnginfo=text, exif=exif_bytes()),
            "WEBP": picture_bytes("WEBP", exif=exif_bytes(), xmp=XMP),
            "GIF": picture_bytes("GIF", comment=b"taken at the safe house"),
        }
        for image_format, data in sources.items():
            with self.subTest(image_format):
                image = make_image(data, name=f"a.{image_format.lower()}")
                for path in self.stored_and_rendition_paths(image):
                    assert_no_metadata(path)

    def test_exif_orientation_is_applied_before_the_metadata_goes(self):
        # Stored sideways by the camera: a red top half and a blue bottom half once turned
        # 90° clockwise (orientation 6) become a blue left half and a red right half.
        sideways = PillowImage.new("RGB", (60, 40), "red")
        sideways.paste((0, 0, 255), (0, 20, 60, 40))
        buffer = io.BytesIO()
        sideways.save(buffer, "PNG", exif=exif_bytes(orientation=6))
        image = make_image(buffer.getvalue(), name="sideways.png")
        assert (image.width, image.height) == (40, 60)
        with image.file.open("rb"), PillowImage.open(image.file) as stored:
            assert stored.size == (40, 60)
            assert stored.getpixel((5, 30)) == (0, 0, 255)
            assert stored.getpixel((35, 30)) == (255, 0, 0)

    def test_the_uploaded_file_name_is_not_kept(self):
        image = make_image(name="informant-jane-doe-at-home.jpg")
        assert "jane" not in image.file.name
        assert re.fullmatch(r"images/\d{4}/\d{2}/[0-9a-f]{16}\.jpg", image.file.name)

    def test_files_served_on_the_story_page_carry_no_metadata(self):
        image = make_image(
            picture_bytes("JPEG", size=(1000, 700), exif=exif_bytes(), xmp=XMP),
            alt_text="The scene",
        )
        story = make_public_story(hero_image=image)
        page = self.client.get(story.get_absolute_url()).text
        urls = set(re.findall(r"(/media/\S+?)(?:\s\d+w|\")", page))
        assert len(urls) >= 4
        for url in urls:
            assert_no_metadata(image.file.storage.path(url.removeprefix("/media/")))


class RenditionTests(TemporaryMedia, TestCase):
    def sizes(self, image, ratio, fmt):
        storage, found = image.file.storage, []
        for rendition in image.renditions(ratio):
            if rendition.format == fmt:
                with PillowImage.open(storage.path(rendition.name)) as picture:
                    found.append((picture.format, picture.size))
        return found

    def test_renditions_come_in_standard_widths_webp_and_jpeg_never_upscaled(self):
        image = make_image(picture_bytes("PNG", size=(2000, 1000)))
        widescreen = [(400, 225), (800, 450), (1200, 675), (1600, 900)]
        assert self.sizes(image, "16x9", "webp") == [("WEBP", size) for size in widescreen]
        assert self.sizes(image, "16x9", "jpeg") == [("JPEG", size) for size in widescreen]
        assert self.sizes(image, "4x3", "jpeg") == [
            ("JPEG", (400, 300)),
            ("JPEG", (800, 600)),
            ("JPEG", (1200, 900)),
        ]
        assert self.sizes(image, "1x1", "webp") == [("WEBP", (400, 400)), ("WEBP", (800, 800))]

    def test_a_small_picture_gets_one_rendition_at_its_own_size(self):
        image = make_image(picture_bytes("PNG", size=(300, 200)))
        assert self.sizes(image, "4x3", "webp") == [("WEBP", (267, 200))]
        assert self.sizes(image, "1x1", "jpeg") == [("JPEG", (200, 200))]

    def test_crops_keep_the_focal_point_in_view(self):
        halves = PillowImage.new("RGB", (1600, 800), (255, 0, 0))
        halves.paste((0, 0, 255), (800, 0, 1600, 800))
        buffer = io.BytesIO()
        halves.save(buffer, "PNG")
        image = make_image(buffer.getvalue(), name="halves.png", focal_x=0.1, focal_y=0.5)

        def centre_colour():
            square = image.renditions("1x1")[0]
            with PillowImage.open(image.file.storage.path(square.name)) as picture:
                return picture.convert("RGB").getpixel((200, 200))

        red, _, blue = centre_colour()
        assert red > 200 and blue < 50
        image.focal_x = 0.9
        image.save()
        image.refresh_from_db()
        red, _, blue = centre_colour()
        assert blue > 200 and red < 50

    def test_renditions_are_made_once_and_reused(self):
        image = make_image(picture_bytes("PNG", size=(900, 600)))
        assert image.make_renditions() == 0
        image.caption = "A new caption"
        image.save()
        assert image.make_renditions() == 0
        assert image.make_renditions(force=True) == 10

    def test_moving_the_focal_point_replaces_the_old_crops(self):
        image = make_image(picture_bytes("PNG", size=(900, 600)))
        old = [r.name for r in image.renditions("1x1")]
        image.focal_x = 0.2
        image.save()
        new = [r.name for r in image.renditions("1x1")]
        storage = image.file.storage
        assert not set(old) & set(new)
        assert all(storage.exists(name) for name in new)
        assert not any(storage.exists(name) for name in old)

    def test_deleting_an_image_deletes_its_files(self):
        image = make_image()
        names = [image.file.name] + [r.name for r in image.renditions("16x9")]
        storage = image.file.storage
        with self.captureOnCommitCallbacks(execute=True):
            image.delete()
        assert not any(storage.exists(name) for name in names)


class RegenerateCommandTests(TemporaryMedia, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.images = [make_image(picture_bytes("PNG", size=(900, 600))) for _ in range(3)]

    def run_command(self, *args):
        out, err = StringIO(), StringIO()
        call_command("regenerate_renditions", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def test_writes_only_missing_renditions_with_a_progress_bar(self):
        first = self.images[0]
        for rendition in first.renditions("1x1"):
            first.file.storage.delete(rendition.name)
        out, err = self.run_command()
        assert "Wrote 2 renditions for 3 images." in out
        assert "3/3" in err and "100%" in err

    def test_force_writes_everything_again(self):
        out, _ = self.run_command("--force", "--no-progress")
        assert "Wrote 30 renditions for 3 images." in out

    def test_names_a_missing_file_and_an_unknown_id(self):
        lost = make_image()
        lost.file.storage.delete(lost.file.name)
        _, err = self.run_command("--no-progress")
        assert f"Skipped image {lost.pk}: its file" in err
        with self.assertRaisesMessage(CommandError, "No image with id 999999"):
            self.run_command("999999")


class PicturesOnPagesTests(BannerAlreadyRead, TemporaryMedia, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.image = make_image(
            picture_bytes("JPEG", size=(2000, 1200)),
            alt_text="Protesters outside the agency",
            caption="Outside the agency on Tuesday.",
            credit="Photo: Staff",
        )
        cls.story = make_public_story(hero_image=cls.image)

    def test_story_page_shows_the_hero_as_a_responsive_picture(self):
        page = self.client.get(self.story.get_absolute_url()).text
        assert "<picture>" in page
        webp = re.search(r'<source type="image/webp" srcset="([^"]+)" sizes="([^"]+)"', page)
        assert webp, page
        assert re.findall(r" (\d+)w", webp.group(1)) == ["400", "800", "1200", "1600"]
        img = re.search(r"<img [^>]+>", page[page.index("<picture>") :]).group(0)
        assert 'srcset="' in img and "1600w" in img and 'sizes="' in img
        assert 'width="800" height="450"' in img
        assert 'alt="Protesters outside the agency"' in img
        assert 'loading="eager"' in img and 'fetchpriority="high"' in img
        assert "Outside the agency on Tuesday." in page and "Photo: Staff" in page

    @override_settings(PAGE_CACHE_ENABLED=False)  # what the page costs, not the cache
    def test_a_hero_costs_the_story_page_no_extra_query(self):
        plain = make_public_story(section=self.story.section)

        def count(story):
            with CaptureQueriesContext(connection) as queries:
                assert self.client.get(story.get_absolute_url()).status_code == 200
            return len(queries)

        assert count(self.story) == count(plain)

    @override_settings(PAGE_CACHE_ENABLED=False)
    def test_fronts_tag_and_person_lists_show_lazy_thumbnails_at_no_extra_query(self):
        person = make_person(slug="thumbnail-person")
        self.story.tags.add("Thumbnails")
        self.story.people.add(person)
        plain = make_public_story(section=self.story.section, headline="Plain story")
        plain.tags.add("Thumbnails")
        plain.people.add(person)
        lead = make_public_story(section=self.story.section)  # the newest: the fronts' lead
        pages = ["/", self.story.section.get_absolute_url(), "/tag/thumbnails/"]
        pages.append(person.get_absolute_url())

        def count(url):
            with CaptureQueriesContext(connection) as queries:
                page = self.client.get(url).text
            return len(queries), page

        for url in pages:
            with self.subTest(url=url):
                with_pictures, page = count(url)
                card = page[page.index('class="story-card with-thumbnail"') :]
                img = re.search(r"<img [^>]+>", card).group(0)
                assert 'loading="lazy"' in img and "fetchpriority" not in img
                assert 'alt="Protesters outside the agency"' in img
                Story.objects.filter(pk=self.story.pk).update(hero_image=None)
                assert count(url)[0] == with_pictures
                Story.objects.filter(pk=self.story.pk).update(hero_image=self.image)
        assert lead.hero_image is None

    def test_a_story_without_a_hero_has_no_picture(self):
        story = make_public_story()
        assert "<picture>" not in self.client.get(story.get_absolute_url()).text

    def test_pictures_below_the_fold_load_lazily(self):
        html = render_reader(
            '{% from "stories/_picture.html" import picture %}'
            '{{ picture(image, "1x1", sizes="10rem") }}',
            image=self.image,
        )
        assert 'loading="lazy"' in html and "fetchpriority" not in html
        assert 'sizes="10rem"' in html and 'width="800" height="800"' in html

    def test_the_hero_include_renders_nothing_for_a_missing_image(self):
        html = render_reader(
            '{% with image=None %}{% include "stories/_hero.html" %}{% endwith %}'
        )
        assert html.strip() == ""


class AltTextBeforePublishingTests(TemporaryMedia, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.undescribed = make_image(alt_text="")
        cls.superuser = get_user_model().objects.create_superuser("chief", "c@example.org", "pw")

    def test_publishing_a_story_whose_hero_has_no_alt_text_is_refused(self):
        story = make_story(hero_image=self.undescribed)
        with self.assertRaises(ValidationError) as refused:
            workflow.publish(story, by=self.superuser)
        assert "Add alt text to this image" in str(refused.exception.message_dict["hero_image"])
        story.refresh_from_db()
        assert story.status == Story.Status.DRAFT

    def test_a_story_publishes_once_the_alt_text_is_written(self):
        image = make_image(alt_text="A described picture")
        story = make_story(hero_image=image)
        workflow.publish(story, by=self.superuser)
        assert story.is_public

    def test_model_validation_refuses_a_published_story_with_an_undescribed_hero(self):
        story = make_public_story(hero_image=self.undescribed)
        with self.assertRaises(ValidationError) as refused:
            story.full_clean()
        assert "hero_image" in refused.exception.message_dict
        story.status = Story.Status.DRAFT
        story.full_clean()

    def test_the_publish_button_refuses_an_undescribed_hero_and_says_why(self):
        story = make_story(hero_image=self.undescribed)
        self.client.force_login(self.superuser)
        url = reverse("admin:stories_story_transition", args=[story.pk, "publish"])
        response = self.client.post(url, follow=True)
        assert response.status_code == 200
        assert "Add alt text to this image" in response.text
        story.refresh_from_db()
        assert story.status == Story.Status.DRAFT

    def test_editing_a_published_story_to_an_undescribed_hero_keeps_the_editors_text(self):
        story = make_public_story(hero_image=make_image(alt_text="Described"))
        self.client.force_login(self.superuser)
        url = reverse("admin:stories_story_change", args=[story.pk])
        form = self.client.get(url).context["adminform"].form
        data = {
            name: form.initial.get(name) or ""
            for name in form.fields
            if name not in ("people", "related_stories", "tags")
        }
        data.update(
            {
                "headline": "An editor's carefully written headline",
                "hero_image": self.undescribed.pk,
                "section": story.section_id,
            }
        )
        data = {k: v.pk if hasattr(v, "pk") else v for k, v in data.items()}
        for prefix in ("bylines", "citations", "corrections"):
            data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
        response = self.client.post(url, data)
        assert response.status_code == 200
        assert "Add alt text to this image" in response.text
        assert "An editor&#x27;s carefully written headline" in response.text
        story.refresh_from_db()
        assert story.hero_image.alt_text == "Described"

    def test_alt_text_cannot_be_removed_from_the_hero_of_a_published_story(self):
        image = make_image(alt_text="Described")
        make_public_story(hero_image=image)
        image.alt_text = ""
        with self.assertRaises(ValidationError) as refused:
            image.full_clean()
        assert "needs alt text" in str(refused.exception.message_dict["alt_text"])


class ImageAdminTests(TemporaryMedia, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = get_user_model().objects.create_superuser("chief", "c@example.org", "pw")
        cls.complete = make_image(alt_text="A described picture", credit="Staff")
        cls.bare = make_image(alt_text="", credit="")

    def setUp(self):
        self.client.force_login(self.superuser)

    def test_changelist_shows_thumbnails_and_what_is_missing(self):
        page = self.client.get(reverse("admin:stories_image_changelist")).text
        thumb = self.complete.file.storage.url(self.complete.renditions("1x1")[0].name)
        assert thumb.replace(".webp", ".jpeg") in page
        assert "alt text, credit" in page

    def test_changelist_filters_images_missing_alt_text(self):
        page = self.client.get(reverse("admin:stories_image_changelist"), {"missing": "alt_text"})
        assert page.context["cl"].result_count == 1

    def test_changelist_queries_do_not_grow_with_the_library(self):
        url = reverse("admin:stories_image_changelist")

        def count():
            with CaptureQueriesContext(connection) as queries:
                self.client.get(url)
            return len(queries)

        few = count()
        for _ in range(5):
            make_image()
        assert count() == few

    def test_change_page_has_a_clickable_focal_point_and_numeric_fields(self):
        page = self.client.get(reverse("admin:stories_image_change", args=[self.bare.pk])).text
        assert "data-focal-picker" in page
        assert "stories/focal-point.js" in page
        assert re.search(r'<input type="number" name="focal_x"[^>]*step="0.01"', page)
        assert "Alt text is missing" in page and "The credit is missing" in page

    def test_uploading_through_the_admin_stores_a_clean_picture_and_warns_of_missing_credit(self):
        data = picture_bytes("JPEG", size=(800, 600), exif=exif_bytes())
        response = self.client.post(
            reverse("admin:stories_image_add"),
            {"file": upload(data), "alt_text": "A field", "focal_x": 0.5, "focal_y": 0.5},
            follow=True,
        )
        assert response.status_code == 200
        image = Image.objects.get(alt_text="A field")
        assert_no_metadata(image.file.storage.path(image.file.name))
        assert "has no credit yet" in response.text

    def test_a_refused_upload_shows_the_reason_and_keeps_the_typed_text(self):
        response = self.client.post(
            reverse("admin:stories_image_add"),
            {
                "file": upload(png_header(9000, 9000), "bomb.png"),
                "alt_text": "Careful description",
                "caption": "A caption that took a while",
                "focal_x": 0.5,
                "focal_y": 0.5,
            },
        )
        assert response.status_code == 200
        assert "81.0 megapixels); the limit is 40 megapixels" in response.text
        assert "A caption that took a while" in response.text

    def test_people_list_shows_photo_thumbnails(self):
        make_person(name="Pictured Person", photo=self.complete)
        page = self.client.get(reverse("admin:stories_person_changelist")).text
        assert 'class="image-thumbnail"' in page


class DemoPictureTests(TemporaryMedia, TestCase):
    def test_the_main_demo_story_has_a_drawn_hero_with_renditions(self):
        load_demo()
        story = Story.objects.select_related("hero_image").get(
            slug="irs-commissioner-melanie-krause-resigns"
        )
        image = story.hero_image
        assert image.alt_text and image.credit.startswith("Illustration:")
        # Large enough for a 1200-pixel rendition in every shape, the square one included.
        assert (image.width, image.height) == (2400, 1350)
        for ratio in ["16x9", "4x3", "1x1"]:
            assert image.renditions(ratio)[-1].width >= 1200
            assert all(image.file.storage.exists(r.name) for r in image.renditions(ratio))
        assert "<picture>" in self.client.get(story.get_absolute_url()).text

    def test_loading_the_demo_again_adds_no_second_picture(self):
        load_demo()
        pictures = set(Image.objects.values_list("pk", "file"))
        run_demo_loader()
        assert len(pictures) == 2  # the main story's hero and the explainer's diagram
        assert set(Image.objects.values_list("pk", "file")) == pictures
