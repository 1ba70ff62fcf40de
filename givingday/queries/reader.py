"""`VersionReader`: one warehouse version in one in-memory DuckDB database whose views read
exactly that version's Parquet files; each query runs on its own cursor, so threads never
share one. Local times are the event's (its zone is stored with the version)."""

from __future__ import annotations

import threading
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

from givingday import contract, file_cache
from givingday.queries.sql import NamedQuery, QueryError, internal_sql, named_query
from givingday.warehouse import Manifest, Warehouse

ROW_CAP = 100_000  # a named query never returns more rows than this


def new_connection(zone: str = contract.TZ) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    set_time_zone(connection, zone)
    return connection


def set_time_zone(connection, zone: str) -> None:
    """Local times in SQL (days, hours, `at time zone`) are the event's: its zone, from the
    version's event_info table (the inbox contract's zone for raw files)."""
    ZoneInfo(zone)  # a real zone name, never text pasted into SQL
    connection.execute(f"SET TimeZone = '{zone}'")


class VersionReader:
    """One pinned warehouse version, queryable through DuckDB views of its files."""

    def __init__(self, manifest: Manifest, warehouse: Warehouse, tables: tuple[str, ...] | None = None,
                 config: dict | None = None, local_copies: bool = False):
        """Views of every table of the version, or only of `tables`; with `local_copies`, of
        this process's local copies of a remote warehouse's files (`file_cache`)."""
        self.manifest = manifest
        self.version = manifest.version
        self._connection = duckdb.connect(config=config or {})
        warehouse.attach_to(self._connection)
        self._lock = threading.Lock()
        for table in manifest.tables:
            if tables is not None and table not in tables:
                continue
            files = manifest.files(table)
            if files:
                files = file_cache.local_paths(files) if local_copies else files
                self._connection.read_parquet(files, hive_partitioning=False).create_view(table)
            else:  # an empty table
                warehouse.create_empty(self._connection, table, table)
        self.time_zone = contract.TZ
        if "event_info" in manifest.tables and (tables is None or "event_info" in tables):
            self.time_zone = self._connection.sql(internal_sql("reader/event_time_zone").sql).fetchall()[0][0]

    def cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:  # creating cursors is cheap but not thread-safe on one connection
            cursor = self._connection.cursor()
        set_time_zone(cursor, self.time_zone)
        return cursor

    def run(self, name: str, params: dict[str, str] | None = None) -> pl.DataFrame:
        query = named_query(name)
        return self.run_sql(query, query.bind(params))

    def run_sql(self, query: NamedQuery, bound: dict) -> pl.DataFrame:
        cursor = self.cursor()
        try:
            return cursor.sql(query.sql, params=bound or None).limit(ROW_CAP).pl()
        except duckdb.Error as exc:
            first_line = str(exc).strip().splitlines()[0]
            raise QueryError(f"query {query.name} failed on version {self.version}: {first_line}") from exc
        finally:
            cursor.close()
