from django import template

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
