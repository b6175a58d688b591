"""Which fronts a committed change of stories makes stale, beyond the story's own key.

A page is labelled with each story it loaded ("story-7"); a slotted story it did not load,
because it was not public yet, is found here: when it is published, unpublished or moved,
every front slotting it (now or in a scheduled version) is purged, and so is the banner
if it links to it.
"""

import caching

from .models import BANNER, Banner, Front


def purge_fronts_showing(changes):
    if not changes.stories:
        return
    fronts = Front.objects.using(changes.using).filter(versions__slots__story__in=changes.stories)
    keys = {f"front-{key}" for key in fronts.values_list("key", flat=True).distinct()}
    if Banner.objects.using(changes.using).filter(story__in=changes.stories).exists():
        keys.add(BANNER)
    if keys:
        caching.purge(keys)
