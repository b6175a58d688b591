"""Reader addresses are exactly what reverse() gives, however many are built from one pattern."""

import datetime

from django.test import SimpleTestCase
from django.urls import clear_script_prefix, reverse, set_script_prefix

from stories.addresses import address
from stories.models import Person, Section, Story, Tag
from tests.helpers.reader_templates import render_reader

STORY = "stories:story"


def story_kwargs(day, slug):
    return {"year": f"{day:%Y}", "month": f"{day:%m}", "day": f"{day:%d}", "slug": slug}


class AddressTests(SimpleTestCase):
    def tearDown(self):
        clear_script_prefix()

    def test_story_addresses_match_reverse_for_every_day_and_slug(self):
        start = datetime.date(2024, 1, 1)
        for days, slug in enumerate(["a", "zoning-vote", "2024", "01-01", "s_1", "x" * 200]):
            day = start + datetime.timedelta(days=31 * days + days)
            kwargs = story_kwargs(day, slug)
            with self.subTest(kwargs=kwargs):
                assert address(STORY, **kwargs) == reverse(STORY, kwargs=kwargs)

    def test_a_day_written_like_its_month_still_gets_its_own_address(self):
        for day in [
            datetime.date(2025, 3, 3),
            datetime.date(2025, 3, 4),
            datetime.date(2011, 11, 11),
        ]:
            kwargs = story_kwargs(day, "same-digits")
            with self.subTest(day=day):
                assert address(STORY, **kwargs) == reverse(STORY, kwargs=kwargs)

    def test_a_unicode_tag_slug_is_percent_encoded_as_reverse_does(self):
        assert address("stories:tag", slug="münchen") == "/tag/m%C3%BCnchen/"

    def test_addresses_follow_the_script_prefix(self):
        assert address("stories:person", slug="ana-diaz") == "/people/ana-diaz/"
        set_script_prefix("/news/")
        assert address("stories:person", slug="ana-diaz") == "/news/people/ana-diaz/"
        assert address("stories:person", slug="news") == "/news/people/news/"
        assert address("stories:person", slug="ben-ito") == "/news/people/ben-ito/"

    def test_models_give_the_addresses_their_views_answer_at(self):
        published = datetime.datetime(2025, 6, 5, 15, tzinfo=datetime.UTC)
        story = Story(slug="budget-vote", published_at=published)
        assert story.get_absolute_url() == "/2025/06/05/budget-vote/"
        assert Section(slug="politics").get_absolute_url() == "/section/politics/"
        assert Person(slug="ana-diaz").get_absolute_url() == "/people/ana-diaz/"
        assert Tag(slug="housing").get_absolute_url() == "/tag/housing/"

    def test_lists_read_as_rows_give_the_same_addresses_as_the_models(self):
        published = datetime.datetime(2025, 6, 5, 3, tzinfo=datetime.UTC)  # June 4th in New York
        created = datetime.datetime(2025, 1, 2, 15, tzinfo=datetime.UTC)
        for story in [
            Story(slug="budget-vote", published_at=published, created_at=created),
            Story(slug="draft-vote", created_at=created),
        ]:
            with self.subTest(story=story.slug):
                moment = story.published_at or story.created_at
                assert Story.address_of(story.slug, moment) == story.get_absolute_url()
        assert Story.address_of("budget-vote", published) == "/2025/06/04/budget-vote/"
        assert Person.address_of("ana-diaz") == Person(slug="ana-diaz").get_absolute_url()
        assert Tag.address_of("münchen") == Tag(slug="münchen").get_absolute_url()


class AddressFunctionTests(SimpleTestCase):
    def render(self, source, **context):
        return render_reader(source, slug="politics", **context)

    def test_address_writes_what_url_writes(self):
        assert self.render('{{ address("stories:page", slug="about") }}') == "/about/"
        assert self.render('{{ address("stories:section-rss", slug=slug) }}') == (
            reverse("stories:section-rss", kwargs={"slug": "politics"})
        )
        assert self.render('{% set home = address("stories:home") %}[{{ home }}]') == "[/]"

    def test_address_refuses_numbers_which_have_a_url_form_of_their_own(self):
        with self.assertRaises(TypeError):
            self.render('{{ address("stories:archive-year", year=2025) }}')

    def test_archive_addresses_are_of_the_day_in_the_newsrooms_zone(self):
        late = datetime.datetime(2026, 3, 2, 3, tzinfo=datetime.UTC)  # March 1, 10 p.m. there
        day = {"year": "2026", "month": "03", "day": "01"}
        assert self.render("{{ archive_address(late) }}", late=late) == (
            reverse("stories:archive-day", kwargs=day)
        )
        assert self.render("{{ archive_address(late, 'month') }}", late=late) == "/2026/03/"
        assert self.render("{{ archive_address(first, 'year') }}", first=late.date()) == "/2026/"
