"""What every test runs with, so that plain ``pytest`` works without make or environment variables.

The settings are the project's own ``newsroom/settings.py`` with ``DEBUG=1``, which gives the
development defaults (a throwaway ``SECRET_KEY``, local host names). Django is set up here,
before any other conftest or test module imports a model.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DEBUG", "1")

import django
import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import storages
from django.db import connections
from django.test import TestCase, TransactionTestCase, override_settings

django.setup()
# The production hasher is slow by design; tests create and sign in users by the hundred.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

from stories.models import Source  # noqa: E402  (models load once Django is set up)
from tests import commits  # noqa: E402
from tests.signin import force_login_gives_second_factor  # noqa: E402, F401  (autouse fixture)
from tests.varnish import varnish, varnish_server  # noqa: E402, F401  (fixtures for every test)

commits.install()


@pytest.fixture(autouse=True, scope="session")
def temporary_media_root(tmp_path_factory):
    """No test writes into the project's media folders, whatever it uploads or loads."""
    private = settings.STORAGES["private"]
    temporary = {
        **settings.STORAGES,
        "private": {
            **private,
            "OPTIONS": {**private["OPTIONS"], "location": tmp_path_factory.mktemp("private")},
        },
    }
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"), STORAGES=temporary):
        # A file field keeps the storage it was given when the models were loaded.
        document = Source._meta.get_field("document")
        loaded, document.storage = document.storage, storages["private"]
        yield
        document.storage = loaded


@pytest.fixture(autouse=True)
def empty_caches():
    """Every test starts with empty caches: no page cached by an earlier test is served."""
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def migrated_data_after_a_flush(request, django_db_serialized_rollback):
    """Give tests that follow a transactional one the data the migrations create.

    A transactional test (the live server, Varnish, concurrent saves) ends by emptying the
    database; with serialized rollback, the roles and standing pages are put back before
    the next such test. Put them back at once instead, so that whichever test runs next in
    this worker — a TestCase too — finds the database as the migrations leave it.
    """
    yield
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        isinstance(request.instance, TransactionTestCase)
        and not isinstance(request.instance, TestCase)
    )
    if transactional:
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)
