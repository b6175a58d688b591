"""A real ``manage.py db_worker``, killed in the middle of a task: nothing is lost.

The worker runs as its own process against the test's database (its PostgreSQL database, or
a SQLite file: the SQLite test database lives in this process's memory), cuts the
renditions of a 40-megapixel picture, and is killed with SIGKILL once the first rendition
is on disk. ``requeue_interrupted_tasks`` puts the task back; a new worker runs it to the end.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection
from django.test import TransactionTestCase

ROOT = Path(__file__).resolve().parent.parent
# Every step is bounded: a hung worker fails the test instead of hanging the suite.
STEP_TIMEOUT = 60


def database_url(tmp):
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
        port = f":{settings['PORT']}" if settings["PORT"] else ""
        return (
            f"postgres://{settings['USER']}{password}@{settings['HOST']}{port}/{settings['NAME']}"
        )
    return f"sqlite:///{tmp / 'tasks.sqlite3'}"


class KilledWorkerTests(TransactionTestCase):
    serialized_rollback = True  # keep the Reporter and Editor groups for later tests

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="newsroom-worker-"))
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.media = self.tmp / "media"
        self.env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": database_url(self.tmp),
            "CONN_MAX_AGE": "0",
            "MEDIA_ROOT": str(self.media),
            "TASKS_BACKEND": "database",
        }
        self.workers = []

    def tearDown(self):
        for worker in self.workers:
            if worker.poll() is None:
                worker.kill()
            worker.wait(STEP_TIMEOUT)

    def run_python(self, *args):
        result = subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def database(self, *args):
        return json.loads(self.run_python("-m", "tests.helpers.task_database", *args))

    def start_worker(self, *options):
        worker = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.05",
                *options,
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.workers.append(worker)
        return worker

    def wait_for_first_rendition(self, worker):
        deadline = time.monotonic() + STEP_TIMEOUT
        while time.monotonic() < deadline:
            if any((self.media / "renditions").rglob("*.*")):
                return
            assert worker.poll() is None, worker.stderr.read().decode()
            time.sleep(0.005)
        raise AssertionError("The worker wrote no rendition in time.")

    def test_a_worker_killed_mid_task_loses_nothing_and_the_task_completes_once_rerun(self):
        image = self.database("prepare")["image"]
        queued = self.database("state", str(image))
        assert [t["status"] for t in queued["tasks"]] == ["READY"]
        assert not queued["ready"]

        worker = self.start_worker()
        self.wait_for_first_rendition(worker)
        worker.send_signal(signal.SIGKILL)
        worker.wait(STEP_TIMEOUT)

        killed = self.database("state", str(image))
        assert [t["status"] for t in killed["tasks"]] == ["RUNNING"]  # killed mid-task
        assert not killed["ready"]
        assert killed["files"] >= 1 and killed["whole"] < killed["expected"]

        requeued = self.run_python("manage.py", "requeue_interrupted_tasks")
        assert requeued.strip() == "1 interrupted task requeued."
        finishing = self.start_worker("--batch")
        finishing.wait(STEP_TIMEOUT)
        assert finishing.returncode == 0, finishing.stderr.read().decode()

        done = self.database("state", str(image))
        assert done["tasks"] == [{"status": "SUCCESSFUL", "args": [image], "workers": 2}]
        assert done["ready"]
        assert done["whole"] == done["files"] == done["expected"] == 24
