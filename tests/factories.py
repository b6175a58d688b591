"""Small builders for test data; each fills in only what a test does not care about.

They write a story in the state a test starts from, as a fixture; a test about publishing,
unpublishing or correcting acts through ``stories.workflow``, the path the product takes.
"""

import itertools
from datetime import timedelta

from django.utils import timezone

from stories.models import Byline, Citation, Person, Section, Source, Story

_counter = itertools.count(1)


def make_section(**fields):
    n = next(_counter)
    fields.setdefault("name", f"Section {n}")
    fields.setdefault("slug", f"section-{n}")
    return Section.objects.create(**fields)


def make_person(**fields):
    n = next(_counter)
    fields.setdefault("name", f"Person {n}")
    fields.setdefault("slug", f"person-{n}")
    return Person.objects.create(**fields)


def make_source(**fields):
    n = next(_counter)
    fields.setdefault("name", f"Source {n}")
    fields.setdefault("kind", Source.Kind.PERSON)
    return Source.objects.create(**fields)


def make_story(section=None, **fields):
    n = next(_counter)
    fields.setdefault("headline", f"Story {n}")
    fields.setdefault("slug", f"story-{n}")
    fields.setdefault("body", f"<p>Body of story {n}.</p>")
    return Story.objects.create(section=section or make_section(), **fields)


def make_public_story(**fields):
    fields.setdefault("status", Story.Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timedelta(hours=1))
    return make_story(**fields)


def add_byline(story, person=None, role=Byline.Role.BY, position=None):
    if position is None:
        position = story.bylines.count() + 1
    return Byline.objects.create(
        story=story, person=person or make_person(), role=role, position=position
    )


def cite(story, source=None, **fields):
    return Citation.objects.create(story=story, source=source or make_source(), **fields)


def hidden_stories(canary="CANARY"):
    """One story in each state a reader must never see, each carrying the canary."""
    now = timezone.now()
    section = make_section()
    states = {
        "draft": {"status": Story.Status.DRAFT},
        "in_review": {"status": Story.Status.IN_REVIEW},
        "scheduled": {"status": Story.Status.PUBLISHED, "published_at": now + timedelta(days=1)},
        "embargoed": {
            "status": Story.Status.PUBLISHED,
            "published_at": now - timedelta(hours=1),
            "embargo_until": now + timedelta(hours=6),
        },
        "unpublished": {
            "status": Story.Status.UNPUBLISHED,
            "published_at": now - timedelta(days=2),
        },
    }
    return {
        state: make_story(
            section=section,
            headline=f"{canary} {state} headline",
            slug=f"{canary.lower()}-{state}",
            body=f"<p>{canary} {state} body</p>",
            **fields,
        )
        for state, fields in states.items()
    }
