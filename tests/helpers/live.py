"""Live coverage for tests: a live story and updates in the state a test starts from."""

import itertools
from datetime import timedelta

from django.utils import timezone

from live.models import LiveCoverage, LiveUpdate
from tests.helpers.factories import make_public_story

_counter = itertools.count(1)


def make_live_story(story=None, **coverage):
    story = story or make_public_story()
    LiveCoverage.objects.create(story=story, **coverage)
    return story


def add_update(story, status=LiveUpdate.Status.PUBLISHED, authors=(), **fields):
    n = next(_counter)
    fields.setdefault("headline", f"Update {n}")
    fields.setdefault("body", f"<p>Body of update {n}.</p>")
    if status == LiveUpdate.Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now() - timedelta(minutes=n))
    update = LiveUpdate.objects.create(story=story, status=status, **fields)
    if authors:
        update.authors.set(authors)
    return update


def hidden_updates(story, canary="CANARY"):
    """One update of ``story`` in each state a reader must never see, each carrying the canary."""
    now = timezone.now()
    states = {
        "draft": {"status": LiveUpdate.Status.DRAFT},
        "submitted": {"status": LiveUpdate.Status.SUBMITTED},
        "scheduled": {"published_at": now + timedelta(hours=2)},
        "embargoed": {
            "published_at": now - timedelta(hours=1),
            "embargo_until": now + timedelta(hours=3),
        },
    }
    return {
        state: add_update(
            story,
            headline=f"{canary} {state} update",
            body=f"<p>{canary} {state} update body</p>",
            **fields,
        )
        for state, fields in states.items()
    }
