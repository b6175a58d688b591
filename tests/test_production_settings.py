"""What production mode reads from the environment: static files, proxies, the public
origin, HTTPS and the security headers, database connections, and how many gunicorn
processes share the page cache."""

import os
import runpy
import subprocess
import sys
import unittest
from pathlib import Path

from django.db import connection
from django.test import SimpleTestCase, TestCase

from tests.helpers.production import (
    DOCUMENTED_PRODUCTION,
    HTTPS_SETTINGS,
    ROOT,
    SERVING,
    environment,
    production_settings,
    run_python,
    settings_error,
)


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


class SecuritySettingsTests(SimpleTestCase):
    def test_production_redirects_to_https_and_asks_for_it_for_a_year(self):
        found = production_settings(*HTTPS_SETTINGS)
        assert found == {
            "SECURE_SSL_REDIRECT": True,
            "SECURE_HSTS_SECONDS": 31_536_000,
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
            "SECURE_HSTS_PRELOAD": False,
            "SESSION_COOKIE_SECURE": True,
            "CSRF_COOKIE_SECURE": True,
        }

    def test_https_off_serves_plain_http_as_make_serve_does(self):
        found = production_settings(*HTTPS_SETTINGS, "SECURE_CSP", HTTPS="0")
        assert found["SECURE_SSL_REDIRECT"] is False
        assert found["SECURE_HSTS_SECONDS"] == 0
        assert found["SESSION_COOKIE_SECURE"] is found["CSRF_COOKIE_SECURE"] is False
        assert found["SECURE_CSP"]["upgrade-insecure-requests"] is False

    def test_each_https_setting_can_be_changed_alone(self):
        found = production_settings(
            *HTTPS_SETTINGS,
            SECURE_SSL_REDIRECT="0",
            SECURE_HSTS_SECONDS="15552000",
            SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
            SECURE_HSTS_PRELOAD="1",
            SECURE_COOKIES="0",
        )
        assert found == {
            "SECURE_SSL_REDIRECT": False,
            "SECURE_HSTS_SECONDS": 15_552_000,
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
            "SECURE_HSTS_PRELOAD": True,
            "SESSION_COOKIE_SECURE": False,
            "CSRF_COOKIE_SECURE": False,
        }

    def test_the_content_security_policy_is_enforced_by_default(self):
        found = production_settings("SECURE_CSP", "SECURE_CSP_REPORT_ONLY")
        assert found["SECURE_CSP_REPORT_ONLY"] is None
        policy = found["SECURE_CSP"]
        assert policy["default-src"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["upgrade-insecure-requests"] is True
        assert policy["report-uri"] is None

    def test_report_only_sends_the_same_policy_to_the_report_address(self):
        enforced = production_settings("SECURE_CSP")["SECURE_CSP"]
        found = production_settings(
            "SECURE_CSP",
            "SECURE_CSP_REPORT_ONLY",
            CSP_REPORT_ONLY="1",
            CSP_REPORT_URI="https://reports.news.example/csp",
        )
        assert found["SECURE_CSP"] is None
        assert found["SECURE_CSP_REPORT_ONLY"] == {
            **enforced,
            "report-uri": "https://reports.news.example/csp",
        }

    def test_the_permissions_policy_refuses_camera_microphone_and_location(self):
        policy = production_settings("PERMISSIONS_POLICY")["PERMISSIONS_POLICY"]
        for feature in ["camera=()", "microphone=()", "geolocation=()", "browsing-topics=()"]:
            assert feature in policy.split(", ")
        assert production_settings("PERMISSIONS_POLICY", PERMISSIONS_POLICY="usb=()") == {
            "PERMISSIONS_POLICY": "usb=()"
        }

    def test_check_deploy_finds_nothing_to_warn_about_in_the_documented_settings(self):
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=ROOT,
            env=environment(**DOCUMENTED_PRODUCTION),
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "System check identified no issues (1 silenced)." in result.stdout

    def test_check_deploy_warns_when_https_is_off(self):
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy"],
            cwd=ROOT,
            env=environment(**DOCUMENTED_PRODUCTION, HTTPS="0"),
            capture_output=True,
            text=True,
        )
        for warning in ["security.W004", "security.W008", "security.W012", "security.W016"]:
            assert warning in result.stderr


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
