"""RSS 2.0 and Atom feeds: every story, each section, tag and person, and corrections."""

import mimetypes
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, rfc3339_date
from django.utils.html import escape

import caching

from .models import Correction, Person, Section, Story, Tag
from .models.stories import LISTED_FIELDS
from .purging import ALL_STORIES, CORRECTIONS, list_key
from .shortcuts import get_object_or_moved
from .structured_data import authors

FEED_SIZE = 50
ENCLOSED_IMAGE_FIELDS = ["hero_image__file", "hero_image__width", "hero_image__height"]
DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"


class _AbsoluteLinks:
    """Resolve the author and enclosure paths of an item against the item's absolute link."""

    def add_item(self, title, link, description, authors=(), enclosures=None, **kwargs):
        super().add_item(
            title,
            link,
            description,
            authors=[(name, urljoin(link, path)) for name, path in authors],
            enclosures=[
                Enclosure(urljoin(link, e.url), e.length, e.mime_type) for e in enclosures or ()
            ],
            **kwargs,
        )


class NewsRssFeed(_AbsoluteLinks, Rss201rev2Feed):
    """RSS 2.0 with one ``dc:creator`` per author and the Atom ``updated`` time.

    Titles and descriptions in RSS are HTML, so their text is escaped once more.
    """

    def add_item(self, title, link, description, **kwargs):
        super().add_item(escape(title), link, escape(description), **kwargs)

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DUBLIN_CORE}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _ in item["authors"]:
            handler.addQuickElement("dc:creator", name)
        if item["updateddate"] is not None:
            handler.addQuickElement("atom:updated", rfc3339_date(item["updateddate"]))


class NewsAtomFeed(_AbsoluteLinks, Atom1Feed):
    """Atom with one ``author`` per author; summaries are HTML, titles are text."""

    def add_item(self, title, link, description, **kwargs):
        super().add_item(title, link, escape(description), **kwargs)

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, url in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", url)
            handler.endElement("author")


class StoryFeed(Feed):
    feed_type = NewsRssFeed
    author_name = settings.NEWSROOM_NAME

    def title(self, obj):
        return f"{obj} — {settings.NEWSROOM_NAME}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return getattr(obj, "description", "") or f"Stories from {settings.NEWSROOM_NAME}: {obj}."

    def stories(self, obj):
        raise NotImplementedError

    def items(self, obj):
        stories = self.stories(obj).for_listing().select_related("section", "hero_image")
        # Of a section, a tag and a picture, only what an item shows; an image's dimensions
        # are read on loading it, so they come too.
        stories = stories.only(*LISTED_FIELDS, "section__name", *ENCLOSED_IMAGE_FIELDS)
        return stories.prefetch_related(Prefetch("tags", to_attr="tag_list"))[:FEED_SIZE]

    def item_title(self, story):
        return story.headline

    def item_description(self, story):
        return story.dek

    def item_pubdate(self, story):
        return story.published_at

    def item_updateddate(self, story):
        return story.updated_for_readers or story.published_at

    def item_categories(self, story):
        names = [story.section.name, *(tag.name for tag in story.tag_list)]
        return list(dict.fromkeys(names))

    def item_enclosures(self, story):
        image = story.hero_image
        if image is None:
            return []
        try:
            length = image.file.size
        except OSError:
            length = 0  # RSS requires a length; 0 is the agreed value for "unknown".
        mime_type = mimetypes.guess_type(image.file.name)[0] or "image/jpeg"
        return [Enclosure(image.file.url, str(length), mime_type)]

    def item_extra_kwargs(self, story):
        return {"authors": [(p.name, p.get_absolute_url()) for p in authors(story)]}


class AtomMixin:
    feed_type = NewsAtomFeed

    def subtitle(self, obj):
        # Atom's subtitle is what RSS calls the description: a string or a method.
        description = self.description
        return description(obj) if callable(description) else description


class LatestStoriesFeed(StoryFeed):
    title = settings.NEWSROOM_NAME
    link = "/"
    description = settings.NEWSROOM_TAGLINE

    def get_object(self, request):
        caching.label(request, ALL_STORIES)

    def stories(self, obj):
        return Story.objects.public()


class SectionFeed(StoryFeed):
    def get_object(self, request, slug):
        obj = get_object_or_moved(request, Section.objects.public(), slug)
        caching.label(request, list_key(obj))
        return obj

    def stories(self, section):
        return Story.objects.public().filter(section=section)


class TagFeed(StoryFeed):
    def get_object(self, request, slug):
        obj = get_object_or_moved(request, Tag.objects.public(), slug)
        caching.label(request, list_key(obj))
        return obj

    def stories(self, tag):
        return Story.objects.public().filter(tags=tag)


class PersonFeed(StoryFeed):
    def get_object(self, request, slug):
        obj = get_object_or_moved(request, Person.objects.public(), slug)
        caching.label(request, list_key(obj))
        return obj

    def description(self, person):
        return f"Stories by and about {person.name} from {settings.NEWSROOM_NAME}."

    def stories(self, person):
        return Story.objects.public().by_or_about(person, newest=FEED_SIZE)


class CorrectionsFeed(Feed):
    feed_type = NewsRssFeed
    title = f"Corrections — {settings.NEWSROOM_NAME}"
    description = f"Every correction, clarification and update {settings.NEWSROOM_NAME} makes."
    author_name = settings.NEWSROOM_NAME

    def get_object(self, request):
        caching.label(request, CORRECTIONS)

    def link(self):
        return reverse("stories:corrections")

    def items(self):
        return Correction.objects.public().select_related("story")[:FEED_SIZE]

    def item_title(self, correction):
        return f"{correction.get_kind_display()}: {correction.story.headline}"

    def item_description(self, correction):
        return correction.text

    def item_link(self, correction):
        return f"{correction.story.get_absolute_url()}#correction-{correction.pk}"

    def item_pubdate(self, correction):
        return correction.published_at

    def item_updateddate(self, correction):
        return correction.published_at


class LatestStoriesAtomFeed(AtomMixin, LatestStoriesFeed):
    pass


class SectionAtomFeed(AtomMixin, SectionFeed):
    pass


class TagAtomFeed(AtomMixin, TagFeed):
    pass


class PersonAtomFeed(AtomMixin, PersonFeed):
    pass


class CorrectionsAtomFeed(AtomMixin, CorrectionsFeed):
    pass
