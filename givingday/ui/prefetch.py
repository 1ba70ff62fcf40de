"""A new version's figures, computed as soon as it is published, before the pages ask.

When a version is published every open page runs again on it, and the first run of each
page computes its figures anew: a dozen named queries of tens of milliseconds each, while
every other viewer of that page waits for them (memo.Store builds each value once). Under
churn a page whose run took longer than the time between two versions never finished one.

So each process keeps, per warehouse, one watcher: a thread that looks for a new version
twice a second, for as long as pages keep asking (`Watcher.wanted`), and computes on it
what the pages read on the version before (`Watcher.asked`), in the order they first read
it, so the pages' first runs on it find their figures made.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

log = logging.getLogger("givingday.ui")

EVERY_S = 0.5  # how often a watcher looks for a new version
IDLE_S = 30.0  # a watcher stops when no page has asked for the version for this long
KEYS = 48  # at most this many of the version before's reads are made again


class Watcher:
    """One warehouse's watcher: `current()` is its published version, `compute(version, key)`
    makes one read of it (raises when the version cannot be read)."""

    def __init__(self, current: Callable[[], int | None], compute: Callable[[int, Hashable], object]):
        self._current, self._compute = current, compute
        self._lock = threading.Lock()
        self._version: int | None = None  # the newest version read so far
        self._reads: OrderedDict[Hashable, int] = OrderedDict()  # its reads, in first-asked order -> count
        self._before: list[Hashable] = []  # the version before's reads, most asked first
        self._made: int | None = None  # the newest version prefetched (or seen at the start)
        self._wanted_at = 0.0
        self._thread: threading.Thread | None = None

    def asked(self, version: int, key: Hashable) -> None:
        """A page read `key` on `version` (reads of older versions are not counted)."""
        with self._lock:
            if self._version is None or version > self._version:
                self._begin(version)
            if version == self._version:
                self._reads[key] = self._reads.get(key, 0) + 1

    def wanted(self) -> None:
        """A page asked for the published version: keep watching (start if stopped)."""
        with self._lock:
            self._wanted_at = time.monotonic()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._watch, name="givingday-prefetch", daemon=True)
                self._thread.start()

    def _begin(self, version: int) -> None:
        if self._reads:
            self._before = sorted(self._reads, key=self._reads.get, reverse=True)[:KEYS]  # stable: ties in read order
        self._version, self._reads = version, OrderedDict()

    def _to_make(self, newest: int | None) -> list[Hashable] | None:
        """What to make on `newest`, if it is a version not made yet (pages may have begun
        reading it already)."""
        if newest is None or (self._made is not None and newest <= self._made):
            return None
        first, self._made = self._made is None, newest
        if first or self._version is None or newest < self._version:
            return None
        if newest > self._version:
            self._begin(newest)
        return list(self._before)

    def _watch(self) -> None:
        while True:
            time.sleep(EVERY_S)
            with self._lock:
                if time.monotonic() - self._wanted_at > IDLE_S:
                    self._thread = None
                    return
            try:
                newest = self._current()
            except Exception:  # noqa: BLE001 - the store is unreachable: the pages say so, look again later
                continue
            with self._lock:
                keys = self._to_make(newest)
            if keys:
                self._make(newest, keys)

    def _make(self, version: int, keys: list[Hashable]) -> None:
        started = time.monotonic()
        for made, key in enumerate(keys):
            with self._lock:
                if self._version is not None and self._version > version:  # pages read a newer one
                    return
            try:
                self._compute(version, key)
            except Exception as exc:  # noqa: BLE001 - a page that asks will say what is wrong
                log.info("prefetch of version %s stopped after %d reads: %s", version, made, exc)
                return
        log.debug("prefetched %d reads of version %s in %.0f ms", len(keys), version,
                  (time.monotonic() - started) * 1000)

