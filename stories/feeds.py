"""RSS 2.0 and Atom feeds: every story, each section, tag and person, and corrections.

Each feed is a view of our own: it reads what its items show in a few queries of plain
rows, hands each item to Django's feed generator once, and writes the feed out in one
piece.
"""

import html
import mimetypes
import re
from dataclasses import dataclass
from io import StringIO
from operator import itemgetter
from urllib.parse import urljoin

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import (
    Atom1Feed,
    Enclosure,
    Rss201rev2Feed,
    get_tag_uri,
    rfc3339_date,
)
from django.utils.http import http_date
from django.utils.translation import get_language

import caching

from . import listing
from .aggregates import bylines_of_each, ordered_aggregates, read, tags_of_each
from .models import Byline, Image, Person, Section, Story, Tag
from .models.images import INLINE_IMAGE, InlineReference, inline_references
from .prepared import Prepared
from .purging import ALL_STORIES, CORRECTIONS, list_key
from .sanitize import clean_html
from .shortcuts import public_by_slug
from .xmlwriter import XMLWriter, element

FEED_SIZE = 50
DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"
MEDIA_RSS = "http://search.yahoo.com/mrss/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
# The picture a feed item carries: the hero's 16:9 JPEG rendition this wide, or the widest
# there is below it (feed readers show it at up to this size; JPEG, as not all read WebP).
FEED_PICTURE_WIDTH = 1200


def html_of_text(text):
    """``text`` as the HTML that shows it, for a feed's HTML fields (RSS ``description``,
    Atom ``summary type="html"``).

    The one rule of what feeds carry: every item is given as plain text, and the writer
    (``stories.xmlwriter``) escapes it once as XML. A title is text in both formats (RSS
    best practice; Atom ``type="text"``), so a headline reads exactly as written. A summary
    is HTML, so its text is escaped once more, as HTML, so that markup-like text
    (``Tom & Jerry <say>``) shows as text and never renders; quotes and apostrophes need no
    escaping there and are left as they are, so readers that show the summary as text read
    them too.
    """
    return html.escape(text, quote=False) if text else text


class NewsRssFeed(Rss201rev2Feed):
    """RSS 2.0 with one ``dc:creator`` per author and the Atom ``updated`` time.

    Titles are plain text; descriptions are HTML (``html_of_text``).
    """

    def add_item(self, title, link, description, authors=(), **kwargs):
        super().add_item(title, link, html_of_text(description), authors=authors, **kwargs)

    def write(self, outfile, encoding):
        # Rss201rev2Feed.write(), through XMLWriter.
        handler = XMLWriter(encoding)
        handler.startDocument()
        self.add_stylesheets(handler)
        handler.startElement("rss", self.rss_attributes())
        handler.startElement("channel", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        self.endChannelElement(handler)
        handler.endElement("rss")
        outfile.write(handler.getvalue())

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": CONTENT,
            "xmlns:dc": DUBLIN_CORE,
            "xmlns:media": MEDIA_RSS,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _ in item["authors"]:
            handler.addQuickElement("dc:creator", name)
        if item["updateddate"] is not None:
            handler.addQuickElement("atom:updated", rfc3339_date(item["updateddate"]))
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])
        picture = item.get("picture")
        if picture is not None:
            picture.write_media_content(handler)


class NewsAtomFeed(Atom1Feed):
    """Atom with one ``author`` per author and Media RSS pictures; summaries are HTML,
    titles are text.

    Each entry is written as one string, with what ``Atom1Feed.add_item_elements`` writes
    through a SAX handler, in its order, then the authors: fifty entries of a dozen elements
    each cost more through the handler's calls than everything else the feed does.
    """

    def write(self, outfile, encoding):
        # Atom1Feed.write(), through XMLWriter.
        handler = XMLWriter(encoding)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")
        outfile.write(handler.getvalue())

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_RSS}

    def add_item(self, title, link, description, authors=(), **kwargs):
        super().add_item(title, link, html_of_text(description), authors=authors, **kwargs)

    def write_items(self, handler):
        handler.write("".join([self.entry(item, handler.quote) for item in self.items]))

    def entry(self, item, quote):
        parts = [
            "<entry>",
            element("title", item["title"], ' type="text"'),
            f'<link href={quote(item["link"])} rel="alternate"/>',
        ]
        if item["pubdate"] is not None:
            parts.append(element("published", rfc3339_date(item["pubdate"])))
        if item["updateddate"] is not None:
            parts.append(element("updated", rfc3339_date(item["updateddate"])))
        if item["author_name"] is not None:
            parts += ["<author>", element("name", item["author_name"])]
            if item["author_email"] is not None:
                parts.append(element("email", item["author_email"]))
            if item["author_link"] is not None:
                parts.append(element("uri", item["author_link"]))
            parts.append("</author>")
        unique_id = item["unique_id"]
        if unique_id is None:
            unique_id = get_tag_uri(item["link"], item["pubdate"])
        parts.append(element("id", unique_id))
        if item["description"] is not None:
            parts.append(element("summary", item["description"], ' type="html"'))
        if item.get("content"):
            parts.append(element("content", item["content"], ' type="html"'))
        for enclosure in item["enclosures"]:
            parts.append(
                f"<link href={quote(enclosure.url)} length={quote(enclosure.length)}"
                f' rel="enclosure" type={quote(enclosure.mime_type)}/>'
            )
        parts += [f"<category term={quote(category)}/>" for category in item["categories"]]
        if item["item_copyright"] is not None:
            parts.append(element("rights", item["item_copyright"]))
        for name, url in item["authors"]:
            parts += ["<author>", element("name", name), element("uri", url), "</author>"]
        if (picture := item.get("picture")) is not None:
            writer = XMLWriter("utf-8")
            picture.write_media_content(writer)
            parts.append(writer.getvalue())
        parts.append("</entry>")
        return "".join(parts)


@dataclass(frozen=True)
class FeedPicture:
    """The picture of a feed item: a rendition of its hero (``feed_picture``)."""

    url: str
    length: str
    mime_type: str
    width: int
    height: int
    description: str
    credit: str

    def write_media_content(self, handler):
        """Write the picture as Media RSS ``media:content``, with its alt text and credit."""
        handler.startElement("media:content", self.attributes())
        if self.description:
            handler.addQuickElement("media:description", self.description, {"type": "plain"})
        if self.credit:
            handler.addQuickElement("media:credit", self.credit)
        handler.endElement("media:content")

    def attributes(self):
        return {
            "url": self.url,
            "type": self.mime_type,
            "medium": "image",
            "width": str(self.width),
            "height": str(self.height),
            "fileSize": self.length,
        }

    def enclosure(self):
        return Enclosure(self.url, self.length, self.mime_type)


def feed_picture(image, origin, ratio="16x9"):
    """What a feed shows of ``image``: its JPEG rendition at ``ratio`` ``FEED_PICTURE_WIDTH``
    wide (or the widest below); the master only while the renditions are being prepared, as
    on the pages. ``None`` without a picture."""
    if not (image and image.width):
        return None
    jpegs = [r for r in image.renditions(ratio) if r.format == "jpeg"]
    fitting = [r for r in jpegs if r.width <= FEED_PICTURE_WIDTH] or jpegs[:1]
    if fitting:
        name, width, height = fitting[-1].name, fitting[-1].width, fitting[-1].height
    else:
        name, width, height = image.file.name, image.width, image.height
    storage = image.file.storage
    try:
        length = storage.size(name)
    except OSError:
        length = 0  # RSS requires a length; 0 is the agreed value for "unknown".
    return FeedPicture(
        url=absolute(origin, storage.url(name)),
        length=str(length),
        mime_type=mimetypes.guess_type(name)[0] or "image/jpeg",
        width=width,
        height=height,
        description=image.alt_text,
        credit=image.credit,
    )


# Addresses on this site in a body's markup, as the sanitizer writes attributes: double-quoted.
_SITE_ADDRESS = re.compile(r'\b(href|src)="/(?!/)')


def feed_bodies(stories, origin):
    """The body of each of ``stories`` (rows holding ``body``) as a feed carries it in full:
    cleaned by the page's sanitizer (``stories.sanitize``), each library picture as its
    rendition with alt text and caption, every address on this site absolute. The pictures
    of all the bodies are read in one query (which labels the response with each)."""
    cleaned = {story.pk: clean_html(story.body) for story in stories}
    refs = [ref for body in cleaned.values() for ref in inline_references(body)]
    by_id, by_file = Image.objects.referenced(refs)

    def figure(match):
        image = InlineReference.from_match(match).find(by_id, by_file)
        picture = feed_picture(image, origin, "4x3")
        if picture is None:
            return ""
        caption = match["caption"]
        if caption is None or not caption.strip():
            caption = html.escape(image.caption)
        if image.credit:
            caption = f"{caption} {html.escape(image.credit)}".strip()
        img = (
            f'<img src="{html.escape(picture.url)}" width="{picture.width}"'
            f' height="{picture.height}" alt="{html.escape(image.alt_text)}">'
        )
        return f"<figure>{img}<figcaption>{caption}</figcaption></figure>" if caption else img

    return {
        pk: _SITE_ADDRESS.sub(rf'\1="{origin}/', INLINE_IMAGE.sub(figure, body))
        for pk, body in cleaned.items()
    }


def absolute(origin, url):
    """``url`` at the site's ``origin``; one with an origin of its own (a CDN's) is kept."""
    if url.startswith("/") and not url.startswith("//"):
        return origin + url
    return urljoin(origin + "/", url)


class FeedView:
    """A feed of ``items(obj, origin)``: the keyword arguments of the generator's ``add_item``.

    ``get_object`` finds what the feed is of (raising ``Http404`` or ``Moved``) and labels the
    response with the lists it shows; ``channel(obj)`` gives the feed's title, path and
    description.
    """

    feed_type = NewsRssFeed

    def __call__(self, request, **kwargs):
        obj = self.get_object(request, **kwargs)
        origin = request.build_absolute_uri("/").removesuffix("/")
        title, path, description = self.channel(obj)
        feed = self.feed_type(
            title=title,
            link=absolute(origin, path),
            description=description,
            # Atom's subtitle is what RSS calls the description.
            subtitle=description,
            language=get_language(),
            feed_url=origin + request.path,
            author_name=settings.NEWSROOM_NAME,
        )
        for item in self.items(obj, origin):
            feed.add_item(**item)
        content = StringIO()
        feed.write(content, "utf-8")
        response = HttpResponse(content.getvalue(), content_type=feed.content_type)
        response.headers["Last-Modified"] = http_date(feed.latest_post_date().timestamp())
        return response

    def get_object(self, request, **kwargs):
        raise NotImplementedError

    def channel(self, obj):
        raise NotImplementedError

    def items(self, obj, origin):
        raise NotImplementedError


def story_rows(build, *columns):
    """The newest public stories of ``build(now, **values)``, as rows of what an item shows,
    their bylines and tags included (``stories.aggregates``), and ``columns``; compiled once
    (``stories.prepared``)."""
    return Prepared(
        lambda **values: (
            build(**values)
            .annotate(byline_data=bylines_of_each(), tag_data=tags_of_each())
            .values_list(
                "pk",
                "headline",
                "dek",
                "slug",
                "published_at",
                "created_at",
                "last_significant_update",
                "section",
                "section__name",
                "hero_image",
                "hero_image__file",
                "hero_image__width",
                "hero_image__height",
                "hero_image__focal_x",
                "hero_image__focal_y",
                "hero_image__renditions_key",
                "hero_image__alt_text",
                "hero_image__credit",
                "byline_data",
                "tag_data",
                *columns,
                named=True,
            )[:FEED_SIZE]
        )
    )


_latest = story_rows(lambda now: Story.objects.public(now))
_latest_with_bodies = story_rows(lambda now: Story.objects.public(now), "body")
_of_section = story_rows(lambda now, section: Story.objects.public(now).filter(section=section))
_of_tag = story_rows(lambda now, tag: Story.objects.public(now).filter(tags=tag))
_of_person = story_rows(
    lambda now, person: Story.objects.public(now).by_or_about(person, newest=FEED_SIZE)
)


class StoryFeed(FeedView):
    """The newest public stories of ``obj``, each with its authors, section, tags and picture;
    with ``full_text``, each with its body too (its rows then hold ``body``)."""

    full_text = False

    def stories(self, obj, now):
        """The rows of ``obj``'s newest public stories at ``now`` (``story_rows``)."""
        raise NotImplementedError

    def channel(self, obj):
        description = (
            getattr(obj, "description", "") or f"Stories from {settings.NEWSROOM_NAME}: {obj}."
        )
        return f"{obj} — {settings.NEWSROOM_NAME}", obj.get_absolute_url(), description

    def items(self, obj, origin):
        stories = self.stories(obj, timezone.now())
        caching.label_rows(Story, [story.pk for story in stories])
        caching.label_rows(Section, {story.section for story in stories})
        caching.label_rows(Image, {story.hero_image for story in stories})
        authors, tags = self.authors_and_tags(stories, origin)
        bodies = feed_bodies(stories, origin) if self.full_text else {}
        pictures = {}  # Pictures recur: each is looked at once.
        for story in stories:
            published = story.published_at
            link = absolute(origin, Story.address_of(story.slug, published or story.created_at))
            if story.hero_image not in pictures:
                pictures[story.hero_image] = feed_picture(hero_of(story), origin)
            picture = pictures[story.hero_image]
            yield {
                "title": story.headline,
                "link": link,
                "description": story.dek,
                "unique_id": link,
                "pubdate": published,
                "updateddate": Story.update_shown(story.last_significant_update, published)
                or published,
                "categories": list(dict.fromkeys([story.section__name, *tags[story.pk]])),
                "enclosures": [picture.enclosure()] if picture else [],
                "picture": picture,
                "authors": authors[story.pk],
                "content": bodies.get(story.pk),
            }

    def authors_and_tags(self, stories, origin):
        """For each of ``stories``, its authors as (name, address) and the names of its tags."""
        authors, tags, people, names, addresses = {}, {}, set(), set(), {}
        for story in stories:
            authors[story.pk] = []
            for byline in sorted(read(story.byline_data), key=itemgetter("position")):
                people.add(byline["person"])
                if byline["role"] == Byline.Role.BY:
                    slug = byline["slug"]
                    if slug not in addresses:
                        addresses[slug] = absolute(origin, Person.address_of(slug))
                    authors[story.pk].append((byline["name"], addresses[slug]))
            listed = read(story.tag_data)
            if not ordered_aggregates():
                listed.sort(key=itemgetter("name", "id"))  # SQLite compares names as Python does.
            names.update(tag["id"] for tag in listed)
            tags[story.pk] = [tag["name"] for tag in listed]
        caching.label_rows(Person, people)
        caching.label_rows(Tag, names)
        return authors, tags


def hero_of(story):
    """The hero image of a row of ``story_rows``, as an unsaved ``Image`` of its columns."""
    if not story.hero_image:
        return None
    return Image(
        pk=story.hero_image,
        file=story.hero_image__file,
        width=story.hero_image__width,
        height=story.hero_image__height,
        focal_x=story.hero_image__focal_x,
        focal_y=story.hero_image__focal_y,
        renditions_key=story.hero_image__renditions_key,
        alt_text=story.hero_image__alt_text,
        credit=story.hero_image__credit,
    )


class LatestStoriesFeed(StoryFeed):
    def get_object(self, request):
        caching.label(request, ALL_STORIES)

    def channel(self, obj):
        return settings.NEWSROOM_NAME, "/", settings.NEWSROOM_TAGLINE

    def stories(self, obj, now):
        return _latest(now=now)


class LatestStoriesFullTextFeed(LatestStoriesFeed):
    """The newest stories in full, for readers who read in their feed reader."""

    full_text = True

    def channel(self, obj):
        title, path, description = super().channel(obj)
        return f"{title} (full stories)", path, description

    def stories(self, obj, now):
        return _latest_with_bodies(now=now)


class SectionFeed(StoryFeed):
    def get_object(self, request, slug):
        obj = public_by_slug(request, listing.section_by_slug, Section, slug, timezone.now())
        caching.label(request, list_key(obj))
        return obj

    def stories(self, section, now):
        return _of_section(now=now, section=section.pk)


class TagFeed(StoryFeed):
    def get_object(self, request, slug):
        obj = public_by_slug(request, listing.tag_by_slug, Tag, slug, timezone.now())
        caching.label(request, list_key(obj))
        return obj

    def stories(self, tag, now):
        return _of_tag(now=now, tag=tag.pk)


class PersonFeed(StoryFeed):
    def get_object(self, request, slug):
        obj = public_by_slug(request, listing.person_by_slug, Person, slug, timezone.now())
        caching.label(request, list_key(obj))
        return obj

    def channel(self, person):
        description = f"Stories by and about {person.name} from {settings.NEWSROOM_NAME}."
        return f"{person} — {settings.NEWSROOM_NAME}", person.get_absolute_url(), description

    def stories(self, person, now):
        return _of_person(now=now, person=person.pk)


class CorrectionsFeed(FeedView):
    def get_object(self, request):
        caching.label(request, CORRECTIONS)

    def channel(self, obj):
        return (
            f"Corrections — {settings.NEWSROOM_NAME}",
            reverse("stories:corrections"),
            f"Every correction, clarification and update {settings.NEWSROOM_NAME} makes.",
        )

    def items(self, obj, origin):
        corrections = listing.corrections(timezone.now())(0, FEED_SIZE)
        for correction in corrections:
            story = correction.story
            link = absolute(origin, f"{story.get_absolute_url()}#correction-{correction.pk}")
            yield {
                "title": f"{correction.get_kind_display()}: {story.headline}",
                "link": link,
                "description": correction.text,
                "unique_id": link,
                "pubdate": correction.published_at,
                "updateddate": correction.published_at,
            }


class LatestStoriesAtomFeed(LatestStoriesFeed):
    feed_type = NewsAtomFeed


class LatestStoriesFullTextAtomFeed(LatestStoriesFullTextFeed):
    feed_type = NewsAtomFeed


class SectionAtomFeed(SectionFeed):
    feed_type = NewsAtomFeed


class TagAtomFeed(TagFeed):
    feed_type = NewsAtomFeed


class PersonAtomFeed(PersonFeed):
    feed_type = NewsAtomFeed


class CorrectionsAtomFeed(CorrectionsFeed):
    feed_type = NewsAtomFeed
