"""Jinja2 templates as Django's test client sees its own: in ``response.context`` and
``response.templates``.

The client fills both from the ``template_rendered`` signal, which Django sends in tests for
the Django template language only. Here the reader pages' Jinja2 templates send it too, with
the context they were rendered with (the view's, the request and the context processors').
"""

from django.template.backends.jinja2 import Template
from django.test.signals import template_rendered

_render = Template.render


def _render_and_send(self, context=None, request=None):
    context = {} if context is None else context
    html = _render(self, context, request)  # which adds the request and the processors' values
    template_rendered.send(sender=self, template=self.template, context=context)
    return html


def install():
    Template.render = _render_and_send
