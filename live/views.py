"""The polling fragment of a live story, read by ``live/live-updates.js``."""

from django.http import JsonResponse
from django.template.loader import get_template
from django.utils import timezone
from django.views.decorators.http import require_safe

from . import reader


@require_safe
def updates(request, story):
    """The newest public updates of a live story as HTML, newest first, in two queries.

    One address per story whatever the reader has seen: every reader polls the same cached
    answer, which is purged with the story on every change to its updates. The script
    inserts the updates it does not show yet.
    """
    now = timezone.now()
    live_story = reader.live_story(story, now)
    template = get_template("live/_fragment.html")
    story_url = live_story.get_absolute_url()
    items = [
        {
            "id": update.pk,
            "published_at": update.published_at.isoformat(),
            "html": template.render({"update": update, "story_url": story_url}, request).strip(),
        }
        for update in reader.fragment_updates(live_story, now)
    ]
    return JsonResponse({"updates": items, "closed": not live_story.live_coverage.is_live})
