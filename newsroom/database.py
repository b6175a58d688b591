"""The web server's database connections: a statement may run only so long, a lock wait too.

PostgreSQL cancels any statement of a web request that runs longer than
``DATABASE_STATEMENT_TIMEOUT`` seconds, so one slow query cannot hold a worker and its
connection while readers queue. ``newsroom/wsgi.py`` and ``asgi.py`` install the limit;
``manage.py`` does not, so migrations and commands (imports, index rebuilds) run unhurried.

On SQLite a save waits up to ``DATABASE_LOCK_TIMEOUT`` seconds for another one to finish;
``is_lock_timeout`` tells the places that answer editors (the admin's forms, the session)
that it waited in vain.
"""

from django.conf import settings
from django.db import connections
from django.db.backends.signals import connection_created


def is_lock_timeout(error, using="default") -> bool:
    """Did SQLite give up waiting for another transaction's write lock?"""
    return connections[using].vendor == "sqlite" and "database is locked" in str(error)


def limit_statement_time():
    connection_created.connect(_set_statement_timeout, dispatch_uid="statement_timeout")


def _set_statement_timeout(sender, connection, **kwargs):
    milliseconds = round(settings.DATABASE_STATEMENT_TIMEOUT * 1000)
    if connection.vendor == "postgresql" and milliseconds > 0:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, false)", [f"{milliseconds}ms"]
            )
