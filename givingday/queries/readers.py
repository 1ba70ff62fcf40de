"""The readers of this process, one per warehouse version (the newest few kept), shared by
every page, route and command that asks for a version.

One rule holds here for every caller: a result comes from the version it is said to come
from. A version asked for by number that was reclaimed raises `VersionGone` (never the
newest version's data under the old number); asking for no number reads the published one.
A read that fails because its version was reclaimed mid-read raises `VersionGone` too."""

from __future__ import annotations

import threading

import duckdb
import polars as pl

from givingday import file_cache
from givingday.queries.reader import VersionReader
from givingday.queries.sql import NoData, QueryError
from givingday.warehouse import VersionGone, Warehouse

_readers: dict[tuple[str, int], VersionReader] = {}
_readers_lock = threading.Lock()
KEEP_READERS = 3


def reader(warehouse: Warehouse | str | None = None, version: int | None = None) -> VersionReader:
    """A cached reader of the published version, or of exactly `version` (`VersionGone` if reclaimed)."""
    warehouse = warehouse if isinstance(warehouse, Warehouse) else Warehouse(warehouse)
    asked = version
    version = warehouse.current_version() if version is None else version
    if version is None:
        raise NoData(f"warehouse {warehouse.root} has no published version yet")
    key = (warehouse.key, version)
    with _readers_lock:
        known = _readers.get(key)
    if known is not None:
        return known
    try:
        made = VersionReader(warehouse.manifest(version), warehouse, local_copies=True)
    except VersionGone:
        if asked is None:  # the published one was reclaimed as we opened it: open the newer one
            return reader(warehouse)
        raise
    except duckdb.Error as exc:  # a file of the version vanished as its views were made
        raise _gone_or(warehouse, version, QueryError(f"version {version} cannot be opened: {exc}")) from exc
    with _readers_lock:
        made = _readers.setdefault(key, made)
        for stale in sorted(k for k in _readers if k[0] == key[0])[:-KEEP_READERS]:
            _readers.pop(stale)
        named = {f for kept in _readers.values() for table in kept.manifest.tables for f in kept.manifest.files(table)}
    file_cache.keep_only(named)
    return made


def _gone_or(warehouse: Warehouse, version: int, error: Exception) -> Exception:
    return VersionGone(version) if not warehouse.has_version(version) else error


def read(reader_: VersionReader, warehouse: Warehouse, run) -> pl.DataFrame:
    """`run(reader_)`, with a failure because the version was reclaimed meanwhile said as such."""
    try:
        return run(reader_)
    except QueryError as exc:
        raise _gone_or(warehouse, reader_.version, exc) from exc


def run(name: str, params: dict[str, str] | None = None, warehouse=None,
        version: int | None = None) -> pl.DataFrame:
    """Run a named query on the published (or exactly the given) version."""
    warehouse = warehouse if isinstance(warehouse, Warehouse) else Warehouse(warehouse)
    return read(reader(warehouse, version), warehouse, lambda r: r.run(name, params))
