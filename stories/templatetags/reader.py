from django import template
from django.utils import formats, timezone
from django.utils.html import format_html

from stories import structured_data

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's one address: its path, plus the page number beyond the first page."""
    request = context["request"]
    path = request.path
    number = getattr(context.get("page"), "number", 1)
    if number > 1:
        path = f"{path}?page={number}"
    return request.build_absolute_uri(path)


@register.filter
def json_ld(data):
    return structured_data.json_ld(data)


@register.filter
def iso(moment):
    """A machine-readable time in the newsroom's zone, to the second: 2026-11-24T10:15:00-05:00."""
    return structured_data.iso(moment) if moment else ""


@register.filter
def time_tag(moment, date_format="N j, Y"):
    """``moment`` as a ``<time>`` element in the newsroom's zone, shown in ``date_format``."""
    if not moment:
        return ""
    local = timezone.localtime(moment)
    return format_html(
        '<time datetime="{}">{}</time>',
        local.isoformat(timespec="seconds"),
        formats.date_format(local, date_format),
    )


@register.filter
def story_label(story):
    """What kind of work a story is, and its kicker when that says something more."""
    kind = story.get_kind_display()
    if story.kicker and story.kicker.lower() != kind.lower():
        return f"{kind} · {story.kicker}"
    return kind


@register.filter
def byline(story):
    """ "By Ana Diaz, Ben Ito and Chen Xu", or "" for a story without writers credited."""
    names = [person.name for person in structured_data.authors(story)]
    if len(names) > 1:
        names = [", ".join(names[:-1]), names[-1]]
    return f"By {' and '.join(names)}" if names else ""
