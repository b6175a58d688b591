"""Two editors saving the same story at the same moment: one wins, the other is told."""

import threading
import unittest

from django.db import connection
from django.test import Client, TransactionTestCase
from django.urls import reverse

from stories.models import Revision, Story
from tests.helpers.accounts import make_user, story_post_data
from tests.helpers.factories import make_story


@unittest.skipUnless(connection.vendor == "postgresql", "needs concurrent writers")
class ConcurrentSaveTests(TransactionTestCase):
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
