"""What every viewer of the same version would compute again, computed once per process.

A page re-runs whole for each viewer each time a version is published. Chart specs and map
layers depend only on the query results they draw (the same for every viewer of a version)
and the language, so they are kept here, keyed by a fingerprint of their inputs (a query
frame by its content, an event by its id), in a bounded least-recently-used store.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import polars as pl

ENTRIES = 160  # about five versions of every chart, map and derived frame in both languages


NAME = "_givingday_name"  # on a frame handle: what its rows are, e.g. (root, version, query, params)


def named(frame: pl.DataFrame, name: tuple) -> pl.DataFrame:
    """Mark a frame handle with a name that fixes its rows (a query on a version, a memo key),
    so that its fingerprint is that name, not a hash of its rows: hashing every chart's and
    map's frames again on each rerun was 18% of a crowd's script threads (py-spy, 150
    overview viewers)."""
    setattr(frame, NAME, name)
    return frame


def fingerprint(value) -> Hashable:
    name = getattr(value, NAME, None) if isinstance(value, pl.DataFrame) else None
    if name is not None:  # a version's result is the same rows for as long as the version is
        return ("named", name)
    if isinstance(value, pl.DataFrame):
        # on a handle of its own: hash_rows write-locks the frame it is called on (see data.query)
        digest = hashlib.blake2b(value.clone().hash_rows(seed=7).to_numpy().tobytes(), digest_size=16).hexdigest()
        return ("frame", tuple(value.columns), value.height, digest)
    if isinstance(value, str | int | float | bool | type(None)):
        return value
    if hasattr(value, "id"):  # an Event
        return (type(value).__name__, value.id)
    return repr(value)


class Store:
    """A bounded least-recently-used store in which each value is built once: a caller asking
    for a value that another is building waits for it (a herd of viewers after a new version
    computes each result once, not once each). A build that raises stores nothing, and the
    next caller builds again."""

    def __init__(self, entries: int = ENTRIES):
        self._entries, self._values, self._lock = entries, OrderedDict(), threading.Lock()
        self._building: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, build: Callable[[], object]):
        while True:
            with self._lock:
                if key in self._values:
                    self._values.move_to_end(key)
                    return self._values[key]
                flight = self._building.get(key)
                if flight is None:
                    flight = self._building[key] = threading.Lock()
                    flight.acquire()
                    break
            with flight:  # another caller builds it: wait, then look again
                pass
        try:
            value = build()
            with self._lock:
                self._values[key] = value
                while len(self._values) > self._entries:
                    self._values.popitem(last=False)
            return value
        finally:
            with self._lock:
                del self._building[key]
            flight.release()


_store = Store()


def once(key: Hashable, build: Callable[[], object]):
    """The value built for `key` (a tuple naming what it depends on), built at most once."""
    return _store.get(key, build)


def memoized(function: Callable) -> Callable:
    """Cache `function`'s result by the fingerprints of its arguments. A frame it returns is
    a handle of the caller's own whose fingerprint is that key (no hashing of its rows)."""
    @functools.wraps(function)
    def cached(*args, **kwargs):
        key = (function.__module__, function.__qualname__, tuple(map(fingerprint, args)),
               tuple(sorted((k, fingerprint(v)) for k, v in kwargs.items())))
        value = _store.get(key, lambda: function(*args, **kwargs))
        if isinstance(value, pl.DataFrame):  # each caller its own handle, named by what made it
            return named(value.clone(), ("memo", key))
        return value
    return cached
