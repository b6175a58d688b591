"""What the reader templates (``reader_templates/``) call, by the names ``stories/jinja2.py``
gives them.
"""

import datetime
import functools
from html import escape

from django.template import defaultfilters
from django.utils import formats, timezone, translation
from django.utils.safestring import mark_safe

from stories import structured_data
from stories.addresses import address as _address
from stories.models import Story
from stories.templatetags import pictures

KINDS = dict(Story.Kind.choices)


def absolute_url(request, path):
    return request.build_absolute_uri(path) if request else path


def canonical_url(request, page=None):
    """This page's one address: its path, plus the page number beyond the first page."""
    path = request.path
    number = getattr(page, "number", 1)
    if number > 1:
        path = f"{path}?page={number}"
    return request.build_absolute_uri(path)


def address(viewname, **kwargs):
    """``url()`` for a view without arguments or with slugs: ``address("stories:page",
    slug="about")``, at a fraction of the cost."""
    if not all(isinstance(value, str) for value in kwargs.values()):
        raise TypeError(f"address({viewname!r}) takes slugs; use url() for numbers.")
    return _address(viewname, **kwargs)


def archive_address(moment, period="day"):
    """The address of the ``period`` ("year", "month" or "day") of the archive that holds
    ``moment``, a date or a time in the newsroom's zone: ``/2026/11/24/``."""
    day = timezone.localdate(moment) if isinstance(moment, datetime.datetime) else moment
    parts = {"year": f"{day.year:04d}"}
    if period != "year":
        parts["month"] = f"{day.month:02d}"
    if period == "day":
        parts["day"] = f"{day.day:02d}"
    return _address(f"stories:archive-{period}", **parts)


def section_links(request, sections):
    """A ``<li>`` link to each of ``sections``; the one of this page is marked as current."""
    here = request.path if request else None
    items = []
    for section in sections:
        url = section.get_absolute_url()
        current = ' aria-current="page"' if url == here else ""
        items.append(
            f'\n          <li><a href="{escape(url)}"{current}>{escape(section.name)}</a></li>'
        )
    return mark_safe("".join(items))


def iso(moment):
    """A machine-readable time in the newsroom's zone, to the second: 2026-11-24T10:15:00-05:00."""
    return structured_data.iso(moment) if moment else ""


# Format characters that show a time of day rather than a date.
_TIME_FORMATS = set("aABfgGhHiPsuveIOTZcrU")


@functools.lru_cache(maxsize=4096)
def _shown(moment, zone, date_format, language):
    return formats.date_format(moment, date_format)


def _local_shown(local, date_format):
    # A page shows the same few days over and over, and formatting one costs more than the
    # rest of a story card: each is formatted once (a date once for all its times, when only
    # the date is shown).
    if (
        date_format
        and isinstance(local, datetime.datetime)
        and not _TIME_FORMATS & set(date_format)
    ):
        local = local.date()
    return _shown(local, getattr(local, "tzinfo", None), date_format, translation.get_language())


def date(value, date_format=None):
    """Django's ``|date``: ``value`` in ``date_format``, in the current time zone."""
    if not isinstance(value, datetime.date):
        return defaultfilters.date(value, date_format)
    return _local_shown(timezone.template_localtime(value), date_format)


def time_tag(moment, date_format="N j, Y"):
    """``moment`` as a ``<time>`` element in the newsroom's zone, shown in ``date_format``."""
    if not moment:
        return ""
    local = timezone.localtime(moment)
    shown = _local_shown(local, date_format)
    return mark_safe(
        f'<time datetime="{local.isoformat(timespec="seconds")}">{escape(shown)}</time>'
    )


def story_label(story):
    """What kind of work a story is, and its kicker when that says something more."""
    kind = KINDS.get(story.kind, story.kind)
    if story.kicker and story.kicker.lower() != kind.lower():
        return f"{kind} · {story.kicker}"
    return kind


def byline(story):
    """ "By Ana Diaz, Ben Ito and Chen Xu", or "" for a story without writers credited."""
    names = [person.name for person in structured_data.authors(story)]
    if len(names) > 1:
        names = [", ".join(names[:-1]), names[-1]]
    return f"By {' and '.join(names)}" if names else ""


# Story cards are the fragment a list shows dozens of times. Built here, with the standard
# library's escaping, they cost a fraction of what the same markup costs as a template
# included once per story.


def story_cards(stories, heading_level=2, thumbnails=False):
    """A card for each of ``stories`` (loaded ``for_listing()``): label, headline, dek, byline;
    with ``thumbnails``, the story's picture too, which the list must have loaded with it
    (``select_related("hero_image")``), fetched only when scrolled near."""
    h = int(heading_level)
    return mark_safe("".join(_card(story, h, thumbnails) for story in stories))


def _card(story, h, thumbnails=False):
    credit = byline(story)
    dek = f'<p class="dek">{escape(story.dek)}</p>\n  ' if story.dek else ""
    meta = f"{escape(credit)} · " if credit else ""
    text = (
        f'\n  <p class="kicker">{escape(story_label(story))}</p>\n'
        f'  <h{h} class="story-card-headline"><a href="{escape(story.get_absolute_url())}">'
        f"{escape(story.headline)}</a></h{h}>\n"
        f'  {dek}<p class="meta">{meta}{time_tag(story.published_at)}</p>\n'
    )
    picture = _thumbnail(story.hero_image) if thumbnails and story.hero_image_id else ""
    if picture:
        return f'\n<article class="story-card with-thumbnail">{picture}<div>{text}</div></article>'
    return f'\n<article class="story-card">{text}</article>'


def _thumbnail(image):
    found = pictures.sources(image, "4x3")
    if not found:
        return ""
    sizes = "(min-width: 60rem) 10rem, 7rem"
    # While the renditions are being prepared, the master alone (``pictures.sources``).
    webp, jpeg = found.get("webp_srcset"), found.get("jpeg_srcset")
    source = f'<source type="image/webp" srcset="{escape(webp)}" sizes="{sizes}">' if webp else ""
    srcset = f' srcset="{escape(jpeg)}" sizes="{sizes}"' if jpeg else ""
    return (
        f'\n  <picture>{source}<img src="{escape(found["src"])}"{srcset} '
        f'width="{found["width"]}" height="{found["height"]}" alt="{escape(image.alt_text)}" '
        'loading="lazy" decoding="async"></picture>'
    )


def story_list_items(stories):
    """A short ``<li>`` for each of ``stories``: label, headline and date."""
    return mark_safe("".join(_list_item(story) for story in stories))


def _list_item(story):
    return (
        f'\n<li class="story-compact">\n  <span class="kicker">{escape(story_label(story))}</span>\n'
        f'  <a href="{escape(story.get_absolute_url())}">{escape(story.headline)}</a>\n'
        f"  {time_tag(story.published_at)}\n</li>"
    )
