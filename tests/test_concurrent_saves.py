"""Two editors saving the same story at the same moment: one wins, the other is told."""

import json
import subprocess
import sys
import tempfile
import threading
import unittest
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client, SimpleTestCase, TransactionTestCase
from django.urls import reverse

from stories.models import Revision, Story
from tests.helpers.accounts import make_user, story_post_data
from tests.helpers.factories import make_story


@unittest.skipUnless(connection.vendor == "postgresql", "needs concurrent writers")
class PostgreSQLConcurrentSaveTests(TransactionTestCase):
    serialized_rollback = True  # keep the Reporter and Editor groups for later tests

    def test_simultaneous_saves_from_the_same_version_never_lose_an_update(self):
        story = make_story(headline="Original")
        Revision.baseline(story)
        editors = [make_user("editor", "alice"), make_user("editor", "bob")]
        url = reverse("admin:stories_story_change", args=[story.pk])
        base = Revision.latest_id(story)
        start = threading.Barrier(len(editors))
        results = {}

        def save(user):
            client = Client()
            client.force_login(user)
            data = story_post_data(story, base, headline=f"{user.username}'s headline")
            start.wait()
            try:
                results[user.username] = client.post(url, data)
            finally:
                connection.close()

        threads = [threading.Thread(target=save, args=[user]) for user in editors]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        codes = sorted(response.status_code for response in results.values())
        assert codes == [200, 302]
        winner = next(name for name, r in results.items() if r.status_code == 302)
        loser = next(name for name, r in results.items() if r.status_code == 200)
        assert Story.objects.get(pk=story.pk).headline == f"{winner}'s headline"
        assert f"{winner.title()} changed headline" in results[loser].text
        assert f"{loser}&#x27;s headline" in results[loser].text


class SQLiteConcurrentSaveTests(SimpleTestCase):
    """The same on a SQLite file with the project's settings, in a process of its own.

    The SQLite test database lives in memory, where a second writer fails at once instead of
    waiting: ``tests/helpers/sqlite_writers.py`` runs both editors against a real file.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with tempfile.TemporaryDirectory() as folder:
            run = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "tests.helpers.sqlite_writers",
                    str(Path(folder) / "db.sqlite3"),
                ],
                cwd=settings.BASE_DIR,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
        assert run.returncode == 0, run.stderr
        cls.results = json.loads(run.stdout)

    def test_simultaneous_saves_from_the_same_version_give_one_save_and_one_warning(self):
        race = self.results["race"]
        answers = race["answers"]
        codes = sorted(answer["status"] for answer in answers.values())
        assert codes == [200, 302]
        winner = next(name for name, a in answers.items() if a["status"] == 302)
        loser = next(name for name, a in answers.items() if a["status"] == 200)
        assert race["headline"] == f"{winner}'s headline"
        assert f"{winner.title()} changed headline" in answers[loser]["text"]
        assert f"{loser}&#x27;s headline" in answers[loser]["text"]

    def test_a_save_waiting_longer_than_the_lock_timeout_gets_its_form_back_with_its_text(self):
        held = self.results["held"]
        assert held["answer"]["status"] == 200
        assert "Nothing was saved: someone else was saving" in held["answer"]["text"]
        assert "Typed while the database was busy" in held["answer"]["text"]
        assert held["headline"] != "Typed while the database was busy"
