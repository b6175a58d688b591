"""The demo's live coverage: the day of the commissioner's resignation, as updates.

Written by the newsroom in its own words. Loaded by ``stories.demo.loader`` through
``live.workflow``, as the system; coverage already loaded is left as it is.
"""

import datetime
import zoneinfo
from functools import partial

from django.conf import settings

from stories.models import Story
from stories.workflow import SYSTEM

from . import workflow
from .models import LiveCoverage, LiveUpdateCitation

STORY = "krause-resignation-live"
SUMMARY = """
<ul>
<li>Melanie Krause has left the post of IRS commissioner; Treasury confirmed it in the morning.</li>
<li>Her letter spoke of a climate that had become a distraction. It did not name the IRS–DHS
agreement on taxpayer records.</li>
<li>Members of both parties in Congress want to know how that agreement will be overseen.</li>
<li>Treasury says an acting commissioner comes first, a nominee for the permanent job later.</li>
</ul>
"""
STARTED, CLOSED = "2026-11-24T09:35:00", "2026-11-24T18:00:00"

# The sources updates cite, by their headline: (source key, how cited, anonymous as).
CITED = {
    "Commissioner submits her resignation": [
        ("insider", LiveUpdateCitation.CitedAs.ACCORDING_TO, "two people briefed on the decision")
    ],
    "Treasury confirms she is leaving": [("treasury", LiveUpdateCitation.CitedAs.STATEMENT, "")],
    "What the letter says, and what it does not": [
        ("letter", LiveUpdateCitation.CitedAs.DOCUMENT, "")
    ],
}

# (time, headline, body, authors, key event, pinned)
UPDATES = [
    (
        "2026-11-24T09:35:00",
        "Commissioner submits her resignation",
        "<p>Melanie Krause has handed in her resignation as head of the Internal Revenue "
        "Service, two people briefed on the decision told us. We are working to confirm it "
        "with Treasury.</p>",
        ["elena-marsh"],
        True,
        False,
    ),
    (
        "2026-11-24T10:10:00",
        "Treasury confirms she is leaving",
        "<p>Treasury officials have now confirmed the departure on the record. They gave no "
        "date for her last day and took no questions about the agreement with Homeland "
        "Security.</p>",
        ["elena-marsh"],
        False,
        False,
    ),
    (
        "2026-11-24T11:25:00",
        "What the letter says, and what it does not",
        "<p>We have read the letter. Krause writes that the mood around the agency had become "
        "a distraction and could get in the way of an IRS that works free of political "
        "pressure. The data-sharing deal itself goes unmentioned.</p>",
        ["elena-marsh"],
        False,
        False,
    ),
    (
        "2026-11-24T13:50:00",
        "Lawmakers in both parties ask for oversight",
        "<p>Several members of Congress, Republicans and Democrats, say they want hearings or "
        "at least a written account of how the records reach DHS and who checks their use.</p>",
        ["jonah-pike"],
        False,
        False,
    ),
    (
        "2026-11-24T15:15:00",
        "Privacy groups and tax preparers worry about trust",
        "<p>Privacy advocates and tax professionals told us the concern is less the narrow "
        "group of people the deal covers than what it signals: that what taxpayers tell the "
        "IRS may be used for something else.</p>",
        ["jonah-pike"],
        False,
        False,
    ),
    (
        "2026-11-24T16:40:00",
        "An acting commissioner first, a nominee later",
        "<p>Treasury says it will put an acting commissioner in place shortly and nominate a "
        "permanent successor in the coming months. No names yet. This is where things stand "
        "as our live coverage ends for the day.</p>",
        ["elena-marsh", "jonah-pike"],
        True,
        True,
    ),
]


def _local(value):
    naive = datetime.datetime.fromisoformat(value)
    return naive.replace(tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def _cite(update, sources):
    for position, (key, cited_as, anonymous_as) in enumerate(CITED.get(update.headline, []), 1):
        LiveUpdateCitation.objects.create(
            update=update,
            source=sources[key],
            cited_as=cited_as,
            is_anonymous=bool(anonymous_as),
            public_description=anonymous_as,
            position=position,
        )


def load_live_coverage(people, sources) -> list[str]:
    """Make the demo's live story live with its updates, unless it already is; return what was
    created. ``people`` and ``sources`` map the demo's keys to them."""
    story = Story.objects.filter(slug=STORY).first()
    if story is None or LiveCoverage.objects.filter(story=story).exists():
        return []
    workflow.start_coverage(story, by=SYSTEM, summary=SUMMARY.strip(), started_at=_local(STARTED))
    created = [f"live coverage: {story}"]
    for when, headline, body, authors, key_event, pinned in UPDATES:
        update = workflow.file_update(
            story,
            by=SYSTEM,
            headline=headline,
            body=body,
            authors=[people[slug] for slug in authors],
            published_at=_local(when),
            save_related=partial(_cite, sources=sources),
        )
        if key_event:
            workflow.mark_key_event(update, by=SYSTEM)
        if pinned:
            workflow.pin(update, by=SYSTEM)
        created.append(f"live update: {update}")
    workflow.close_coverage(story, by=SYSTEM, at=_local(CLOSED))
    return created
