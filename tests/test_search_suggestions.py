from django.test import TestCase
from django.urls import reverse

from stories.models import Story
from stories.search.suggestions import closest_word, suggest_query
from tests.helpers.bad_input import BAD_QUERIES
from tests.helpers.factories import add_byline, hidden_stories, make_person, make_public_story

SEARCH = reverse("stories:search")


def suggestion_for(text):
    return suggest_query(Story.objects.public(), text)


class DidYouMeanTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.story = make_public_story(
            headline="Harbour chief announces resignation",
            body="<p>The board accepted it on Monday.</p>",
        )
        add_byline(cls.story, make_person(name="Helga Krause"))
        cls.story.tags.add("Shipping")
        secret = hidden_stories("Zeppelinworks")
        secret["draft"].tags.add("Quarantine")
        secret["draft"].people.add(make_person(name="Ottavio Brandolini"))

    def test_a_misspelled_name_suggests_the_public_name(self):
        assert suggestion_for("Kruase") == "Krause"

    def test_a_misspelled_headline_word_suggests_the_word(self):
        assert suggestion_for("resignaton") == "resignation"

    def test_only_the_misspelled_words_are_corrected_keeping_the_syntax(self):
        assert suggestion_for('"chief announces" resignaton') == '"chief announces" resignation'
        assert suggestion_for("Shiping") == "Shipping"

    def test_no_suggestion_when_the_query_finds_something_or_nothing_is_close(self):
        assert suggestion_for("resignation") is None
        assert suggestion_for("xylophone") is None

    def test_words_of_unpublished_stories_are_never_suggested(self):
        for text in ["Zeppelinwork", "Zepelinworks", "Quarantin", "Brandolinni", "Otavio"]:
            with self.subTest(text=text):
                assert suggestion_for(text) is None
                page = self.client.get(SEARCH, {"q": text})
                assert page.status_code == 200
                assert page.context["suggestion"] is None
                assert "Did you mean" not in page.text

    def test_the_search_page_links_the_corrected_query_keeping_the_filters(self):
        page = self.client.get(SEARCH, {"q": "Kruase", "order": "newest", "page": "2"})
        assert page.context["page"].paginator.count == 0
        assert page.context["suggestion"] == "Krause"
        assert 'Did you mean <a href="?q=Krause&amp;order=newest">Krause</a>?' in page.text
        corrected = self.client.get(SEARCH, {"q": "Krause", "order": "newest"})
        assert list(corrected.context["page"]) == [self.story]

    def test_no_suggestion_is_offered_outside_the_chosen_filters(self):
        page = self.client.get(SEARCH, {"q": "Kruase", "kind": Story.Kind.ANALYSIS})
        assert page.context["suggestion"] is None

    def test_bad_input_never_fails(self):
        for text in [*BAD_QUERIES, "-Kruase", "Kruase or resignaton", "or OR or"]:
            with self.subTest(text=text[:40]):
                page = self.client.get(SEARCH, {"q": text})
                assert page.status_code == 200
                suggestion_for(text)


class ClosestWordTests(TestCase):
    def test_the_closest_word_keeps_the_case_the_reader_typed(self):
        texts = ["Anna Krause resigns", "Krakow mayor"]
        assert closest_word("kruase", texts) == "krause"
        assert closest_word("Kruase", texts) == "Krause"
        assert closest_word("kruase", ["Nothing alike"]) is None
        assert closest_word("krause", texts) is None
