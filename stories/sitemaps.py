"""Sitemaps for search engines: every public page, and a news sitemap of the last 48 hours."""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import cached_property

from .models import Person, Section, Story, Tag

NEWS_WINDOW = timedelta(hours=48)


def latest_story_times(*fields):
    """Map each value of ``fields`` to the publish time of its newest public story."""
    latest = {}
    for field in fields:
        rows = Story.objects.public().values(field).annotate(latest=Max("published_at"))
        for row in rows.order_by():
            key, when = row[field], row["latest"]
            if key is not None and (key not in latest or when > latest[key]):
                latest[key] = when
    return latest


class StorySitemap(Sitemap):
    def items(self):
        return Story.objects.public().defer("body")

    def lastmod(self, story):
        return story.updated_for_readers or story.published_at

    def get_latest_lastmod(self):
        times = Story.objects.public().aggregate(
            Max("published_at"), Max("last_significant_update")
        )
        return max(filter(None, times.values()), default=None)


class NewsSitemap(Sitemap):
    """Google News: only stories published in the last 48 hours."""

    limit = 1000

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return Story.objects.public().filter(published_at__gte=since).defer("body")

    def lastmod(self, story):
        return story.updated_for_readers or story.published_at


class _ListingSitemap(Sitemap):
    """Pages that list stories change when a story is added to them."""

    story_fields = ()

    @cached_property
    def latest(self):
        return latest_story_times(*self.story_fields)

    def lastmod(self, obj):
        return self.latest.get(obj.pk)

    def get_latest_lastmod(self):
        return max(self.latest.values(), default=None)


class SectionSitemap(_ListingSitemap):
    story_fields = ("section",)

    def items(self):
        return Section.objects.all()


class TagSitemap(_ListingSitemap):
    story_fields = ("tagged_items__tag",)

    def items(self):
        return Tag.objects.public().order_by("name")


class PersonSitemap(_ListingSitemap):
    story_fields = ("bylines__person", "people")

    def items(self):
        return Person.objects.public()


SITEMAPS = {
    "stories": StorySitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "people": PersonSitemap,
}
