"""The demo coverage that ``python manage.py load_demo`` creates, built once per test session.

Running the loader draws its pictures and cuts their renditions, which takes seconds. So it
runs once per session (per worker), in a transaction that is rolled back; what it created is
kept as a fixture file and its pictures as a folder. ``load_demo()`` copies both into the
calling test's database and media folder, where the test's own transaction keeps them
isolated like any data it makes. Tests of the loader itself call ``run_demo_loader()``.
"""

import atexit
import functools
import shutil
import tempfile
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from stories.models import Image, Page, SearchEntry, Story
from stories.search import reindex_stories


def run_demo_loader(**options) -> str:
    """Run the ``load_demo`` command itself; return what it printed."""
    out = StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


@dataclass(frozen=True)
class Snapshot:
    fixture: Path
    media: Path
    created: dict  # model -> primary keys of the rows the loader created


@functools.cache
def snapshot() -> Snapshot:
    """Run the loader once, keep what it made, and roll its rows back."""
    folder = Path(tempfile.mkdtemp(prefix="newsroom-demo-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    fixture, media = folder / "demo.json", folder / "media"
    # The search index is rebuilt from the stories on loading, as a restore would.
    models = [model for model in apps.get_models() if model is not SearchEntry]
    with transaction.atomic(), override_settings(MEDIA_ROOT=media):
        before = {
            model: set(model._default_manager.values_list("pk", flat=True)) for model in models
        }
        pages_before = dict(Page.objects.values_list("pk", "updated_at"))
        run_demo_loader()
        # Cut now, into the snapshot's media: the task that would cut them waits for a commit
        # that never comes, and loading the rows back (raw saves) asks for no task.
        for image in Image.objects.exclude(pk__in=before[Image]):
            image.make_renditions()
        rows = [
            row for model in models for row in model._default_manager.exclude(pk__in=before[model])
        ]
        created = list(rows)
        # And the standing pages the migrations made that the loader writes (About).
        rows += [
            page for page in Page.objects.all() if pages_before.get(page.pk) != page.updated_at
        ]
        fixture.write_text(serializers.serialize("json", rows))
        transaction.set_rollback(True)
    created_pks = {}
    for row in created:
        created_pks.setdefault(type(row), set()).add(row.pk)
    return Snapshot(fixture, media, created_pks)


def load_demo():
    """Give this test the demo coverage: its rows, its pictures and their search entries.

    The rows keep the numbers they had when the loader made them, so call this before the
    test makes rows of its own.
    """
    demo = snapshot()
    for model, pks in demo.created.items():
        if model._default_manager.filter(pk__in=pks).exists():
            raise RuntimeError(
                f"load_demo() would overwrite {model._meta.verbose_name} rows this test made: "
                "call it before making them."
            )
    shutil.copytree(demo.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    call_command("loaddata", demo.fixture, verbosity=0)
    reindex_stories(Story.objects.filter(pk__in=demo.created.get(Story, ())))
