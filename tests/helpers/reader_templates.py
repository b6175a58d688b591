"""Reader template source rendered on its own, as the reader pages' Jinja2 engine renders it."""

from django.template import engines


def render_reader(source, **context):
    return engines["jinja2"].from_string(source).render(context)
