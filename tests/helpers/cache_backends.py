"""Real cache backends that also tell a test what was asked of them.

``RecordingLocMemCache`` is Django's local memory cache, and ``RecordingConnection`` a
redis-py connection (give it as the ``connection_class`` option of Django's Redis cache);
both log each operation in ``operations`` while ``recording()`` is open. The local memory
cache can also be made unreachable (``unreachable = True``) or made to run a callback just
before an operation (``before``), to put another process's action in the middle of a step.
"""

from contextlib import contextmanager

import redis
from django.core.cache.backends.locmem import LocMemCache

operations: list[str] | None = None


@contextmanager
def recording():
    """The names of the operations the cache is asked to run inside the block."""
    global operations
    operations = []
    try:
        yield operations
    finally:
        operations = None


def _log(name):
    if operations is not None:
        operations.append(name)


class RecordingLocMemCache(LocMemCache):
    unreachable = False
    before: dict = {}  # operation name: a callable run (once) just before it

    def _operation(name):
        def operation(self, *args, **kwargs):
            if type(self).unreachable:
                raise ConnectionError("The cache is unreachable.")
            if callback := type(self).before.pop(name, None):
                callback()
            _log(name)
            return getattr(LocMemCache, name)(self, *args, **kwargs)

        operation.__name__ = name
        return operation

    for _name in (
        "add",
        "get",
        "set",
        "touch",
        "delete",
        "has_key",
        "incr",
        "get_many",
        "set_many",
        "delete_many",
        "clear",
    ):
        locals()[_name] = _operation(_name)
    del _name, _operation


class RecordingConnection(redis.Connection):
    def send_command(self, *args, **kwargs):
        _log(str(args[0]))
        return super().send_command(*args, **kwargs)

    def pack_commands(self, commands):
        for command in commands:
            _log(str(command[0]))
        return super().pack_commands(commands)
