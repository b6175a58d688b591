import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import storages
from django.test import override_settings

from stories.models import Source
from tests import commits
from tests.signin import force_login_gives_second_factor  # noqa: F401  (an autouse fixture)
from tests.varnish import varnish, varnish_server  # noqa: F401  (fixtures for every test)

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
