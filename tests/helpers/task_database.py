"""The database side of ``tests/test_task_worker.py``, run as a process of its own.

The worker under test is a separate process, so it needs a database on disk: the test's own
PostgreSQL database, or a SQLite file (Django's SQLite test database lives in memory). This
module reads and writes that database with the project's settings::

    python -m tests.helpers.task_database prepare    # a 40 MP picture; its renditions task
    python -m tests.helpers.task_database state ID   # that picture's task and files, as JSON

with ``DATABASE_URL``, ``MEDIA_ROOT`` and ``TASKS_BACKEND=database`` in the environment.
"""

import json
import os
import sys


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def prepare():
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0)
    from stories.management.commands.benchmark_images import _photo_like_jpeg
    from stories.models import Image

    image = Image.objects.create(file=_photo_like_jpeg(40), alt_text="A crowd", credit="Staff")
    return {"image": image.pk}


def state(image_id):
    from django_tasks_db.models import DBTaskResult
    from PIL import Image as PillowImage

    from stories import images
    from stories.models import Image

    image = Image.objects.get(pk=image_id)
    storage = image.file.storage
    expected = [r.name for r in images.all_renditions(image)]
    whole = files = 0
    for name in expected:
        if storage.exists(name):
            files += 1
            try:
                with PillowImage.open(storage.path(name)) as picture:
                    picture.load()
                whole += 1
            except OSError:
                pass
    tasks = DBTaskResult.objects.filter(task_path="stories.tasks.cut_renditions")
    return {
        "tasks": [
            {"status": t.status, "args": t.args_kwargs["args"], "workers": len(t.worker_ids)}
            for t in tasks
        ],
        "ready": image.renditions_ready,
        "expected": len(expected),
        "files": files,  # on disk
        "whole": whole,  # of which readable to the end
    }


if __name__ == "__main__":
    setup()
    command, *args = sys.argv[1:]
    result = prepare() if command == "prepare" else state(int(args[0]))
    print(json.dumps(result))
