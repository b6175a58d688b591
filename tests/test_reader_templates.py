"""The reader templates' Jinja2 engine shows values as the Django template language did."""

import datetime

import pytest
from django.template import TemplateDoesNotExist, engines
from django.test import SimpleTestCase, TestCase
from django.utils import timezone
from django.utils.safestring import mark_safe

from stories.models import Byline
from tests.helpers.factories import add_byline, make_person, make_public_story
from tests.helpers.reader_templates import render_reader

MOMENT = datetime.datetime(2026, 11, 24, 15, 30, tzinfo=datetime.UTC)


class ReaderEngineTests(SimpleTestCase):
    def test_reader_pages_and_the_admin_have_each_their_own_engine(self):
        assert engines["jinja2"].get_template("stories/story_detail.html")
        assert engines["django"].get_template("admin/stories/_base.html")
        with pytest.raises(TemplateDoesNotExist):
            engines["django"].get_template("stories/story_detail.html")

    def test_values_are_escaped_unless_marked_safe(self):
        html = render_reader("{{ text }} {{ safe }}", text="<b>&", safe=mark_safe("<i>"))
        assert html == "&lt;b&gt;&amp; <i>"

    def test_a_missing_value_shows_as_nothing_in_development_too(self):
        assert render_reader("[{{ missing }}][{{ missing.attribute or '' }}]") == "[][]"

    def test_a_template_keeps_its_last_newline(self):
        assert engines["jinja2"].get_template("stories/_feeds.html").render({}).endswith(">\n")


class ShownTimesTests(SimpleTestCase):
    def test_date_shows_a_moment_in_the_current_time_zone(self):
        assert render_reader("{{ moment|date('N j, Y, P T') }}", moment=MOMENT) == (
            "Nov. 24, 2026, 10:30 a.m. EST"
        )

    def test_a_moment_shown_once_is_shown_anew_in_another_time_zone(self):
        source = "{{ moment|date('N j, Y, P T') }} {{ moment|time_tag('P T') }}"
        assert render_reader(source, moment=MOMENT).startswith("Nov. 24, 2026, 10:30 a.m. EST")
        with timezone.override("Asia/Tokyo"):
            html = render_reader(source, moment=MOMENT)
        assert html.startswith("Nov. 25, 2026, 12:30 a.m. JST")
        assert ">12:30 a.m. JST</time>" in html

    def test_a_date_only_format_shows_the_day_in_the_current_time_zone(self):
        late = datetime.datetime(2026, 11, 25, 3, tzinfo=datetime.UTC)  # 10 p.m. the day before
        assert render_reader("{{ moment|date('N j, Y') }}", moment=late) == "Nov. 24, 2026"
        assert render_reader("{{ day|date('F j') }}", day=datetime.date(2026, 3, 1)) == "March 1"

    def test_date_shows_nothing_for_no_moment(self):
        assert render_reader("[{{ none|date('N j, Y') }}]", none=None) == "[]"


class TruncationTests(SimpleTestCase):
    def test_a_description_that_fits_is_kept_and_a_longer_one_is_cut(self):
        assert render_reader("{{ text|truncatechars(5) }}", text="short") == "short"
        assert render_reader("{{ text|truncatechars(5) }}", text="longer") == "long…"

    def test_a_description_is_normalized_as_django_truncates_it(self):
        decomposed = "Cafe\u0301"
        assert render_reader("{{ text|truncatechars(300) }}", text=decomposed) == "Café"


class BylineOrderTests(TestCase):
    def test_credits_are_grouped_by_role_in_the_order_of_their_positions(self):
        story = make_public_story()
        add_byline(story, make_person(name="Ana Diaz"), position=1)
        add_byline(story, make_person(name="Ben Ito"), role=Byline.Role.PHOTOS, position=2)
        add_byline(story, make_person(name="Chen Xu"), position=3)
        page = self.client.get(story.get_absolute_url()).text
        byline = page[
            page.index('<ul class="byline">') : page.index("</ul>", page.index("byline"))
        ]
        assert byline.index("Ana Diaz") < byline.index("Ben Ito") < byline.index("Chen Xu")
        assert byline.count("<li>") == 3
