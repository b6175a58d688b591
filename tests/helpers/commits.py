"""Commits as the application sees them, inside Django's TestCase.

A TestCase wraps each test in a transaction it rolls back, so ``on_commit`` callbacks —
the search index, the page cache purge — would never run. Here, whenever the code under
test leaves its own outermost ``atomic`` block (or writes outside any), the callbacks it
registered run at once, exactly as they would after a real commit.
"""

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

_exit = transaction.Atomic.__exit__
_on_commit = BaseDatabaseWrapper.on_commit


def _only_test_transactions(connection):
    return all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _run_pending(connection):
    while connection.run_on_commit and not connection.needs_rollback:
        _, callback, _ = connection.run_on_commit.pop(0)
        callback()


def _atomic_exit(self, exc_type, exc_value, traceback):
    result = _exit(self, exc_type, exc_value, traceback)
    connection = transaction.get_connection(self.using)
    if exc_type is None and connection.in_atomic_block and _only_test_transactions(connection):
        _run_pending(connection)
    return result


def _connection_on_commit(self, func, robust=False):
    if self.in_atomic_block and _only_test_transactions(self):
        func()
    else:
        _on_commit(self, func, robust)


def install():
    transaction.Atomic.__exit__ = _atomic_exit
    BaseDatabaseWrapper.on_commit = _connection_on_commit
