"""Saves of one story from two editors at once on a SQLite file, as the site runs on SQLite.

Django's test database for SQLite lives in memory, where connections share one cache and a
second writer fails at once instead of waiting; so ``tests/test_concurrent_saves.py`` runs
this in a process of its own, against a fresh file with the project's settings::

    python -m tests.helpers.sqlite_writers /tmp/newsroom.sqlite3

It prints, as JSON, what each editor got back in two scenarios: ``race``, both saving at
the same moment; ``held``, one saving while another program holds the write lock for
longer than the lock timeout.
"""

import json
import os
import sqlite3
import sys
import threading


def setup(path):
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    os.environ["DEBUG"] = "1"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["CONN_MAX_AGE"] = "0"
    import django
    from django.conf import settings

    django.setup()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def signed_in(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    client = Client()
    device, _ = StaticDevice.objects.get_or_create(user=user, name="second factor")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def answer(response):
    return {"status": response.status_code, "text": response.content.decode()}


def race(story, editors):
    from django.db import connection
    from django.urls import reverse

    from stories.models import Revision
    from tests.helpers.accounts import story_post_data

    url = reverse("admin:stories_story_change", args=[story.pk])
    base = Revision.latest_id(story)
    clients = {user.username: signed_in(user) for user in editors}
    start = threading.Barrier(len(editors))
    results = {}

    def save(name):
        data = story_post_data(story, base, headline=f"{name}'s headline")
        start.wait()
        try:
            results[name] = answer(clients[name].post(url, data))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=[user.username]) for user in editors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    story.refresh_from_db()
    return {"answers": results, "headline": story.headline}


def held(path, story, editor):
    from django.conf import settings
    from django.db import connections
    from django.urls import reverse

    from tests.helpers.accounts import story_post_data

    # As if started with DATABASE_LOCK_TIMEOUT=1.
    settings.DATABASES["default"]["OPTIONS"]["timeout"] = 1
    connections.close_all()
    client = signed_in(editor)
    data = story_post_data(story, headline="Typed while the database was busy")
    url = reverse("admin:stories_story_change", args=[story.pk])
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = answer(client.post(url, data))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    story.refresh_from_db()
    return {"answer": result, "headline": story.headline}


def main(path):
    setup(path)
    from stories.models import Revision
    from tests.helpers.accounts import make_user
    from tests.helpers.factories import make_story

    story = make_story(headline="Original")
    Revision.baseline(story)
    editors = [make_user("editor", "alice"), make_user("editor", "bob")]
    print(json.dumps({"race": race(story, editors), "held": held(path, story, editors[0])}))


if __name__ == "__main__":
    main(sys.argv[1])
