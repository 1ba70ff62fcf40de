"""How pages get figures: named queries on one pinned version, cached by version.

All sessions share one reader per version and one result per (version, query,
parameters) (st.cache_resource), so a rerun costs milliseconds and a new
version invalidates exactly what changed. When a query fails, the last good result of
the same query and parameters is served, flagged, instead of an error.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

import polars as pl
import streamlit as st

from givingday import queries
from givingday.warehouse import Warehouse, WarehouseError, resolve


class Unavailable(Exception):
    """A figure that cannot be computed now and has no earlier good value."""


@st.cache_resource
def _warehouse(root: str) -> Warehouse:
    return Warehouse(root)


def warehouse() -> Warehouse:
    """The warehouse named by GIVINGDAY_WAREHOUSE (else data/warehouse)."""
    return _warehouse(str(resolve()))


_CURRENT: dict[str, tuple[float, int | None]] = {}  # warehouse root -> (when read, version)
CURRENT_TTL_S = 0.5


def published_version() -> int | None:
    """The published version, read at most twice a second per process (every page and
    every big screen asks on each run; on object storage each read is a request)."""
    root = str(resolve())
    now = time.monotonic()
    known = _CURRENT.get(root)
    if known is not None and now - known[0] < CURRENT_TTL_S:
        return known[1]
    try:
        version = _warehouse(root).current_version()
    except OSError:
        version = None
    _CURRENT[root] = (now, version)
    return version


@st.cache_resource(max_entries=64, show_spinner=False)
def _manifest(root: str, version: int):
    return _warehouse(root).manifest(version)


def manifest(version: int):
    """The manifest of a published version (immutable, so read once per process)."""
    return _manifest(str(resolve()), version)


# cache_resource, not cache_data: one result per process, where cache_data would unpickle a
# fresh copy on every call of every rerun. Callers get their own handle on it (`query`).
@st.cache_resource(max_entries=1024, show_spinner=False)
def _run(root: str, version: int, name: str, params: tuple[tuple[str, str], ...]) -> pl.DataFrame:
    reader = queries.reader(_warehouse(root), version)
    if "/" in name:  # SQL of a room other than the public one, e.g. staff/gifts_by_bracket
        query = queries.internal_sql(name)
        return reader.run_sql(query, query.bind(dict(params)))
    return reader.run(name, dict(params))


LAST_GOOD_ENTRIES = 512  # search terms are free text: keep the fallback store bounded


@st.cache_resource
def _last_good() -> tuple[OrderedDict, threading.Lock]:
    return OrderedDict(), threading.Lock()


def query(name: str, version: int, **params) -> pl.DataFrame:
    """A named query's result on `version` (`staff/...` names the staff room's SQL);
    parameters that are None are left out.

    The result is computed once per process and every caller gets its own handle on it
    (`clone` copies no data). A polars frame guards its columns with a lock that some
    methods take for writing (`hash_rows` rechunks in place) while others hold it for
    reading and wait for the GIL (`map_elements`); sessions sharing one handle deadlocked
    the whole server under a crowd of first visits."""
    bound = tuple(sorted((k, str(v)) for k, v in params.items() if v is not None))
    root = str(resolve())
    last_good, lock = _last_good()
    try:
        frame = _run(root, version, name, bound)
    except (queries.QueryError, WarehouseError, OSError) as exc:
        with lock:
            fallback = last_good.get((root, name, bound))
        if fallback is None:
            raise Unavailable(str(exc)) from exc
        st.session_state["served_stale"] = True
        return fallback.clone()
    with lock:
        last_good[(root, name, bound)] = frame
        last_good.move_to_end((root, name, bound))
        while len(last_good) > LAST_GOOD_ENTRIES:
            last_good.popitem(last=False)
    return frame.clone()
