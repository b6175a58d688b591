"""RSS and Atom feeds of a live story's updates, newest first."""

import html

from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags

from stories.feeds import FEED_SIZE, FeedView, NewsAtomFeed, absolute

from . import reader


class UpdatesFeed(FeedView):
    def get_object(self, request, story):
        # Loading the story labels the feed with it: every change to its updates purges it.
        return reader.live_story(story, timezone.now())

    def channel(self, story):
        return (
            f"Live: {story.headline} — {settings.NEWSROOM_NAME}",
            story.get_absolute_url(),
            story.dek or f"Live updates from {settings.NEWSROOM_NAME}.",
        )

    def items(self, story, origin):
        path = story.get_absolute_url()
        for update in reader.public_updates(story.pk, timezone.now())[:FEED_SIZE]:
            reader.complete([update])
            link = absolute(origin, f"{path}?update={update.pk}#{update.anchor}")
            # Feeds are given text (stories.feeds.html_of_text): the body's, its entities read.
            text = html.unescape(strip_tags(update.body))
            yield {
                "title": update.headline or text[:100],
                "link": link,
                "description": text,
                "unique_id": absolute(origin, f"{path}#{update.anchor}"),
                "pubdate": update.published_at,
                "updateddate": update.published_at,
                "authors": [
                    (person.name, absolute(origin, person.get_absolute_url()))
                    for person in update.author_list
                ],
            }


class UpdatesAtomFeed(UpdatesFeed):
    feed_type = NewsAtomFeed
