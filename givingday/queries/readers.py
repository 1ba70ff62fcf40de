"""The readers of this process, one per warehouse version (the newest few kept), shared by
every page, route and command that asks for a version."""

from __future__ import annotations

import threading

import polars as pl

from givingday.queries.reader import VersionReader
from givingday.queries.sql import NoData
from givingday.warehouse import Warehouse

_readers: dict[tuple[str, int], VersionReader] = {}
_readers_lock = threading.Lock()
KEEP_READERS = 3


def reader(warehouse: Warehouse | str | None = None, version: int | None = None) -> VersionReader:
    """A cached reader of the published (or a given) version of a warehouse."""
    warehouse = warehouse if isinstance(warehouse, Warehouse) else Warehouse(warehouse)
    version = warehouse.current_version() if version is None else version
    if version is None:
        raise NoData(f"warehouse {warehouse.root} has no published version yet")
    if not warehouse.has_version(version):  # reclaimed (retention.py): move to the published one
        version = warehouse.current_version()
    key = (warehouse.key, version)
    with _readers_lock:
        if key not in _readers:
            _readers[key] = VersionReader(warehouse.manifest(version), warehouse)
            for stale in sorted(k for k in _readers if k[0] == key[0])[:-KEEP_READERS]:
                _readers.pop(stale)
        return _readers[key]


def run(name: str, params: dict[str, str] | None = None, warehouse=None,
        version: int | None = None) -> pl.DataFrame:
    """Run a named query on the published version: the one function every page calls."""
    return reader(warehouse, version).run(name, params)
