from django.db import IntegrityError
from django.test import TestCase

from stories.models import Tag
from tests.helpers.factories import make_public_story, make_story


class TagIdentityTests(TestCase):
    def test_case_and_spacing_variants_reuse_one_tag(self):
        story = make_story()
        story.tags.add("IRS")
        other = make_story()
        other.tags.add("irs ", " Irs", "IRS")
        assert Tag.objects.count() == 1
        assert list(other.tags.names()) == ["IRS"]

    def test_inner_spacing_is_collapsed(self):
        story = make_story()
        story.tags.add("data   sharing")
        story.tags.add(" Data Sharing ")
        assert list(Tag.objects.values_list("name", flat=True)) == ["data sharing"]

    def test_blank_names_are_ignored_not_errors(self):
        story = make_story()
        story.tags.add("  ", "Privacy")
        assert list(story.tags.names()) == ["Privacy"]

    def test_database_refuses_a_case_variant_duplicate(self):
        Tag.objects.create(name="Treasury", slug="treasury")
        with self.assertRaises(IntegrityError):
            Tag.objects.create(name="TREASURY", slug="treasury-2")

    def test_a_name_without_letters_or_digits_still_gets_an_address(self):
        story = make_public_story()
        story.tags.add("🔥", "!!!")
        slugs = sorted(Tag.objects.values_list("slug", flat=True))
        assert slugs == ["tag", "tag_1"]
        assert self.client.get(story.get_absolute_url()).status_code == 200
        for tag in Tag.objects.all():
            assert self.client.get(tag.get_absolute_url()).status_code == 200
        assert self.client.get("/sitemap-tags.xml").status_code == 200
