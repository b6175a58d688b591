"""What a story page shows, loaded with one query per kind of thing on it.

The story and the stories related to it come in one query, the people (its bylines and the
people in the story) in another, then its sources, corrections and tags: five queries however
much the story holds, and one more when its body places pictures from the library. The lists
are loaded onto the story as ``byline_list``, ``people_list``, ``citation_list``,
``correction_list`` and ``tag_list``, which the template and the structured data read.
"""

from django.db.models import CharField, F, IntegerField, Value

from .models import Byline, Citation, Correction, Person, Story, Tag
from .shortcuts import get_object_or_moved


def public_story_and_related(request, slug):
    """The public story with ``slug`` and the public stories related to it, newest first.

    Raises ``Http404``, or ``Moved`` for a slug the story used to have.
    """
    public = Story.objects.public()
    related = Story.objects.related_to(slug=slug)
    ids = public.filter(slug=slug).values("pk").union(related.values("pk"))
    stories = list(public.filter(pk__in=ids).select_related("section", "hero_image"))
    story = next((story for story in stories if story.slug == slug), None)
    if story is None:
        story = get_object_or_moved(request, public, slug)
    return complete(story), [other for other in stories if other != story]


def complete(story):
    """Load onto ``story`` everything its page shows besides related stories."""
    story.byline_list, story.people_list = credits(story)
    # None of a source's editor-only fields, nor who is behind an anonymous citation.
    citations = Citation.objects.filter(story=story).select_related("source")
    story.citation_list = list(
        citations.defer(
            "sealed_source",
            "source__contact_details",
            "source__private_notes",
            "source__has_contact_details",
        )
    )
    story.correction_list = list(Correction.objects.filter(story=story))
    story.tag_list = list(Tag.objects.filter(tagged_stories__content_object=story))
    return story


def credits(story):
    """The story's bylines, in order, and the people in the story, by name: one query."""
    people = Person.objects.select_related("photo").order_by()
    credited = people.filter(bylines__story=story).annotate(
        role=F("bylines__role"), position=F("bylines__position")
    )
    in_story = people.filter(appearances=story).annotate(
        role=Value(None, output_field=CharField()),
        position=Value(None, output_field=IntegerField()),
    )
    bylines, mentioned = [], []
    for person in credited.union(in_story, all=True):
        if person.role is None:
            mentioned.append(person)
        else:
            byline = Byline(story=story, person=person, role=person.role, position=person.position)
            bylines.append(byline)
    bylines.sort(key=lambda byline: byline.position)
    mentioned.sort(key=lambda person: person.name)
    return bylines, mentioned
