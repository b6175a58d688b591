"""When what readers see next changes on its own, by the clock: ``PAGE_CACHE_HORIZON``."""

import datetime

from django.utils import timezone

from .models import Banner, FrontVersion


def next_change():
    """The next front version, banner start or expiry, or the next midnight in the
    newsroom's zone, when the masthead's date turns (stories and live updates name their own
    moments: ``PAGE_CACHE_HORIZON``)."""
    now = timezone.now()
    today = timezone.localdate(now)
    midnight = datetime.datetime.combine(
        today + datetime.timedelta(days=1), datetime.time(), timezone.get_current_timezone()
    )
    times = (
        FrontVersion.objects.filter(takes_effect_at__gt=now)
        .order_by()
        .values_list("takes_effect_at")
        .union(
            Banner.objects.filter(starts_at__gt=now).order_by().values_list("starts_at"),
            Banner.objects.filter(expires_at__gt=now).order_by().values_list("expires_at"),
        )
        .order_by("takes_effect_at")[:1]
    )
    moments = [moment for (moment,) in times]
    return min(filter(None, [*moments, midnight]))
