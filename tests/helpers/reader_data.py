"""Builders for the reader-site tests: richly connected public stories."""

import datetime

from django.utils import timezone

from stories.models import Byline, Correction, Story
from tests.helpers import pictures
from tests.helpers.factories import add_byline, cite, make_person, make_public_story, make_source


def make_image(**fields):
    """A real 1200 x 800 picture, stored and cut into renditions like an upload."""
    fields.setdefault("data", pictures.picture_bytes(size=(1200, 800)))
    fields.setdefault("alt_text", "The Treasury building at dusk")
    fields.setdefault("caption", "The Treasury Department in Washington.")
    fields.setdefault("credit", "Demo Photographer / The Ledger")
    return pictures.make_image(**fields)


def midday_yesterday():
    """A publish time whose local day holds every minute a test subtracts from it."""
    day = timezone.localdate() - datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(12), timezone.get_current_timezone())


def rich_story(n, section=None, **fields):
    """A public story with ``n`` of every related thing: bylines, tags, sources, people,
    corrections and related stories, and a hero image."""
    story = make_public_story(section=section, hero_image=make_image(), **fields)
    for i in range(n):
        add_byline(story, make_person(is_staff_member=True, photo=make_image()))
        story.tags.add(f"Topic {story.pk}-{i}")
        cite(story, make_source(url=f"https://example.org/doc/{i}"), supports=f"Fact {i}")
        story.people.add(make_person(title="Official"))
        Correction.objects.create(story=story, text=f"Correction {i}.")
        story.related_stories.add(make_public_story(section=story.section))
    add_byline(story, make_person(), role=Byline.Role.PHOTOS)
    cite(story, make_source(), is_anonymous=True, public_description="a person familiar")
    return Story.objects.get(pk=story.pk)


def stories_in(section, n, tag="Shared", person=None, **fields):
    """``n`` public stories in ``section`` on one local day, tagged, with two bylines each."""
    start = midday_yesterday()
    stories = []
    for i in range(n):
        story = make_public_story(
            section=section, published_at=start - datetime.timedelta(minutes=i), **fields
        )
        add_byline(story, person)
        add_byline(story)
        story.tags.add(tag, f"Own tag {story.pk}")
        story.people.add(make_person())
        Correction.objects.create(story=story, text="Fixed a name.")
        stories.append(story)
    return stories
