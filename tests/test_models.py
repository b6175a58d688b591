import tempfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import TestCase, override_settings

from stories import workflow
from stories.models import Citation, Correction, Person, Story
from tests.helpers.accounts import make_user
from tests.helpers.factories import (
    add_byline,
    cite,
    make_person,
    make_public_story,
    make_source,
    make_story,
)


class ConstraintTests(TestCase):
    def test_story_slugs_are_unique(self):
        make_story(slug="same")
        with self.assertRaises(IntegrityError):
            make_story(slug="same")

    def test_published_story_is_stamped_with_a_publish_time(self):
        story = workflow.publish(make_story(), by=make_user("editor"))
        assert story.published_at is not None

    def test_database_refuses_published_story_without_time(self):
        story = make_story()
        with self.assertRaises(IntegrityError):
            Story.objects.filter(pk=story.pk).update(status=Story.Status.PUBLISHED)

    def test_two_bylines_cannot_share_a_position(self):
        story = make_story()
        add_byline(story, position=1)
        with self.assertRaises(IntegrityError):
            add_byline(story, position=1)

    def test_bylines_come_in_position_order(self):
        story = make_story()
        second = add_byline(story, make_person(name="Second"), position=2)
        first = add_byline(story, make_person(name="First"), position=1)
        assert list(story.bylines.all()) == [first, second]

    def test_a_source_is_cited_once_per_story(self):
        story, source = make_story(), make_source()
        cite(story, source)
        with self.assertRaises(IntegrityError):
            cite(story, source)

    def test_anonymous_citation_needs_a_public_description(self):
        story = make_story()
        citation = Citation(story=story, source=make_source(), is_anonymous=True)
        with self.assertRaises(ValidationError) as caught:
            citation.full_clean()
        assert "public_description" in caught.exception.message_dict
        with transaction.atomic(), self.assertRaises(IntegrityError):
            citation.save()

    def test_anonymous_citation_shows_only_its_description(self):
        source = make_source(name="Real Name", url="https://example.org/who")
        citation = cite(
            make_story(), source, is_anonymous=True, public_description="a senior official"
        )
        assert citation.public_name == "a senior official"
        assert citation.public_url == ""

    def test_verbose_names_read_well(self):
        assert str(Story._meta.verbose_name_plural) == "stories"
        assert str(Person._meta.verbose_name_plural) == "people"


class CorrectionTests(TestCase):
    def test_correction_sets_the_last_significant_update(self):
        story = make_public_story()
        correction = Correction.objects.create(story=story, text="We misspelled a name.")
        story.refresh_from_db()
        assert story.last_significant_update == correction.published_at
        assert story.updated_for_readers == correction.published_at

    def test_readers_are_told_of_an_update_only_after_publication(self):
        import datetime

        published = datetime.datetime(2026, 11, 24, 15, tzinfo=datetime.UTC)
        hour = datetime.timedelta(hours=1)
        for update, shown in [
            (published + hour, published + hour),
            (published - hour, None),
            (published, None),
            (None, None),
        ]:
            story = Story(published_at=published, last_significant_update=update)
            with self.subTest(update=update):
                assert story.updated_for_readers == shown
                assert Story.update_shown(update, published) == shown
        assert Story.update_shown(published, None) is None  # never published


class UrlTests(TestCase):
    def test_story_url_is_date_based_in_the_newsroom_time_zone(self):
        import datetime
        import zoneinfo

        # 02:00 UTC on 25 November is still 24 November in New York.
        when = datetime.datetime(2026, 11, 25, 2, 0, tzinfo=zoneinfo.ZoneInfo("UTC"))
        story = make_public_story(slug="late-night", published_at=when)
        assert story.get_absolute_url() == "/2026/11/24/late-night/"


class SourceDocumentTests(TestCase):
    def test_documents_are_stored_under_a_random_name(self):

        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            upload = SimpleUploadedFile("memo-from-jane-doe.PDF", b"%PDF-1.4 demo")
            source = make_source(kind="document", document=upload)
            assert "jane" not in source.document.name
            assert source.document.name.startswith("documents/")
            assert source.document.name.endswith(".pdf")
            other = make_source(kind="document", document=SimpleUploadedFile("a.pdf", b"x"))
            assert other.document.name != source.document.name
