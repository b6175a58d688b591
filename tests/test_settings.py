import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent


PRODUCTION_ONLY = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SOURCE_ENCRYPTION_KEYS"}
KEY = Fernet.generate_key().decode()


def import_settings(**env):
    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ONLY}
    return subprocess.run(
        [sys.executable, "-c", "import newsroom.settings"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
    )


class ProductionSettingsTests(SimpleTestCase):
    def test_missing_secret_key_with_debug_off_fails_clearly(self):
        result = import_settings(DEBUG="0", ALLOWED_HOSTS="news.example")
        assert result.returncode != 0
        assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr

    def test_missing_allowed_hosts_with_debug_off_fails_clearly(self):
        result = import_settings(DEBUG="0", SECRET_KEY="s" * 50)
        assert result.returncode != 0
        assert "ImproperlyConfigured: ALLOWED_HOSTS is not set" in result.stderr

    def test_missing_source_encryption_keys_with_debug_off_fails_clearly(self):
        result = import_settings(DEBUG="0", SECRET_KEY="s" * 50, ALLOWED_HOSTS="news.example")
        assert result.returncode != 0
        assert "ImproperlyConfigured: SOURCE_ENCRYPTION_KEYS is not set" in result.stderr

    def test_a_source_encryption_key_that_is_not_a_fernet_key_fails_clearly(self):
        result = import_settings(DEBUG="1", SOURCE_ENCRYPTION_KEYS=f"{KEY}, not-a-key")
        assert result.returncode != 0
        assert "Key 2 of SOURCE_ENCRYPTION_KEYS is not a Fernet key" in result.stderr

    def test_production_settings_load_when_complete(self):
        result = import_settings(
            DEBUG="0",
            SECRET_KEY="s" * 50,
            ALLOWED_HOSTS="news.example",
            SOURCE_ENCRYPTION_KEYS=f"{Fernet.generate_key().decode()},{KEY}",
        )
        assert result.returncode == 0, result.stderr

    def test_development_needs_no_configuration(self):
        assert import_settings(DEBUG="1").returncode == 0


class FrontEndCacheSettingsTests(SimpleTestCase):
    def test_an_unknown_purge_backend_fails_clearly(self):
        result = import_settings(DEBUG="1", FRONTEND_CACHE_BACKEND="fastly")
        assert result.returncode != 0
        assert "ImproperlyConfigured: FRONTEND_CACHE_BACKEND is 'fastly'" in result.stderr

    def test_a_purge_backend_without_the_cache_address_fails_clearly(self):
        result = import_settings(DEBUG="1", FRONTEND_CACHE_BACKEND="varnish")
        assert result.returncode != 0
        assert "ImproperlyConfigured: FRONTEND_CACHE_URL is not set" in result.stderr

    def test_a_purge_backend_with_the_addresses_of_its_caches_loads(self):
        result = import_settings(
            DEBUG="1",
            FRONTEND_CACHE_BACKEND="varnish",
            FRONTEND_CACHE_URL="http://10.0.0.1:6081, http://10.0.0.2:6081",
        )
        assert result.returncode == 0, result.stderr


class TaskBackendSettingsTests(SimpleTestCase):
    def print_backend(self, **env):
        unset = {*PRODUCTION_ONLY, "TASKS_BACKEND"}
        base = {k: v for k, v in os.environ.items() if k not in unset}
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "from newsroom import settings; print(settings.TASKS['default']['BACKEND'])",
            ],
            cwd=ROOT,
            env={**base, "DEBUG": "1", **env},
            capture_output=True,
            text=True,
        )

    def test_tasks_run_immediately_unless_told_otherwise(self):
        result = self.print_backend()
        assert result.stdout.strip() == "django.tasks.backends.immediate.ImmediateBackend"

    def test_the_database_backend_stores_tasks_for_db_worker(self):
        result = self.print_backend(TASKS_BACKEND="database")
        assert result.stdout.strip() == "django_tasks_db.DatabaseBackend", result.stderr

    def test_an_unknown_task_backend_fails_clearly(self):
        result = self.print_backend(TASKS_BACKEND="celery")
        assert result.returncode != 0
        assert "TASKS_BACKEND is 'celery'; set it to immediate or database" in result.stderr
