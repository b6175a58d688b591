"""Surrogate keys: what a response shows, collected while it is being built."""

import functools
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import post_init

# Beyond this many instances of one model, a response is labelled "<prefix>-all" instead:
# a sitemap listing thousands of stories is stale whenever any story changes.
MAX_KEYS_PER_MODEL = 60

_collecting: ContextVar["Labels | None"] = ContextVar("page_cache_labels", default=None)
# The label prefix of each tracked model.
_prefixes: dict[type, str] = {}


class Labels:
    def __init__(self):
        self.keys: set[str] = set()
        self._instances: dict[str, set] = {}

    def add_instance(self, prefix, pk):
        pks = self._instances.setdefault(prefix, set())
        if len(pks) <= MAX_KEYS_PER_MODEL:
            pks.add(pk)

    def all(self) -> set[str]:
        keys = set(self.keys)
        for prefix, pks in self._instances.items():
            if len(pks) > MAX_KEYS_PER_MODEL:
                keys.add(f"{prefix}-all")
            else:
                keys.update(f"{prefix}-{pk}" for pk in pks)
        return keys


@contextmanager
def collecting():
    """Collect the labels of the response built inside the block."""
    labels = Labels()
    token = _collecting.set(labels)
    try:
        yield labels
    finally:
        _collecting.reset(token)


def label(request, *keys):
    """Label the response to ``request`` with ``keys`` (lists it shows, e.g. "list-all")."""
    labels = _collecting.get()
    if labels is not None:
        labels.keys.update(keys)


def labelled(*keys):
    """Decorate a view (one we do not write, such as a sitemap) to label its responses."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            label(request, *keys)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def track(model, prefix):
    """Label every response that loads an instance of ``model`` with "<prefix>-<pk>"."""
    _prefixes[model] = prefix

    def loaded(sender, instance, **kwargs):
        labels = _collecting.get()
        if labels is not None and instance.pk is not None:
            labels.add_instance(prefix, instance.pk)

    post_init.connect(loaded, sender=model, weak=False, dispatch_uid=f"page_cache_{prefix}")


def label_rows(model, pks):
    """Label the response as loading the instances of ``model`` with ``pks`` would, for what
    is read as rows (``values()``) rather than as instances."""
    labels, prefix = _collecting.get(), _prefixes.get(model)
    if labels is not None and prefix is not None:
        for pk in pks:
            if pk is not None:
                labels.add_instance(prefix, pk)
