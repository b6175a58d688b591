"""The demo coverage, as ``python manage.py load_demo`` creates it."""

from io import StringIO

from django.core.management import call_command


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()
