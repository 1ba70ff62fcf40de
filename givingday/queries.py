"""Named SQL queries (`queries/*.sql`), run by DuckDB on one pinned warehouse version.

A query file starts with a header of `--` comment lines: a first line naming what one row
is, then free text on units and caveats, and `-- param: NAME default=VALUE choices=A|B`
lines for its named parameters. Parameters are bound (`$name`), never pasted into SQL.
`queries/*.sql` are the public named queries (../shared/spec/queries.md); SQL that the
ingest runs lives in `queries/ingest/`.

`VersionReader` opens one warehouse version: one in-memory DuckDB database whose views read
exactly that version's Parquet files. Readers are cached per version and shared; each query
runs on its own cursor, so threads never share one.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

from givingday import contract
from givingday.warehouse import Manifest, Warehouse

QUERIES_DIR = Path(__file__).resolve().parents[1] / "queries"
ROW_CAP = 100_000  # a named query never returns more rows than this
_PARAM_LINE = re.compile(r"^--\s*param:\s*(\w+)\s*(.*)$")


class QueryError(Exception):
    """An unknown query, an unknown parameter or a bad value."""


class NoData(QueryError):
    """The warehouse has no published version yet."""


@dataclass(frozen=True)
class Param:
    name: str
    default: str | None
    choices: tuple[str, ...] = ()
    kind: str = "text"  # text | int | list (comma-separated text, bound as a list)

    def bind(self, raw: str | None):
        value = self.default if raw is None else raw
        if value is None:
            return None
        if self.choices and value not in self.choices:
            raise QueryError(f"parameter {self.name}={value!r} is not one of {', '.join(self.choices)}")
        if self.kind == "list":
            return value if isinstance(value, list) else [v.strip() for v in value.split(",") if v.strip()]
        if self.kind == "int":
            try:
                return int(value)
            except ValueError:
                raise QueryError(f"parameter {self.name}={value!r} is not an integer") from None
        return value


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    sql: str
    summary: str
    description: str
    params: dict[str, Param] = field(default_factory=dict)

    def bind(self, given: dict[str, str] | None) -> dict:
        given = dict(given or {})
        unknown = sorted(set(given) - set(self.params))
        if unknown:
            known = ", ".join(self.params) or "none"
            raise QueryError(f"query {self.name} has no parameter {unknown[0]!r} (parameters: {known})")
        return {name: param.bind(given.get(name)) for name, param in self.params.items()
                if f"${name}" in self.sql}


def _parse(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header, params = [], {}
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        match = _PARAM_LINE.match(line)
        if match:
            options = dict(re.findall(r"(\w+)=(\S+)", match.group(2)))
            default = options.get("default")
            params[match.group(1)] = Param(
                match.group(1), None if default in (None, "null") else default,
                tuple(options["choices"].split("|")) if "choices" in options else (),
                options.get("type", "text"))
        else:
            header.append(line[2:].strip())
    lines = [h for h in header if h]
    return NamedQuery(path.stem, path, text, lines[0] if lines else "", "\n".join(lines[1:]), params)


@cache
def named_queries() -> dict[str, NamedQuery]:
    """The public named queries, by name."""
    return {q.name: q for q in map(_parse, sorted(QUERIES_DIR.glob("*.sql")))}


def named_query(name: str) -> NamedQuery:
    queries = named_queries()
    if name not in queries:
        raise QueryError(f"unknown query {name!r} (known: {', '.join(queries)})")
    return queries[name]


@cache
def internal_sql(name: str) -> NamedQuery:
    """SQL of the ingest and other internals, e.g. internal_sql('ingest/rollup_project')."""
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise QueryError(f"no SQL file {path}")
    return _parse(path)


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
                 config: dict | None = None):
        """Views of every table of the version, or only of `tables`."""
        self.manifest = manifest
        self.version = manifest.version
        self._connection = duckdb.connect(config=config or {})
        warehouse.attach_to(self._connection)
        self._lock = threading.Lock()
        for table in manifest.tables:
            if tables is not None and table not in tables:
                continue
            files = manifest.files(table) or [str(warehouse.schema_file(table))]
            self._connection.read_parquet(files, hive_partitioning=False).create_view(table)
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
