"""What production mode reads from the environment: static files, proxies, the public
origin, database connections, and how many gunicorn processes share the page cache."""

import json
import os
import runpy
import subprocess
import sys
import unittest
from pathlib import Path

from cryptography.fernet import Fernet
from django.db import connection
from django.test import SimpleTestCase, TestCase

ROOT = Path(__file__).resolve().parent.parent
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
}


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


class StaticFilesSettingsTests(SimpleTestCase):
    def test_production_serves_collected_hashed_compressed_files(self):
        found = production_settings("STORAGES", "WHITENOISE_AUTOREFRESH", "MIDDLEWARE")
        assert found["STORAGES"]["staticfiles"]["BACKEND"] == (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
        assert found["WHITENOISE_AUTOREFRESH"] is False
        middleware = found["MIDDLEWARE"]
        assert middleware[:2] == [
            "django.middleware.security.SecurityMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
        ]

    def test_development_serves_the_apps_files_as_they_are(self):
        found = production_settings("STORAGES", "WHITENOISE_AUTOREFRESH", DEBUG="1")
        assert found["STORAGES"]["staticfiles"]["BACKEND"].endswith(".StaticFilesStorage")
        assert found["WHITENOISE_AUTOREFRESH"] is True

    def test_private_documents_are_stored_outside_the_media_root(self):
        found = production_settings("STORAGES", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT")
        location = Path(found["STORAGES"]["private"]["OPTIONS"]["location"])
        assert location == Path(found["PRIVATE_MEDIA_ROOT"])
        assert not location.is_relative_to(found["MEDIA_ROOT"])

    def test_an_unknown_sendfile_mode_fails_clearly(self):
        error = settings_error(PRIVATE_MEDIA_SENDFILE="nginx")
        assert "PRIVATE_MEDIA_SENDFILE must be x-accel-redirect" in error


class ProxySettingsTests(SimpleTestCase):
    def test_the_tls_proxys_header_is_read_from_the_environment(self):
        for value, expected in [
            ("X-Forwarded-Proto", ["HTTP_X_FORWARDED_PROTO", "https"]),
            ("X-Forwarded-Ssl: on", ["HTTP_X_FORWARDED_SSL", "on"]),
        ]:
            with self.subTest(value=value):
                found = production_settings(
                    "SECURE_PROXY_SSL_HEADER", SECURE_PROXY_SSL_HEADER=value
                )
                assert found["SECURE_PROXY_SSL_HEADER"] == expected
        assert production_settings("SECURE_PROXY_SSL_HEADER")["SECURE_PROXY_SSL_HEADER"] is None

    def test_site_url_is_a_trusted_origin_and_csrf_origins_come_from_the_environment(self):
        found = production_settings(
            "SITE_URL",
            "CSRF_TRUSTED_ORIGINS",
            SITE_URL="https://news.example/",
            CSRF_TRUSTED_ORIGINS="https://admin.news.example",
        )
        assert found["SITE_URL"] == "https://news.example"
        assert found["CSRF_TRUSTED_ORIGINS"] == [
            "https://admin.news.example",
            "https://news.example",
        ]

    def test_a_site_url_that_is_not_an_origin_fails_clearly(self):
        for value in ["news.example", "ftp://news.example", "https://news.example/news/"]:
            with self.subTest(value=value):
                assert "SITE_URL must be an origin" in settings_error(SITE_URL=value)


class DatabaseConnectionSettingsTests(SimpleTestCase):
    def test_connections_persist_for_a_minute_with_health_checks_by_default(self):
        database = production_settings("DATABASES")["DATABASES"]["default"]
        assert database["CONN_MAX_AGE"] == 60
        assert database["CONN_HEALTH_CHECKS"] is True

    def test_connection_reuse_is_set_from_the_environment(self):
        database = production_settings("DATABASES", CONN_MAX_AGE="0", CONN_HEALTH_CHECKS="0")
        assert database["DATABASES"]["default"]["CONN_MAX_AGE"] == 0
        assert database["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is False


def database_url():
    """The test database, for a process of its own."""
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


SHOW_TIMEOUT = (
    "from django.db import connection\n"
    "with connection.cursor() as cursor:\n"
    "    cursor.execute('SHOW statement_timeout')\n"
    "    print(cursor.fetchone()[0])\n"
)


@unittest.skipUnless(connection.vendor == "postgresql", "statement_timeout is PostgreSQL's")
class StatementTimeoutTests(TestCase):
    def web_process(self, code, **env):
        env = {"DATABASE_URL": database_url(), "DEBUG": "1", **env}
        return run_python("import newsroom.wsgi\n" + code, **env)

    def test_the_web_server_limits_each_statement_to_five_seconds_by_default(self):
        result = self.web_process(SHOW_TIMEOUT)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "5s"

    def test_a_statement_running_past_the_limit_is_cancelled(self):
        result = self.web_process(
            "from django.db import connection\n"
            "connection.cursor().execute('SELECT pg_sleep(2)')\n",
            DATABASE_STATEMENT_TIMEOUT="0.2",
        )
        assert result.returncode != 0
        assert "canceling statement due to statement timeout" in result.stderr

    def test_management_commands_and_migrations_run_without_the_limit(self):
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "--verbosity=0", "-c", SHOW_TIMEOUT],
            cwd=ROOT,
            env=environment(DATABASE_URL=database_url(), DEBUG="1"),
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "0"


def gunicorn_settings(**env):
    saved = {name: os.environ.pop(name) for name in SERVING & set(os.environ)}
    os.environ.update(env)
    try:
        return runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        for name in env:
            del os.environ[name]
        os.environ.update(saved)


class GunicornSettingsTests(SimpleTestCase):
    def test_without_redis_one_process_serves_with_threads_sharing_its_page_cache(self):
        found = gunicorn_settings(WEB_CONCURRENCY="4", WEB_THREADS="8", PORT="8765")
        assert (found["workers"], found["threads"]) == (1, 8)
        assert found["worker_class"] == "gthread"
        assert found["bind"] == "127.0.0.1:8765"

    def test_with_redis_web_concurrency_sets_the_processes(self):
        found = gunicorn_settings(WEB_CONCURRENCY="4", REDIS_URL="redis://127.0.0.1:6379/1")
        assert (found["workers"], found["threads"]) == (4, 4)

    def test_the_address_to_listen_on_is_set_by_bind(self):
        assert gunicorn_settings(BIND="0.0.0.0:9000")["bind"] == "0.0.0.0:9000"
