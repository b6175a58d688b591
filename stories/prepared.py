"""Queries a reader page runs on every request, built and compiled once per process.

Building a QuerySet (``filter()``, ``union()``, ``select_related()``) and compiling it to SQL
costs far more Python than running it: on the story page, twice the time the database takes.
A reader page runs the same few queries with different values (a slug, a story's id, the
time now), so each is written once, as an ordinary QuerySet built from the same managers as
everywhere else — ``Story.objects.public()`` stays the one public rule — and compiled once:

    published = Prepared(lambda slug, now: Story.objects.public(now).filter(slug=slug))
    stories = published(slug="krause-resigns", now=timezone.now())

The first call builds the QuerySet with a stand-in for each value, compiles it, and notes where
each stand-in landed among the SQL's parameters. Every later call binds the new values there
and lets Django's own iterables run the SQL and build the instances, so what comes back is
exactly what the QuerySet itself would return (``select_related``, annotations, converters,
``prefetch_related`` included).

Only what compiles to the same SQL whatever the value may be prepared: a value compared with
``=``, ``<``, ``<=``, ``>``, ``>=`` (not ``None``, which compiles to ``IS NULL``; not a list,
whose length is in the SQL; not ``contains`` or ``startswith``, whose value is rewritten).
A value whose stand-in cannot be found among the parameters is refused when the query is
first built.
"""

import copy
import datetime
import itertools
import threading

from django.core.exceptions import EmptyResultSet
from django.db import connections

_ids = itertools.count(1)


class _StandIn:
    """Values no reader request holds, one per name, of the type the caller will bind."""

    def __init__(self):
        self.serial = next(_ids)

    def of(self, value):
        n = self.serial
        if isinstance(value, bool):
            raise TypeError("A boolean compiles differently per value on some databases.")
        if isinstance(value, int):
            return -(10**15) - n
        if isinstance(value, str):
            return f"\x00prepared-{n}\x00"
        if isinstance(value, datetime.datetime):
            return datetime.datetime(1901, 1, 1, 0, 0, n % 60, n, tzinfo=datetime.UTC)
        if isinstance(value, datetime.date):
            return datetime.date(1901, 1, 1) + datetime.timedelta(days=n)
        if isinstance(value, (list, tuple)):
            # One stand-in per member: ``pk__in`` compiles to as many placeholders.
            return [_StandIn().of(member) for member in value]
        raise TypeError(f"{type(value).__name__} values cannot be prepared.")


def _adapters(connection, value):
    """How ``value`` may appear among a compiled query's parameters: as it is, or as the
    database's adapter for its type writes it (SQLite keeps times as text)."""
    if isinstance(value, datetime.datetime):
        return [_unchanged, connection.ops.adapt_datetimefield_value]
    if isinstance(value, datetime.date):
        return [_unchanged, connection.ops.adapt_datefield_value]
    return [_unchanged]


def _unchanged(value):
    return value


class _Compiled:
    def __init__(self, queryset, sql, params, slots, compiler):
        self.queryset, self.sql, self.params, self.slots = queryset, sql, params, slots
        self.compiler, self.query = compiler, queryset.query
        # What turns the database's values into Python's is the same for every run.
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        converters = compiler.get_converters(fields)
        compiler.get_converters = lambda expressions: converters

    def bind(self, values):
        params = list(self.params)
        for position, name, adapt in self.slots:
            if isinstance(name, tuple):
                name, index = name
                params[position] = adapt(values[name][index])
            else:
                params[position] = adapt(values[name])
        compiler = copy.copy(self.compiler)
        compiler.connection = connections[self.queryset.db]
        sql, params = self.sql, tuple(params)
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        # A copy of the QuerySet whose query hands Django's iterables the compiled SQL; it
        # runs as it is, and is never filtered further.
        # (copy.copy() would run the QuerySet: pickling a QuerySet fetches its rows.)
        bound = object.__new__(type(self.queryset))
        bound.__dict__ = {**self.queryset.__dict__, "_query": _BoundQuery(self.query, compiler)}
        return bound


class _BoundQuery:
    """The prepared query, but for the compiler it gives: the one bound to this run's values."""

    def __init__(self, query, compiler):
        self._query, self._compiler = query, compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self._compiler

    def __getattr__(self, name):
        return getattr(self._query, name)


class _Nothing:
    def __init__(self, queryset):
        self.queryset = queryset

    def bind(self, values):
        return self.queryset.none()


class Prepared:
    """A QuerySet built by ``build(**values)``, compiled once, run with new values each call.

    ``shape`` names arguments that change the SQL itself, such as a slice's bounds (Django
    writes LIMIT and OFFSET into the SQL): the query is compiled once per value of those,
    keeping the most recent ``MAX_SHAPES``.
    """

    MAX_SHAPES = 64

    def __init__(self, build, shape=()):
        self.build, self.shape = build, frozenset(shape)
        self._compiled = {}
        self._lock = threading.Lock()

    def __call__(self, **values):
        """The rows for ``values``, as a list of what the QuerySet yields."""
        return list(self.queryset(**values))

    def queryset(self, **values):
        """An unevaluated copy bound to ``values``: iterate it; do not filter it further."""
        key = tuple(sorted(_kind(name, value, self.shape) for name, value in values.items()))
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(key) or self._compile(values)
                if len(self._compiled) >= self.MAX_SHAPES:
                    self._compiled.pop(next(iter(self._compiled)))
                self._compiled[key] = compiled
        return compiled.bind(values)

    def _compile(self, values):
        shaped = {name: value for name, value in values.items() if name in self.shape}
        stand_ins = {
            name: _StandIn().of(value) for name, value in values.items() if name not in shaped
        }
        queryset = self.build(**stand_ins, **shaped)
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # ``pk__in=[]``, say: Django runs no query, and neither do we.
            return _Nothing(queryset)
        slots = []
        for name, stand_in in _members(stand_ins):
            adapters = _adapters(compiler.connection, stand_in)
            found = []
            for position, param in enumerate(params):
                adapt = next((a for a in adapters if _same(param, a(stand_in))), None)
                if adapt is not None:
                    found.append((position, name, adapt))
            if not found:
                raise ValueError(
                    f"The value of {name!r} does not reach the SQL as it was given: "
                    "only values compared with =, <, <=, > or >= can be prepared."
                )
            slots += found
        return _Compiled(queryset, sql, params, slots, compiler)


def padded(values, least=4):
    """``values`` with its last member repeated up to a power of two (at least ``least``):
    bound to ``pk__in``, a list of any length then compiles to one of a few shapes."""
    if not values:
        return values
    size = max(least, 1 << (len(values) - 1).bit_length())
    return values + values[-1:] * (size - len(values))


def _kind(name, value, shape):
    """What of a value decides the SQL: its type, its length, or (for ``shape``) itself."""
    if name in shape:
        return name, value
    if isinstance(value, (list, tuple)):
        return name, list, len(value)
    return name, type(value)


def _members(stand_ins):
    """Each bound name with its stand-in; a list's members as ``(name, index)``."""
    for name, stand_in in stand_ins.items():
        if isinstance(stand_in, list):
            yield from (((name, i), member) for i, member in enumerate(stand_in))
        else:
            yield name, stand_in


def _same(param, candidate):
    return type(param) is type(candidate) and param == candidate
