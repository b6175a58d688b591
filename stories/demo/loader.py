import datetime
import zoneinfo
from collections import defaultdict
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils.html import format_html

from fronts import curating
from fronts.models import Banner, Front
from live.demo import load_live_coverage
from stories import changes, workflow
from stories.models import (
    Byline,
    Citation,
    Image,
    Page,
    Person,
    Section,
    Source,
    Story,
    Tag,
)

from . import coverage, pictures

# How the workflow's records name the loader, which acts as the system.
NOTE = "demo coverage"
# Fields a demo story gives as they are.
STORY_TEXT = ["slug", "headline", "seo_headline", "kicker", "dek", "kind", "dateline"]


def _local(value):
    if value is None:
        return None
    naive = datetime.datetime.fromisoformat(value)
    return naive.replace(tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def _with_figures(body, images):
    """Put the picture named by each ``<!-- figure: key -->`` in the body, as the editor would."""
    for key, image in images.items():
        figure = format_html(
            '<figure class="figure"><img src="{}" alt="{}" data-file="{}">'
            '<figcaption class="figure-caption">{}</figcaption></figure>',
            image.file.url,
            image.alt_text,
            image.pk,
            image.caption,
        )
        body = body.replace(f"<!-- figure: {key} -->", figure)
    return body


@transaction.atomic
def load_demo_coverage() -> list[str]:
    """Create whatever part of the demo coverage is missing; return what was created.

    Existing objects are left untouched, so editors' changes survive a second run. Stories
    are saved, published and corrected through the workflow, as the system, each step
    recorded with the note ``NOTE``.
    """
    created = []

    def note(obj, was_created=True):
        if was_created:
            created.append(f"{obj._meta.verbose_name}: {obj}")
        return obj

    sections = {
        data["slug"]: note(*Section.objects.get_or_create(slug=data["slug"], defaults=data))
        for data in coverage.SECTIONS
    }
    people = {
        data["slug"]: note(*Person.objects.get_or_create(slug=data["slug"], defaults=data))
        for data in coverage.PEOPLE
    }
    for data in coverage.TAGS:
        note(*Tag.objects.get_or_create(slug=data["slug"], defaults=data))
    sources = {}
    for data in coverage.SOURCES:
        fields = {k: v for k, v in data.items() if k != "key"}
        sources[data["key"]] = note(
            *Source.objects.get_or_create(name=fields.pop("name"), defaults=fields)
        )
    figures = {key: _picture(data, note) for key, data in pictures.INLINE_PICTURES.items()}
    heroes = {data["story"]: _picture(data, note) for data in pictures.PICTURES}

    for data in coverage.STORIES:
        if not Story.objects.filter(slug=data["slug"]).exists():
            story = Story(
                hero_image=heroes.get(data["slug"]),
                body=_with_figures(data["body"].strip(), figures),
                section=sections[data["section"]],
                **{name: data.get(name, "") for name in STORY_TEXT},
            )
            note(_add_story(story, data, people, sources))

    created += _give_heroes(heroes) + _link_related() + _arrange_home_front() + _write_about()
    return created + load_live_coverage(people, sources)


def _write_about() -> list[str]:
    """Write the About page in the newsroom's words, unless editors have written it."""
    about = Page.objects.filter(slug=Page.ABOUT).first()
    if about is None or not about.ownership_and_funding.startswith(coverage.ABOUT_PLACEHOLDER):
        return []
    for name, text in coverage.ABOUT.items():
        setattr(about, name, text)
    about.save()
    return [f"page: {about}"]


def _picture(data, note):
    """The library image drawn from ``data``, drawn now if the library does not have it yet."""
    image = Image.objects.filter(caption=data["caption"], credit=data["credit"]).first()
    if image is not None:
        return image
    fields = {k: v for k, v in data.items() if k not in ("story", "draw")}
    return note(Image.objects.create(file=data["draw"](), **fields))


def _add_story(story, data, people, sources):
    """Save, publish and correct ``story`` as the newsroom would have, from its demo ``data``."""

    def relations():
        story.tags.set(data["tags"])
        story.people.set([people[slug] for slug in data["people"]])
        Byline.objects.bulk_create(
            Byline(story=story, person=people[slug], role=role, position=position)
            for position, (slug, role) in enumerate(data["bylines"], start=1)
        )
        Citation.objects.bulk_create(
            Citation(
                story=story,
                source=sources[key],
                cited_as=cited_as,
                supports=supports,
                is_anonymous=anonymous,
                public_description=description,
                position=position,
            )
            for position, (key, cited_as, supports, anonymous, description) in enumerate(
                data["citations"], start=1
            )
        )
        changes.touch(stories=[story.pk])  # bylines and citations come through bulk_create

    system = workflow.SYSTEM
    workflow.save_story(story, by=system, note=NOTE, save_related=relations)
    if data["status"] == Story.Status.PUBLISHED:
        workflow.publish(story, by=system, at=_local(data["published_at"]), note=NOTE)
    for kind, when, text in data["corrections"]:
        workflow.add_correction(story, by=system, kind=kind, text=text, at=_local(when), note=NOTE)
    return story


def _give_heroes(heroes) -> list[str]:
    """Give its picture to a story loaded before the demo coverage had one."""
    given = []
    for slug, image in heroes.items():
        story = Story.objects.filter(slug=slug, hero_image=None).first()
        if story is not None:
            story.hero_image = image
            workflow.save_story(story, by=workflow.SYSTEM, note=NOTE)
            given.append(f"hero image of {slug}")
    return given


def _link_related() -> list[str]:
    related = defaultdict(list)
    for slug, other in coverage.RELATED:
        related[slug].append(other)
    linked = []
    for slug, others in related.items():
        story = Story.objects.get(slug=slug)
        missing = list(
            Story.objects.filter(slug__in=others).exclude(pk__in=story.related_stories.all())
        )
        if missing:
            link = partial(story.related_stories.add, *missing)
            workflow.save_story(story, by=workflow.SYSTEM, note=NOTE, save_related=link)
            linked += [f"related stories: {story} ↔ {other}" for other in missing]
    return linked


def _arrange_home_front() -> list[str]:
    """The home front with the resignation as the lead, and the banner, now expired, that
    announced it: once, so that an editor's arrangement survives a second run."""
    made = []
    home = Front.objects.of()
    if not home.versions.exists():
        stories = dict(
            Story.objects.filter(
                slug__in=[slug for slug, _ in coverage.HOME_FRONT["slots"]]
            ).values_list("slug", "pk")
        )
        entries = [
            curating.Entry(stories[slug], headline=headline)
            for slug, headline in coverage.HOME_FRONT["slots"]
            if slug in stories
        ]
        when = _local(coverage.HOME_FRONT["takes_effect_at"])
        curating.arrange(home, entries, by=workflow.SYSTEM, takes_effect_at=when, note=NOTE)
        made.append(f"home front: {len(entries)} slots")
    data = coverage.BANNER
    if not Banner.objects.filter(text=data["text"]).exists():
        banner = Banner(
            text=data["text"],
            story=Story.objects.get(slug=data["story"]),
            starts_at=_local(data["starts_at"]),
            expires_at=_local(data["expires_at"]),
        )
        curating.save_banner(banner, by=workflow.SYSTEM)
        made.append(f"banner: {banner}")
    return made
