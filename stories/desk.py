"""A staff member's desk, the admin's home page: what needs them now.

Each list is one query, however many stories the newsroom holds, and shows at most
``SHOWN`` items, the most pressing first. "My stories" are those the user created or is in
the byline of, through the person their account is linked to (``Person.user``).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from live.models import LiveCoverage

from .models import Correction, EditingPresence, StatusChange, Story
from .models.workflow import RECENTLY_OPENED
from .workflow import can_publish

SHOWN = 10
COMING_UP = datetime.timedelta(hours=48)
Status = Story.Status


@dataclass
class DeskList:
    key: str
    title: str
    empty: str
    items: list = field(default_factory=list)


def my_stories(user):
    return Story.objects.filter(Q(created_by=user) | Q(bylines__person__user=user))


def _with_last_note(stories):
    """Annotate each story with the latest hand-off note on it and who wrote it."""
    changes = StatusChange.objects.filter(story=OuterRef("pk")).exclude(note="")
    changes = changes.order_by("-changed_at", "-pk")
    return stories.annotate(
        last_note=Subquery(changes.values("note")[:1]),
        last_note_by=Subquery(changes.values("changed_by__username")[:1]),
    )


def desk_for(user, now=None) -> list[DeskList]:
    """The lists of ``user``'s desk, in the order the page shows them."""
    now = now or timezone.now()
    editor = can_publish(user)
    mine = my_stories(user).values("pk")
    lists = [
        DeskList(
            "drafts",
            "My drafts",
            "No drafts of yours.",
            list(
                _with_last_note(Story.objects.filter(pk__in=mine, status=Status.DRAFT))
                .select_related("section")
                .order_by("-updated_at")[:SHOWN]
            ),
        ),
    ]
    if editor:
        lists.append(
            DeskList(
                "review",
                "Waiting for review",
                "Nothing is waiting for review.",
                list(
                    _with_last_note(Story.objects.filter(status=Status.IN_REVIEW))
                    .select_related("section")
                    .order_by("updated_at")[:SHOWN]
                ),
            )
        )
    submitted = StatusChange.objects.filter(changed_by=user, to_status=Status.IN_REVIEW)
    notes = StatusChange.objects.exclude(note="").filter(
        Q(story__in=mine) | Q(to_status=Status.IN_REVIEW) if editor else Q(story__in=mine)
    )
    coming = Q(published_at__gt=now, published_at__lte=now + COMING_UP) | Q(
        embargo_until__gt=now, embargo_until__lte=now + COMING_UP
    )
    lists += [
        DeskList(
            "submitted",
            "What I sent for review",
            "You have sent nothing for review.",
            list(
                _with_last_note(Story.objects.filter(pk__in=submitted.values("story")))
                .select_related("section")
                .order_by("-updated_at")[:SHOWN]
            ),
        ),
        DeskList(
            "notes",
            "Notes for me",
            "No notes for you.",
            list(
                notes.exclude(changed_by=user)
                .select_related("story", "changed_by")
                .order_by("-changed_at", "-pk")[:SHOWN]
            ),
        ),
        DeskList(
            "coming",
            "Scheduled and embargoed, next 48 hours",
            "Nothing goes out in the next 48 hours.",
            list(
                Story.objects.filter(coming, status=Status.PUBLISHED)
                .select_related("section")
                .order_by("published_at", "pk")[:SHOWN]
            ),
        ),
        DeskList(
            "corrections",
            "Recent corrections",
            "No corrections yet.",
            list(Correction.objects.select_related("story").order_by("-published_at")[:SHOWN]),
        ),
        *(
            [
                DeskList(
                    "live",
                    "Live stories to file to",
                    "No live coverage is open.",
                    list(
                        LiveCoverage.objects.filter(closed_at__isnull=True)
                        .exclude(story__status=Status.RETRACTED)
                        .select_related("story")
                        .order_by("-started_at")[:SHOWN]
                    ),
                )
            ]
            if user.has_perm("live.add_liveupdate")
            else []
        ),
        DeskList(
            "open",
            "Open for editing by others",
            "Nobody else has a story open.",
            list(
                EditingPresence.objects.filter(seen_at__gte=now - RECENTLY_OPENED)
                .exclude(user=user)
                .select_related("story", "user")
                .order_by("-seen_at")[:SHOWN]
            ),
        ),
    ]
    return lists
