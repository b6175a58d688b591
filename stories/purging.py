"""Which cached responses a committed change makes stale.

Every response is labelled with the public things it loaded ("story-7", "person-3") and
the lists it shows ("list-section-2"); see ``caching``. A change purges the labels of
what it touched, and for a story that is published (live or still scheduled) the lists
it belongs to, which may now gain it, lose it or reorder. Nothing else is flushed.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

import caching

from .changes import ENTITIES
from .models import Correction, Section, Story

# Purged whenever a scheduled publish or an embargo may have moved: see PAGE_CACHE_HORIZON.
VISIBILITY = "visibility"


def track_reader_models():
    """Label responses with every story, person, tag... a reader's request loads."""
    caching.track(Story, "story")
    for model, prefix in ENTITIES.items():
        caching.track(model, prefix)


# Lists that any change to the set of public stories may alter.
ALL_STORIES = "list-all"
CORRECTIONS = "list-corrections"
# The sitemaps also list every public person, tag and section, the standing pages and the
# corrections page.
SECTIONS = "list-sections"
SITEMAPS = (ALL_STORIES, "list-persons", "list-tags", SECTIONS, "list-pages", CORRECTIONS)
# Every page whose navigation names the public sections (``Section.objects.public()``).
NAVIGATION = "navigation"


def list_key(obj):
    """The key of the lists of one section's, tag's or person's stories (page and feeds)."""
    return f"list-{ENTITIES[type(obj)]}-{obj.pk}"


def archive_key(year, month=None, day=None):
    parts = [f"{year:04d}", *(f"{n:02d}" for n in (month, day) if n)]
    return "list-archive-" + "-".join(parts)


def archive_keys(moment):
    day = timezone.localdate(moment)
    return {
        archive_key(day.year),
        archive_key(day.year, day.month),
        archive_key(day.year, day.month, day.day),
    }


def list_keys(story):
    """The lists a published story appears in (or will, once its time comes)."""
    keys = {ALL_STORIES, f"list-section-{story.section_id}", *archive_keys(story.published_at)}
    keys.update(f"list-tag-{tag.pk}" for tag in story.tags.all())
    keys.update(f"list-person-{person.pk}" for person in story.people.all())
    keys.update(f"list-person-{byline.person_id}" for byline in story.bylines.all())
    if story.has_corrections:
        keys.add(CORRECTIONS)
    return keys


def purge_changed(changes):
    keys = set(changes.keys)
    if changes.stories:
        keys.add(VISIBILITY)
        keys.update(f"story-{pk}" for pk in changes.stories)
        published = (
            Story.objects.using(changes.using)
            .filter(pk__in=changes.stories, status=Story.Status.PUBLISHED)
            .only("pk", "section", "published_at")
            .annotate(has_corrections=Exists(Correction.objects.filter(story=OuterRef("pk"))))
            .prefetch_related("tags", "people", "bylines")
        )
        for story in published:
            keys |= list_keys(story)
        keys |= section_keys(changes)
    caching.purge(keys)


def section_keys(changes):
    """What to purge when a section may have gained its first public story or lost its last.

    A section with no public story now is purged by its own key, which labels every page
    still naming it (nothing, unless it just emptied). A section whose public stories are
    all among the changed ones may have just appeared — unless one of them was already
    public in it before (``Changes.public_before``) — and then every page with the
    navigation is purged, which happens rarely.
    """
    shown_before = {section for section in changes.public_before.values() if section}
    public = Story.objects.using(changes.using).public()
    here = Q(section=OuterRef("pk"))
    sections = Section.objects.using(changes.using).annotate(
        shown=Exists(public.filter(here)),
        shown_anyway=Exists(public.filter(here).exclude(pk__in=changes.stories)),
    )
    keys = set()
    for pk, shown, shown_anyway in sections.values_list("pk", "shown", "shown_anyway"):
        if not shown:
            # A page that loaded too many sections to name them is labelled "section-all".
            keys |= {f"section-{pk}", "section-all"}
        elif not shown_anyway and pk not in shown_before:
            keys |= {NAVIGATION, SECTIONS}
    return keys
