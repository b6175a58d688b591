"""What a story page shows, loaded with one query per kind of thing on it.

The story, its tags and corrections, and the stories related to it come in one query, the
people (its bylines and the people in the story) in another, then its sources: three queries
however much the story holds, and one more when its body places pictures from the library.
The lists are loaded onto the story as ``byline_list``, ``people_list``, ``citation_list``,
``correction_list`` and ``tag_list``, which the template and the structured data read. Each
query is compiled once per process (``stories.prepared``).
"""

import datetime

from django.db.models import CharField, F, IntegerField, Value
from django.utils import timezone

from .aggregates import corrections_of_each, ordered_aggregates, read, tags_of_each
from .models import Byline, Citation, Correction, Person, Story, Tag
from .prepared import Prepared
from .shortcuts import get_object_or_moved


def _story_and_related(slug, now):
    public = Story.objects.public(now)
    related = Story.objects.related_to(slug=slug)
    ids = public.filter(slug=slug).values("pk").union(related.values("pk"))
    # A live story's coverage (``live``) comes with it: most stories have none.
    stories = public.filter(pk__in=ids).select_related("section", "hero_image", "live_coverage")
    return stories.annotate(tag_data=tags_of_each(), correction_data=corrections_of_each())


def tag_fields_read_with(story):
    """The tags of a story read with ``tags_of_each()``, in order, as dictionaries of their
    id, name and slug."""
    tags = read(story.tag_data)
    if not ordered_aggregates():
        # In Tag's order: SQLite compares names as Python does.
        tags.sort(key=lambda fields: (fields["name"], fields["id"]))
    return tags


def tags_read_with(story):
    """The tags of a story loaded by ``story_and_related``, in order, as Tag instances."""
    return [Tag(**fields) for fields in tag_fields_read_with(story)]


def corrections_read_with(story):
    """The corrections of a story loaded by ``story_and_related``, newest first."""
    corrections = []
    for fields in read(story.correction_data):
        moment = datetime.datetime.fromisoformat(fields.pop("published_at"))
        if moment.tzinfo is None:  # SQLite keeps UTC without saying so.
            moment = moment.replace(tzinfo=datetime.UTC)
        corrections.append(Correction(**fields, published_at=moment, story_id=story.pk))
    return sorted(corrections, key=lambda c: (c.published_at, c.pk), reverse=True)


def _credits(story):
    people = Person.objects.select_related("photo").order_by()
    credited = people.filter(bylines__story=story).annotate(
        role=F("bylines__role"), position=F("bylines__position")
    )
    in_story = people.filter(appearances=story).annotate(
        role=Value(None, output_field=CharField()),
        position=Value(None, output_field=IntegerField()),
    )
    return credited.union(in_story, all=True)


def _citations(story):
    # None of a source's editor-only fields, nor who is behind an anonymous citation.
    return (
        Citation.objects.filter(story=story)
        .select_related("source")
        .defer(
            "sealed_source",
            "source__contact_details",
            "source__private_notes",
            "source__has_contact_details",
        )
    )


# What every story page asks, compiled once (stories.prepared).
story_and_related = Prepared(_story_and_related)
credited_people = Prepared(_credits)
citations_of = Prepared(_citations)
corrections_of = Prepared(lambda story: Correction.objects.filter(story=story))
tags_of = Prepared(lambda story: Tag.objects.filter(tagged_stories__content_object=story))


def public_story_and_related(request, slug):
    """The public story with ``slug`` and the public stories related to it, newest first.

    Raises ``Http404``, or ``Moved`` for a slug the story used to have.
    """
    stories = story_and_related(slug=slug, now=timezone.now())
    story = next((story for story in stories if story.slug == slug), None)
    if story is None:
        story = get_object_or_moved(request, Story.objects.public(), slug)
    return complete(story), [other for other in stories if other != story]


def complete(story):
    """Load onto ``story`` everything its page shows besides related stories."""
    story.byline_list, story.people_list = credits(story)
    story.citation_list = citations_of(story=story.pk)
    if hasattr(story, "tag_data"):  # loaded by story_and_related
        story.tag_list = tags_read_with(story)
        story.correction_list = corrections_read_with(story)
    else:
        story.tag_list = tags_of(story=story.pk)
        story.correction_list = corrections_of(story=story.pk)
    return story


def credits(story):
    """The story's bylines, in order, and the people in the story, by name: one query."""
    bylines, mentioned = [], []
    for person in credited_people(story=story.pk):
        if person.role is None:
            mentioned.append(person)
        else:
            byline = Byline(story=story, person=person, role=person.role, position=person.position)
            bylines.append(byline)
    bylines.sort(key=lambda byline: byline.position)
    mentioned.sort(key=lambda person: person.name)
    return bylines, mentioned
