"""How pages get figures: named queries on one pinned version, cached by version.

All sessions share one reader per version and one result per (version, query,
parameters), kept in plain in-process stores (memo.Store: a dictionary look-up, where
st.cache_resource hashed every argument and inspected the function's signature on each of the
dozen reads of every rerun), so a rerun costs milliseconds and a new version invalidates
exactly what changed. When a query fails, the last good result of
the same query and parameters is served, flagged with the version it came from, instead of
an error; it is never kept as a newer version's.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import threading
import time
from collections import OrderedDict

import polars as pl
import streamlit as st

from givingday import queries
from givingday.ui import memo, prefetch
from givingday.warehouse import VersionGone, Warehouse, WarehouseError, resolve

log = logging.getLogger("givingday.ui")
WARN_EVERY_S = 10.0  # a failed read is said at most this often: in an outage every viewer's run fails
_warned_at = [0.0]


class Unavailable(Exception):
    """A figure that cannot be computed now and has no earlier good value."""


@functools.cache
def _warehouse(root: str) -> Warehouse:
    return Warehouse(root)


def warehouse() -> Warehouse:
    """The warehouse named by GIVINGDAY_WAREHOUSE (else data/warehouse)."""
    return _warehouse(str(resolve()))


@dataclasses.dataclass
class _Look:
    """The last look at a warehouse's published version."""
    at: float  # when (monotonic)
    version: int | None
    reached: bool  # whether it reached the store
    looking: bool = False  # a thread is looking again now


_CURRENT: dict[str, _Look] = {}  # root -> the last look
_current_lock = threading.Lock()
CURRENT_TTL_S = 0.5
LOOK_ABANDONED_S = 60.0  # a look this old is taken over (its thread died), never waited for forever


def published_version() -> int | None:
    """The published version, read at most twice a second per process (every page and
    every big screen asks on each run; on object storage each read is a request). When the
    store cannot be reached, the version known before (a blip never blanks a screen).

    One run at a time looks; the others meanwhile take the version known. While the store
    is out of reach, nobody waits for the look (it runs beside): a look at a stopped
    endpoint takes its client's retries, about 4.6 s over S3, and every viewer's run waited
    them out, after each half second, for as long as the outage lasted."""
    root = str(resolve())
    _watcher(root).wanted()
    with _current_lock:
        known = _CURRENT.get(root)
        if known is not None:
            age = time.monotonic() - known.at
            if age < CURRENT_TTL_S or (known.looking and age < LOOK_ABANDONED_S):
                return known.version
            known.looking = True
    if known is None:
        return _look(root, None)
    if not known.reached:
        threading.Thread(target=_look, args=(root, known), name="givingday-look", daemon=True).start()
        return known.version
    return _look(root, known)


def _look(root: str, known: _Look | None) -> int | None:
    try:
        version, reached = _warehouse(root).current_version(), True
    except Exception:  # noqa: BLE001 - OSError, or the object store's client errors
        version, reached = (known.version if known else None), False
    with _current_lock:
        _CURRENT[root] = _Look(time.monotonic(), version, reached)
    return version


def store_reached() -> bool:
    """Whether the last look at the published version reached the store (False: the screens
    say they are updating, and reads not made before go straight to their last good result)."""
    return _reached(str(resolve()))


def _reached(root: str) -> bool:
    known = _CURRENT.get(root)
    return known is None or known.reached


class OutOfReach(WarehouseError):
    """The store did not answer the last look at its published version: a read not made
    before is not tried (each would wait out the client's retries) until a look gets through."""


def _within_reach(root: str) -> None:
    """Before a read not made before: `OutOfReach` while the store does not answer."""
    if not _reached(root):
        raise OutOfReach(f"the warehouse {root} is out of reach")


_manifests = memo.Store(64)


def _manifest(root: str, version: int):
    return _manifests.get((root, version), lambda: _read_manifest(root, version))


def _read_manifest(root: str, version: int):
    _within_reach(root)
    return _warehouse(root).manifest(version)


@contextlib.contextmanager
def _exactly(root: str, version: int, move: bool):
    """Reads of exactly `version`: reclaimed, it moves the page to the newest (see `read`) or
    says `Unavailable`."""
    try:
        yield
    except VersionGone as exc:
        _moved_on(root, version, move)
        raise Unavailable(str(exc)) from exc


def manifest(version: int, move: bool = True):
    """The manifest of a published version (immutable, so read once per process);
    `Unavailable` while the store is out of reach and it was not read before."""
    root = str(resolve())
    with _exactly(root, version, move):
        try:
            return _manifest(root, version)
        except OutOfReach as exc:
            raise Unavailable(str(exc)) from exc


def reader(version: int, move: bool = True) -> queries.VersionReader:
    """Exactly `version`'s reader, for code that runs several queries itself (the alert rules)."""
    root = str(resolve())
    with _exactly(root, version, move):
        return queries.reader(_warehouse(root), version)


# One result per process, where st.cache_data would unpickle a fresh copy on every call of
# every rerun. Callers get their own handle on it (`query`). Keyed by version, and only ever
# holding that version's result: the reader is exactly that version or raises
# (queries.readers), and a raised read is not kept.
RESULTS = 1024
_results = memo.Store(RESULTS)


def _run(root: str, version: int, name: str, params: tuple[tuple[str, str], ...]) -> pl.DataFrame:
    _watcher(root).asked(version, (name, params))
    return _result(root, version, name, params)


def _result(root: str, version: int, name: str, params: tuple[tuple[str, str], ...]) -> pl.DataFrame:
    return _results.get((root, version, name, params), lambda: _compute(root, version, name, params))


def _compute(root: str, version: int, name: str, params: tuple[tuple[str, str], ...]) -> pl.DataFrame:
    _within_reach(root)
    warehouse = _warehouse(root)
    # `staff/...`: SQL of a room other than the public one, e.g. staff/gifts_by_bracket
    query = queries.internal_sql(name) if "/" in name else queries.named_query(name)
    return queries.read(queries.reader(warehouse, version), warehouse,
                        lambda r: r.run_sql(query, query.bind(dict(params))))


@functools.cache
def _watcher(root: str) -> prefetch.Watcher:
    """The watcher that makes on each new version what pages read on the one before."""
    return prefetch.Watcher(_warehouse(root).current_version, functools.partial(_prefetch, root))


def _prefetch(root: str, version: int, key: tuple) -> None:
    _manifest(root, version)
    _result(root, version, *key)


LAST_GOOD_ENTRIES = 512  # search terms are free text: keep the fallback store bounded
STALE = "served_stale"  # session key: the oldest version a fallback of this run came from


_last_good: OrderedDict = OrderedDict()  # (root, name, params) -> (version, frame)
_last_good_lock = threading.Lock()


def read(name: str, version: int, *, move: bool = True, **params) -> tuple[pl.DataFrame, int]:
    """A named query's result and the version it was actually read from (`staff/...` names
    the staff room's SQL); parameters that are None are left out.

    That version is `version`, or, when `version` cannot be read right now, an earlier one's
    last good result, marked stale for this run (`stale_version`) and never kept as
    `version`'s. A page whose version was reclaimed is run again on the newest (unless
    `move` is False: then `Unavailable`, and the next run reads the newest).

    The result is computed once per process and every caller gets its own handle on it
    (`clone` copies no data). A polars frame guards its columns with a lock that some
    methods take for writing (`hash_rows` rechunks in place) while others hold it for
    reading and wait for the GIL (`map_elements`); sessions sharing one handle deadlocked
    the whole server under a crowd of first visits."""
    bound = tuple(sorted((k, str(v)) for k, v in params.items() if v is not None))
    root = str(resolve())
    try:
        with _exactly(root, version, move):
            frame = _run(root, version, name, bound)
    except (queries.QueryError, WarehouseError, OSError) as exc:
        if time.monotonic() - _warned_at[0] >= WARN_EVERY_S:
            _warned_at[0] = time.monotonic()
            log.warning("%s on version %s could not be read (said once per %g s): %s", name, version, WARN_EVERY_S, exc)
        with _last_good_lock:
            fallback = _last_good.get((root, name, bound))
        if fallback is None or fallback[0] > version:
            raise Unavailable(str(exc)) from exc
        served, frame = fallback
        st.session_state[STALE] = min(served, st.session_state.get(STALE, served))
        return memo.named(frame.clone(), (root, served, name, bound)), served
    with _last_good_lock:
        if _last_good.get((root, name, bound), (-1,))[0] <= version:
            _last_good[(root, name, bound)] = (version, frame)
        _last_good.move_to_end((root, name, bound))
        while len(_last_good) > LAST_GOOD_ENTRIES:
            _last_good.popitem(last=False)
    return memo.named(frame.clone(), (root, version, name, bound)), version


def query(name: str, version: int, **params) -> pl.DataFrame:
    """`read`'s result alone (an earlier version's, marked stale, when `version` cannot be read)."""
    return read(name, version, **params)[0]


def exact(name: str, version: int, **params) -> pl.DataFrame:
    """`version`'s own result or `Unavailable`: for what is kept as that version's (the big
    screen's figures), never an earlier version's."""
    frame, served = read(name, version, move=False, **params)
    if served != version:
        raise Unavailable(f"{name} cannot be read on version {version} right now")
    return frame


def stale_version() -> int | None:
    """The oldest version a figure of this run was served from instead of the page's own, and
    forget it (the page says so once)."""
    return st.session_state.pop(STALE, None)


def _moved_on(root: str, version: int, move: bool) -> None:
    """The page's version was reclaimed: forget the published version read before, and run
    the page again on the newest (from a fragment too: the whole page)."""
    _CURRENT.pop(root, None)
    newest = published_version()
    if move and newest is not None and newest != version:
        st.rerun(scope="app")
