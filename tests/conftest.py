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
from django.test import override_settings

django.setup()
# The production hasher is slow by design; tests create and sign in users by the hundred.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def temporary_media_root(tmp_path_factory):
    """No test writes into the project's media folder, whatever it uploads or loads."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield
