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
from django.test import override_settings

django.setup()
# The production hasher is slow by design; tests create and sign in users by the hundred.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

from caching import store  # noqa: E402
from stories.models import Source  # noqa: E402  (models load once Django is set up)
from tests.helpers import commits, jinja2_templates  # noqa: E402
from tests.helpers.signin import force_login_gives_second_factor  # noqa: E402, F401  (autouse fixture)
from tests.helpers.varnish import varnish, varnish_server  # noqa: E402, F401  (fixtures for every test)

commits.install()
jinja2_templates.install()


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
    store.backend.forget_storage()  # and the page cache's index of what they held
