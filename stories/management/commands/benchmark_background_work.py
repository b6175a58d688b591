import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from stories import workflow
from stories.models import Image, Section, Story, Tag, TaggedStory, TagMerge
from stories.tagging import request_merge
from webhooks.models import Delivery, Endpoint, Event

from .benchmark_images import _photo_like_jpeg

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SYSTEM = {"by": workflow.SYSTEM, "note": "benchmark_background_work"}
PREFIX = "benchmark-background"


class Command(BaseCommand):
    help = (
        "Measure what background work saves an editor: saving a large picture and asking for "
        "a merge of a tag on many stories, with tasks run at once (as the request used to do "
        "the work) and stored for a worker; and the time from publishing a story to a webhook "
        "receiver getting it, through a real `manage.py db_worker`. Works on the configured "
        "database with real commits, and deletes what it made."
    )

    def add_arguments(self, parser):
        parser.add_argument("--megapixels", type=float, default=40)
        parser.add_argument("--stories", type=int, default=5000, help="stories in the merge")
        parser.add_argument("--runs", type=int, default=5, help="webhook deliveries timed")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="the worker's polling interval (s)"
        )

    def handle(self, *args, megapixels, stories, runs, interval, **options):
        if stories < 1 or runs < 1 or interval <= 0:
            raise CommandError("--stories and --runs take 1 or more; --interval more than 0.")
        if connection.vendor == "sqlite" and connection.settings_dict["NAME"] == ":memory:":
            raise CommandError("The worker needs a database on disk; set DATABASE_URL.")
        logging.getLogger("django.tasks").setLevel(logging.WARNING)
        self.stdout.write(f"database: {connection.vendor}")
        self.started = timezone.now()
        self.section = Section.objects.create(name="Benchmark", slug=f"{PREFIX}-section")
        try:
            self.pictures(megapixels)
            self.merges(stories)
            self.webhooks(runs, interval)
        finally:
            self.clean_up()

    def pictures(self, megapixels):
        photo = _photo_like_jpeg(megapixels)
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            for label, tasks in (("renditions cut in the save", IMMEDIATE), ("after", DATABASE)):
                with override_settings(TASKS=tasks):
                    photo.seek(0)
                    started = time.perf_counter()
                    image = Image.objects.create(file=photo, alt_text=PREFIX, credit=PREFIX)
                    elapsed = time.perf_counter() - started
                ready = Image.objects.get(pk=image.pk).renditions_ready
                self.stdout.write(
                    f"save of a {megapixels:g} MP picture, {label}: {elapsed:.2f} s "
                    f"(renditions {'ready' if ready else 'left to the worker'})"
                )
                image.delete()

    def merges(self, n_stories):
        generated = Story.objects.bulk_create(
            Story(headline=f"Benchmark {i}", slug=f"{PREFIX}-{i}", section=self.section)
            for i in range(n_stories)
        )
        for label, tasks in (("done in the request", IMMEDIATE), ("after", DATABASE)):
            source = Tag.objects.create(name=f"{PREFIX} source", slug=f"{PREFIX}-source")
            target = Tag.objects.create(name=f"{PREFIX} target", slug=f"{PREFIX}-target")
            TaggedStory.objects.bulk_create(
                [TaggedStory(tag=source, content_object=story) for story in generated]
                + [TaggedStory(tag=target, content_object=story) for story in generated[::2]]
            )
            with override_settings(TASKS=tasks):
                started = time.perf_counter()
                merge = request_merge([source], target)
                elapsed = time.perf_counter() - started
            merge.refresh_from_db()
            self.stdout.write(
                f"merge of a tag on {n_stories} stories, {label}: {elapsed:.2f} s "
                f"(merge {merge.get_state_display().lower()})"
            )
            TagMerge.objects.filter(pk=merge.pk).delete()
            Tag.objects.filter(slug__startswith=PREFIX).delete()

    def webhooks(self, runs, interval):
        received, arrived = [], threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.append(time.perf_counter())
                self.send_response(200)
                self.end_headers()
                arrived.set()

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        Endpoint.objects.create(
            name=PREFIX,
            url=f"http://127.0.0.1:{server.server_port}/",
            events=[Event.PUBLISHED],
        )
        # The worker starts with an empty queue: the tasks queued above are not timed here.
        DBTaskResult.objects.filter(enqueued_at__gte=self.started).delete()
        root = Path(settings.BASE_DIR)
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", str(interval)],
            cwd=root,
            env={**os.environ, "TASKS_BACKEND": "database"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        latencies = {"immediate": [], "worker": []}
        try:
            for mode, tasks in (("immediate", IMMEDIATE), ("worker", DATABASE)):
                # The worker's first task waits for it to start: a warm-up, not timed.
                warm_up = 1 if mode == "worker" else 0
                for n in range(runs + warm_up):
                    story = Story.objects.create(
                        headline=f"Benchmark webhook {n}",
                        slug=f"{PREFIX}-hook-{mode}-{n}",
                        section=self.section,
                    )
                    arrived.clear()
                    with override_settings(TASKS=tasks):
                        started = time.perf_counter()
                        workflow.publish(story, **SYSTEM)
                    if not arrived.wait(30):
                        raise CommandError("No webhook arrived within 30 s.")
                    if n >= warm_up:
                        latencies[mode].append(received[-1] - started)
        finally:
            worker.terminate()
            worker.wait(30)
            server.shutdown()
        for mode, label in (
            ("immediate", "sent in the publishing request (TASKS_BACKEND=immediate)"),
            ("worker", f"through db_worker polling every {interval:g} s"),
        ):
            times = sorted(latencies[mode])
            self.stdout.write(
                f"webhook latency, publish to receipt, {label}: median "
                f"{times[len(times) // 2] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms "
                f"({len(times)} runs)"
            )
        self.stdout.write(json.dumps({k: [round(v, 4) for v in t] for k, t in latencies.items()}))

    def clean_up(self):
        Delivery.objects.filter(endpoint__name=PREFIX).delete()
        Endpoint.objects.filter(name=PREFIX).delete()
        Story.objects.filter(slug__startswith=PREFIX).delete()
        Tag.objects.filter(slug__startswith=PREFIX).delete()
        Section.objects.filter(slug__startswith=PREFIX).delete()
        Image.objects.filter(credit=PREFIX).delete()
        DBTaskResult.objects.filter(enqueued_at__gte=self.started).delete()
