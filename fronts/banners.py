"""The breaking-news banner as every reader page shows it, without a query per page.

The banners not yet expired are read once and kept in the page cache's store, labelled
"banner": purged when a banner changes (``curating.banner_changed``) or the story it links
to does (``purging``), and kept no longer than the horizon, which every banner's start and
expiry and every scheduled story bound (``schedule.next_change``). A banner linking to a
story appears once the story is public.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from caching import store
from caching.middleware import horizon
from stories.models import Story

from .models import BANNER, Banner

_ENTRY = "fronts:banners"
# More banners at once than readers could take in; the newest live one is shown.
_MOST = 5
STORY_ADDRESS = ["story__slug", "story__published_at", "story__created_at"]


@dataclass(frozen=True, slots=True)
class ShownBanner:
    text: str
    href: str
    starts_at: object
    expires_at: object

    def is_live(self, now):
        return self.starts_at <= now < self.expires_at


def _upcoming(now):
    rows = (
        Banner.objects.not_expired(now)
        .filter(Q(story__isnull=True) | Q(story__in=Story.objects.public(now)))
        .select_related("story")
        .only("text", "url", "starts_at", "expires_at", *STORY_ADDRESS)
        .order_by("-starts_at")[:_MOST]
    )
    return tuple(
        ShownBanner(
            banner.text,
            banner.story.get_absolute_url() if banner.story_id else banner.url,
            banner.starts_at,
            banner.expires_at,
        )
        for banner in rows
    )


def live(now=None):
    """The banner readers see at ``now``, or None."""
    now = now or timezone.now()
    entry = store.get(_ENTRY)
    if entry is not None:
        upcoming = entry[4]
    else:
        started, generation = time.time(), store.generation()
        upcoming = _upcoming(now)
        when = horizon()
        expires = min(when or float("inf"), started + settings.PAGE_CACHE_TTL)
        store.put(_ENTRY, (expires, 200, False, (), upcoming), (BANNER,), generation)
    return next((banner for banner in upcoming if banner.is_live(now)), None)
