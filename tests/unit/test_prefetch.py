"""The prefetch watcher: on a new version it makes what pages read on the one before, most
read first, and stops when a newer one is read or the version cannot be read."""

import threading
import time

import pytest

from givingday.ui import prefetch


class Store:
    """A published version the test moves, and the reads the watcher made."""

    def __init__(self, version: int = 1, fail_on: str | None = None):
        self.version, self.fail_on = version, fail_on
        self.made: list[tuple[int, str]] = []
        self.done = threading.Event()

    def compute(self, version: int, key: str) -> None:
        if key == self.fail_on:
            raise OSError("reclaimed")
        self.made.append((version, key))
        if key == "last":
            self.done.set()


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    monkeypatch.setattr(prefetch, "EVERY_S", 0.01)


def _watch(store: Store) -> prefetch.Watcher:
    """A watcher that has looked at the store's version once (the one it starts from)."""
    watcher = prefetch.Watcher(lambda: store.version, store.compute)
    watcher.wanted()
    _until(lambda: watcher._made is not None)
    return watcher


def _until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the watcher did not get there"
        time.sleep(0.01)


def test_a_new_version_gets_the_reads_of_the_one_before_most_read_first():
    store = Store()
    watcher = _watch(store)
    for key in ("totals", "last", "last", "districts", "districts", "districts"):
        watcher.asked(1, key)
    store.version = 2
    assert store.done.wait(10)
    assert store.made == [(2, "districts"), (2, "last"), (2, "totals")]


def test_pages_that_read_the_new_version_first_still_get_the_rest_made():
    store = Store()
    watcher = _watch(store)
    watcher.asked(1, "totals")
    watcher.asked(1, "last")
    watcher.asked(2, "totals")  # a page got to version 2 before the watcher looked
    store.version = 2
    assert store.done.wait(10)
    assert (2, "last") in store.made


def test_reads_of_older_versions_are_not_counted_and_nothing_is_made_twice():
    store = Store()
    watcher = _watch(store)
    watcher.asked(1, "last")
    store.version = 2
    assert store.done.wait(10)
    watcher.asked(1, "stale page")  # a page still on version 1
    time.sleep(0.2)  # the watcher looks again, many times, at version 2
    assert store.made == [(2, "last")]


def test_a_version_that_cannot_be_read_stops_the_making():
    store = Store(fail_on="reclaimed")
    watcher = _watch(store)
    for key in ("reclaimed", "reclaimed", "last"):
        watcher.asked(1, key)
    store.version = 2
    _until(lambda: watcher._made == 2)
    time.sleep(0.2)
    assert store.made == []


def test_the_watcher_stops_when_no_page_asks_and_starts_again_when_one_does(monkeypatch):
    store = Store()
    watcher = _watch(store)
    monkeypatch.setattr(prefetch, "IDLE_S", 0.05)
    _until(lambda: watcher._thread is None)
    watcher.asked(1, "last")
    store.version = 2
    monkeypatch.setattr(prefetch, "IDLE_S", 30.0)
    watcher.wanted()
    assert store.done.wait(10)
    assert store.made == [(2, "last")]
