"""Every public page runs an exact number of queries.

Each page's own tests show that its queries do not grow with what it lists ("the same for 5
stories as for 50"); this table pins the number itself, so that one more query on any page is
a decision someone makes here, not an accident. Every HTML page also loads the sections of
the site menu, one query, counted in its figure.
"""

from django.db import connection
from django.test import TestCase, override_settings
from django.utils import timezone

from stories.models import PreviewLink
from tests.helpers.factories import make_person, make_section, make_story
from tests.helpers.reader_data import rich_story, stories_in


def by_engine(sqlite, postgresql):
    """Search runs on a different engine on each database, with its own queries."""
    return {"sqlite": sqlite, "postgresql": postgresql}[connection.vendor]


# What each page costs itself, without the page cache in front of it.
@override_settings(PAGE_CACHE_ENABLED=False)
class PublicPageQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section(slug="budget")
        cls.reporter = make_person(slug="reporter", is_staff_member=True)
        cls.listed = stories_in(cls.section, 3, tag="Shared", person=cls.reporter)
        cls.story = rich_story(2, section=cls.section)
        cls.preview = PreviewLink.objects.create(story=make_story(section=cls.section))

    def pages(self):
        day = timezone.localdate(self.listed[0].published_at)
        return [
            # count, the page of stories, their bylines, the latest story of each section
            ("/", 5),
            # story with section and hero, bylines, people, citations, corrections, tags;
            # then the stories relating to it
            (self.story.get_absolute_url(), 8),
            # section; count, page of stories, their bylines
            ("/section/budget/", 5),
            # public tag; count, page of stories, their bylines
            ("/tag/shared/", 5),
            # public person; count, page of stories by or about them, their bylines
            ("/people/reporter/", 5),
            # count, page of stories, their bylines, the months or days holding stories
            (f"/{day:%Y}/", 5),
            (f"/{day:%Y}/{day:%m}/", 5),
            # count, page of stories, their bylines
            (f"/{day:%Y}/{day:%m}/{day:%d}/", 4),
            # count, page of corrections with their stories
            ("/corrections/", 3),
            # the standing page
            ("/about/", 2),
            # the search form's sections
            ("/search/", 2),
            # results: matches (and on PostgreSQL their count), the stories, their bylines,
            # the snippets, the form's sections
            ("/search/?q=body", by_engine(6, 7)),
            # no match: the search, then the words to suggest from (headlines, tags, people)
            ("/search/?q=zzqx", by_engine(7, 15)),
            # no match, and "Did you mean" finds the corrected query's results
            ("/search/?q=Stor", by_engine(8, 17)),
            ("/robots.txt", 0),
            # stories, their bylines, their tags (for the categories)
            ("/rss/", 3),
            ("/atom/", 3),
            # the section, tag or person first
            ("/section/budget/rss/", 4),
            ("/section/budget/atom/", 4),
            ("/tag/shared/rss/", 4),
            ("/tag/shared/atom/", 4),
            ("/people/reporter/rss/", 4),
            ("/people/reporter/atom/", 4),
            # corrections with their stories
            ("/corrections/rss/", 1),
            ("/corrections/atom/", 1),
            # the count and the latest change of each sitemap
            ("/sitemap.xml", 9),
            ("/sitemap-stories.xml", 2),
            ("/sitemap-sections.xml", 3),
            ("/sitemap-tags.xml", 3),
            ("/sitemap-people.xml", 4),
            ("/news-sitemap.xml", 2),
            # the link, then the story page's queries, and whether the story is live
            (self.preview.get_absolute_url(), 10),
        ]

    def test_each_public_page_runs_exactly_its_queries(self):
        for url, queries in self.pages():
            with self.subTest(url=url), self.assertNumQueries(queries):
                assert self.client.get(url).status_code == 200

    def test_the_not_found_page_runs_two_queries(self):
        # The standing page looked for, and the menu.
        with self.assertNumQueries(2):
            assert self.client.get("/no-such-page/").status_code == 404
