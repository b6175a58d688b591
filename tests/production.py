"""Production mode in tests: DEBUG off and the static files as collectstatic leaves them."""

import atexit
import functools
import shutil
import tempfile

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

PRODUCTION_STATIC_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def _static_settings(root):
    return {
        "STATIC_ROOT": root,
        "STORAGES": {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STATIC_STORAGE}},
        "WHITENOISE_AUTOREFRESH": False,
        "WHITENOISE_USE_FINDERS": False,
        # Compressing the large scripts takes most of collectstatic's time; the stylesheets
        # show that compression works.
        "WHITENOISE_SKIP_COMPRESS_EXTENSIONS": (
            *settings.WHITENOISE_SKIP_COMPRESS_EXTENSIONS,
            "js",
        ),
    }


@functools.cache
def collected_static_root():
    """Collect every static file once per test run: hashed names, gzip and Brotli copies."""
    root = tempfile.mkdtemp(prefix="newsroom-test-static-")
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    with override_settings(**_static_settings(root)):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


class ProductionMode:
    """For a TestCase: DEBUG off, WhiteNoise serving the collected static files."""

    @classmethod
    def setUpClass(cls):
        override = override_settings(DEBUG=False, **_static_settings(collected_static_root()))
        override.enable()
        cls.addClassCleanup(override.disable)
        super().setUpClass()
