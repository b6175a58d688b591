"""Production mode in tests: the settings a production environment gives (read in a process of
its own), and DEBUG off with the static files as collectstatic leaves them."""

import atexit
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "s" * 50,
    "ALLOWED_HOSTS": "news.example",
    "SOURCE_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
}
SERVING = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SOURCE_ENCRYPTION_KEYS",
    "SITE_URL",
    "SECURE_PROXY_SSL_HEADER",
    "CSRF_TRUSTED_ORIGINS",
    "CONN_MAX_AGE",
    "CONN_HEALTH_CHECKS",
    "DATABASE_STATEMENT_TIMEOUT",
    "PRIVATE_MEDIA_SENDFILE",
    "REDIS_URL",
    "WEB_CONCURRENCY",
    "WEB_THREADS",
    "PORT",
    "BIND",
    "HTTPS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_COOKIES",
    "REFERRER_POLICY",
    "CROSS_ORIGIN_OPENER_POLICY",
    "CSP_REPORT_ONLY",
    "CSP_REPORT_URI",
    "PERMISSIONS_POLICY",
    "SECURITY_CONTACT",
    # Set while the browser tests run (tests/browser/conftest.py); check --deploy refuses it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}
# The environment the README's "Running in production" documents, with a key as random as a
# real one must be (check --deploy measures it).
DOCUMENTED_PRODUCTION = {
    **PRODUCTION,
    "SECRET_KEY": "k3Jx9_vQ2pLr8ZtYw4NbH6mCs1FgDa7EeUoRiTn5yXcVjKlMhBqPzWu0SdGfA2Lx",
    "SITE_URL": "https://news.example",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}
HTTPS_SETTINGS = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
)


def environment(**env):
    return {**{k: v for k, v in os.environ.items() if k not in SERVING}, **env}


def run_python(code, **env):
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment(**env),
        capture_output=True,
        text=True,
    )


def production_settings(*names, **env):
    """The values of ``names`` in newsroom.settings, imported with ``env`` in production mode."""
    code = (
        "import json, newsroom.settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}, default=str))"
    )
    result = run_python(code, **{**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def settings_error(**env):
    result = run_python("import newsroom.settings", **{**PRODUCTION, **env})
    assert result.returncode != 0
    return result.stderr.strip().splitlines()[-1]


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
