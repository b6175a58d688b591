import pytest
from django.core.cache import caches
from django.test import override_settings

from tests import commits
from tests.signin import force_login_gives_second_factor  # noqa: F401  (an autouse fixture)


@pytest.fixture(autouse=True, scope="session")
def temporary_media_root(tmp_path_factory):
    """No test writes into the project's media folder, whatever it uploads or loads."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


commits.install()


@pytest.fixture(autouse=True)
def empty_caches():
    """Every test starts with empty caches: no page cached by an earlier test is served."""
    for cache in caches.all():
        cache.clear()
