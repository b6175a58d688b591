import datetime
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.utils.html import format_html

from stories import changes
from stories.models import (
    Byline,
    Citation,
    Correction,
    Image,
    Person,
    Section,
    Source,
    Story,
    Tag,
)

from . import coverage, pictures


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

    Existing objects are left untouched, so editors' changes survive a second run.
    """
    created = []

    def note(obj, was_created):
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

    inline_images = {}
    for key, data in pictures.INLINE_PICTURES.items():
        fields = {k: v for k, v in data.items() if k != "draw"}
        image = Image.objects.filter(caption=data["caption"], credit=data["credit"]).first()
        if image is None:
            image = note(Image.objects.create(file=data["draw"](), **fields), True)
        inline_images[key] = image

    for data in coverage.STORIES:
        if Story.objects.filter(slug=data["slug"]).exists():
            continue
        story = Story.objects.create(
            slug=data["slug"],
            headline=data["headline"],
            seo_headline=data.get("seo_headline", ""),
            kicker=data["kicker"],
            dek=data["dek"],
            body=_with_figures(data["body"].strip(), inline_images),
            section=sections[data["section"]],
            kind=data["kind"],
            dateline=data["dateline"],
            status=data["status"],
            published_at=_local(data["published_at"]),
        )
        note(story, True)
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
        for kind, when, text in data["corrections"]:
            Correction.objects.create(story=story, kind=kind, published_at=_local(when), text=text)

    for slug, other in coverage.RELATED:
        story, related = Story.objects.get(slug=slug), Story.objects.get(slug=other)
        if not story.related_stories.filter(pk=related.pk).exists():
            story.related_stories.add(related)
            created.append(f"related stories: {story} ↔ {related}")

    for data in pictures.PICTURES:
        fields = {k: v for k, v in data.items() if k not in ("story", "draw")}
        image = Image.objects.filter(caption=data["caption"], credit=data["credit"]).first()
        if image is None:
            image = note(Image.objects.create(file=data["draw"](), **fields), True)
        hero_wanted = Story.objects.filter(slug=data["story"], hero_image=None)
        if story_ids := list(hero_wanted.values_list("pk", flat=True)):
            hero_wanted.update(hero_image=image)
            changes.touch(stories=story_ids)
            created.append(f"hero image of {data['story']}")
    return created
