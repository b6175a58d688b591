"""The Jinja2 environment of the reader templates (``reader_templates/``): what they call.

Values are escaped as they are shown; a ``SafeString`` (``mark_safe``) is shown as it is,
through its ``__html__``. The fragments a page repeats are written in Python, by
``stories.templatetags.reader`` and ``pictures``.
"""

import unicodedata
from itertools import groupby
from operator import attrgetter

from django.template import defaultfilters, defaulttags
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, Environment, pass_context

from stories import structured_data
from stories.templatetags import pictures, reader


def environment(**options):
    # A missing value, or an attribute of one, shows as nothing, as in Django templates, and in
    # development too (where Django's backend would print its name); a template's last newline
    # is kept, as Django keeps it.
    env = Environment(
        **{**options, "undefined": ChainableUndefined, "keep_trailing_newline": True}
    )
    env.globals.update(
        absolute_url=reader.absolute_url,
        address=reader.address,
        archive_address=reader.archive_address,
        canonical_url=reader.canonical_url,
        picture_sources=pictures.sources,
        querystring=querystring,
        section_links=reader.section_links,
        share_image=structured_data.share_image,
        static=static,
        story_cards=reader.story_cards,
        story_list_items=reader.story_list_items,
        url=url,
    )
    env.filters.update(
        byline=reader.byline,
        date=reader.date,
        iso=reader.iso,
        json_ld=structured_data.json_ld,
        pluralize=defaultfilters.pluralize,
        regroup=regroup,
        story_label=reader.story_label,
        time_tag=reader.time_tag,
        truncatechars=truncatechars,
        with_pictures=pictures.with_pictures,
    )
    return env


def url(viewname, *args, **kwargs):
    """Django's ``{% url %}``: ``url("stories:search")``."""
    return reverse(viewname, args=args, kwargs=kwargs)


def truncatechars(value, length):
    """Django's ``|truncatechars``, without its walk through every character of a text that
    fits."""
    text = str(value)
    if len(text) <= length and unicodedata.is_normalized("NFC", text):
        return text
    return defaultfilters.truncatechars(text, length)


@pass_context
def querystring(context, **changes):
    """Django's ``{% querystring %}``: this request's query string with ``changes``."""
    return defaulttags.querystring(context, context["request"].GET, **changes)


def regroup(items, attribute):
    """Django's ``{% regroup %}``: ``(value, items)`` for each run of items sharing the value
    of ``attribute``, in their order (Jinja2's ``groupby`` sorts them first)."""
    return [(value, list(group)) for value, group in groupby(items, attrgetter(attribute))]
