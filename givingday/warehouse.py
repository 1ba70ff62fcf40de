"""The versioned warehouse: Delta tables over Parquet, published as numbered versions.

Layout of a warehouse folder:

    tables/<name>/        one Delta Lake table per table (contract tables, rollups,
                          quarantine, the ledger of ingested files, the event's reference)
    versions/<N>.json     manifest of warehouse version N: for every table its Delta
                          version and exact Parquet file list, plus as_of and the report
    CURRENT               the published version number; replaced atomically (rename)
    schemas/<name>.parquet  an empty file with each table's schema, for empty tables
    reports/<N>.json      the ingest report that produced version N

A warehouse version spans several Delta tables, so the Delta commits of one ingest pass
are made first and the version becomes visible only when CURRENT is renamed into place.
A reader pins one manifest and reads exactly its file lists: it sees the previous version
or the new one, never a mix. An ingest killed midway leaves Delta commits that no
manifest names; the next ingest restores those tables to the published Delta versions.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import deltalake
import pyarrow as pa
import pyarrow.parquet as pq

from givingday import faults, storage

ENV_WAREHOUSE = "GIVINGDAY_WAREHOUSE"
# Uncompressed pages write about a quarter faster and scan faster: for bulk loads of the
# ledger (a first ingest), written once. Everything else (a live pass's few rows, rollups,
# snapshots, compaction) is compressed: every version the retention window keeps holds its
# own copy of what a pass rewrote, so those bytes are what the window costs.
BULK_PROPERTIES = deltalake.WriterProperties(compression="UNCOMPRESSED")
COMPRESSED_PROPERTIES = deltalake.WriterProperties(compression="ZSTD")
BULK_ROWS = 200_000  # an append at least this large is a bulk load
MAX_FILES_PER_TABLE = 64
COMPACT_TARGET_BYTES = 32 * 2**20  # compaction merges files below this size into files of about it
DEFAULT_WAREHOUSE = Path("data/warehouse")


class WarehouseError(Exception):
    """The warehouse cannot be used (not writable, corrupt manifest)."""


class ManifestCorrupt(WarehouseError):
    """A manifest that was read but is not one (not JSON, or missing its fields)."""


class VersionGone(WarehouseError):
    """A version asked for by number that is no longer there (reclaimed by retention.py).
    Nothing answers it with another version's data: the caller moves to the newest itself."""

    def __init__(self, version: int):
        super().__init__(f"version {version} was reclaimed")
        self.version = version


class WarehouseLocked(WarehouseError):
    """Another ingest process holds the warehouse's write lock."""


@dataclass(frozen=True)
class TableState:
    delta_version: int
    files: tuple[str, ...]  # relative to the warehouse root


@dataclass(frozen=True)
class Manifest:
    root: Path
    version: int
    published_at: str
    as_of: str | None
    event_id: str
    tables: dict[str, TableState] = field(default_factory=dict)

    def files(self, table: str) -> list[str]:
        state = self.tables.get(table)
        return [str(self.root / f) for f in state.files] if state else []

    def to_json(self) -> dict:
        return {
            "version": self.version, "published_at": self.published_at, "as_of": self.as_of,
            "event_id": self.event_id,
            "tables": {name: {"delta_version": s.delta_version, "files": list(s.files)}
                       for name, s in sorted(self.tables.items())},
        }


def resolve(path: str | os.PathLike | None = None) -> Path:
    """The warehouse root: the argument, else $GIVINGDAY_WAREHOUSE, else data/warehouse; a
    local folder or s3://bucket/prefix (see storage.py)."""
    return storage.location(path or os.environ.get(ENV_WAREHOUSE) or DEFAULT_WAREHOUSE)


_POINTERS: dict[str, tuple[tuple[int, int, int], int | None]] = {}  # CURRENT's path -> (its stat, version)


class Warehouse:
    def __init__(self, root: str | os.PathLike | None = None):
        self.root = resolve(root)

    # -- reading ------------------------------------------------------------------------

    @property
    def current_path(self) -> Path:
        return self.root / "CURRENT"

    def current_version(self) -> int | None:
        """The published version. Locally, CURRENT is read again only when it was replaced
        (its inode, time or size changed): a stat instead of an open and a read, for the API
        on every request (a tenth of live.json's server CPU under wrk). On S3, one GET."""
        if storage.is_remote(self.root):
            return self._read_current()
        path = str(self.current_path)
        try:
            seen = os.stat(path)
        except FileNotFoundError:
            return None
        stamp = (seen.st_ino, seen.st_mtime_ns, seen.st_size)
        known = _POINTERS.get(path)
        if known is not None and known[0] == stamp:
            return known[1]
        version = self._read_current()  # replaced again meanwhile: the next stat differs, and reads it
        _POINTERS[path] = (stamp, version)
        return version

    def _read_current(self) -> int | None:
        try:
            return int(storage.read_text(self.current_path).strip())
        except (FileNotFoundError, ValueError):
            return None

    def manifest(self, version: int | None = None) -> Manifest | None:
        """The manifest of `version` (default: the published one); None when empty.

        A version asked for by number is that version or `VersionGone`: never another one's
        manifest under its number (a reader moves to the newest by asking for it)."""
        asked = version
        version = self.current_version() if version is None else version
        if version is None:
            return None
        path = self.root / "versions" / f"{version:06d}.json"
        try:
            text = storage.read_text(path)
        except FileNotFoundError as exc:
            if asked is None:  # reclaimed between reading CURRENT and the manifest: read it again
                return self.manifest()
            raise VersionGone(version) from exc
        except OSError as exc:
            raise WarehouseError(f"manifest {path} is unreadable: {exc}") from exc
        try:
            raw = json.loads(text)
            return Manifest(
                root=self.root, version=raw["version"], published_at=raw["published_at"],
                as_of=raw.get("as_of"), event_id=raw.get("event_id", ""),
                tables={name: TableState(s["delta_version"], tuple(s["files"]))
                        for name, s in raw["tables"].items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ManifestCorrupt(f"manifest {path} is corrupt: {exc!r}") from exc

    def has_version(self, version: int) -> bool:
        return (self.root / "versions" / f"{version:06d}.json").exists()

    def schema_file(self, table: str) -> Path:
        return self.root / "schemas" / f"{table}.parquet"

    def create_empty(self, connection, table: str, name: str) -> None:
        """`name` in `connection`: no rows, `table`'s columns, its schema file read once. A
        view over the file would read it again at every query (on S3, requests each time)."""
        connection.read_parquet([str(self.schema_file(table))]).limit(0).create(name)

    def table_path(self, table: str) -> Path:
        return self.root / "tables" / table

    @property
    def state_dir(self) -> Path:
        """The ingest's own local state (the donor register, DuckDB's spill); never published."""
        return storage.local_state_dir(self.root)

    @property
    def key(self) -> str:
        """The warehouse's identity, for caches."""
        return str(self.root) if storage.is_remote(self.root) else str(Path(self.root).resolve())

    def delta_table(self, table: str) -> deltalake.DeltaTable:
        return deltalake.DeltaTable(storage.delta_uri(self.table_path(table)),
                                    storage_options=storage.delta_options(self.root))

    def is_delta_table(self, table: str) -> bool:
        return deltalake.DeltaTable.is_deltatable(storage.delta_uri(self.table_path(table)),
                                                  storage_options=storage.delta_options(self.root))

    def attach_to(self, connection) -> None:
        """Let a DuckDB connection read this warehouse's files."""
        storage.register_with(connection, self.root)

    def report(self, version: int) -> dict | None:
        path = self.root / "reports" / f"{version:06d}.json"
        return json.loads(path.read_text()) if path.is_file() else None

    # -- writing ------------------------------------------------------------------------

    def check_writable(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            probe = self.root / f".write-probe-{os.getpid()}"
            probe.write_text("ok")
            probe.unlink()
        except OSError as exc:
            raise WarehouseError(f"warehouse {self.root} is not writable: {exc.strerror or exc}") from exc

    @contextmanager
    def write_lock(self):
        """Exclusive, non-blocking: a second ingest fails at once with a clear message.
        Yields a function that refreshes the lock (a watcher calls it every pass)."""
        self.check_writable()
        try:
            with storage.write_lock(self.root) as refresh:
                yield refresh
        except storage.Locked as held:
            raise WarehouseLocked(
                f"warehouse {self.root} is locked by another ingest ({held}); "
                "only one ingest may write to a warehouse at a time") from None

    def publisher(self) -> Publisher:
        return Publisher(self, self.manifest())


_atomic_write = storage.atomic_write_text


def now_stamp() -> str:
    """A publication time: UTC, ISO 8601, to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Publisher:
    """Collects the Delta commits of one ingest pass and publishes them as one version."""

    def __init__(self, warehouse: Warehouse, base: Manifest | None):
        self.warehouse, self.base = warehouse, base
        self.changed: set[str] = set()
        self._open: dict[str, deltalake.DeltaTable] = {}  # opened once per pass, kept up to date

    def _delta(self, table: str) -> deltalake.DeltaTable:
        """The table as this pass has written it so far."""
        if table not in self._open:
            self._open[table] = self.warehouse.delta_table(table)
        return self._open[table]

    def recover(self) -> list[str]:
        """Undo Delta commits that no published manifest names (a killed ingest)."""
        restored = []
        tables_dir = self.warehouse.root / "tables"
        for path in sorted(tables_dir.iterdir()) if tables_dir.is_dir() else []:
            published = self.base.tables.get(path.name) if self.base else None
            if published is None:
                storage.remove_tree(path)
                restored.append(path.name)
                continue
            if not (path / "_delta_log" / f"{published.delta_version + 1:020d}.json").exists():
                continue  # no commit after the published one: nothing to undo
            table = self.warehouse.delta_table(path.name)
            if table.version() != published.delta_version:
                table.restore(published.delta_version)
                restored.append(path.name)
        return restored

    def _write(self, table: str, data, mode: str, **options) -> None:
        path = self.warehouse.table_path(table)
        path.parent.mkdir(parents=True, exist_ok=True)
        reader = data if isinstance(data, pa.RecordBatchReader) else pa.table(data)
        properties = options.pop("properties", COMPRESSED_PROPERTIES)
        opened = self._open.get(table)
        deltalake.write_deltalake(opened if opened is not None else storage.delta_uri(path), reader, mode=mode,
                                  writer_properties=properties,
                                  storage_options=None if opened is not None else storage.delta_options(path),
                                  **options)
        if opened is not None:
            opened.update_incremental()
        schema_file = self.warehouse.schema_file(table)
        if mode == "overwrite" or not schema_file.exists():
            schema_file.parent.mkdir(parents=True, exist_ok=True)
            buffer = io.BytesIO()
            pq.write_table(reader.schema.empty_table(), buffer)
            schema_file.write_bytes(buffer.getvalue())
        self.changed.add(table)

    def append(self, table: str, data, bulk: bool = False) -> None:
        self._write(table, data, "append", properties=BULK_PROPERTIES if bulk else COMPRESSED_PROPERTIES)

    def replace(self, table: str, data, partition_by: list[str] | None = None) -> None:
        self._write(table, data, "overwrite", schema_mode="overwrite", partition_by=partition_by)

    def replace_partitions(self, table: str, data, column: str, values: list[int]) -> None:
        """Replace the rows of the partitions `column` = each of `values` (integers) with
        `data`; the table's other partitions are not read or rewritten."""
        self._write(table, data, "overwrite", partition_by=[column],
                    predicate=f"{column} IN ({', '.join(str(int(v)) for v in values)})")

    def differs(self, table: str, data: pa.Table) -> bool:
        """Whether the published small table is other than `data` (or missing)."""
        if not (self.base and table in self.base.tables and table not in self.changed):
            return True
        files = self.base.files(table)
        published = pa.concat_tables([pq.read_table(io.BytesIO(storage.location(f).read_bytes()))
                                      for f in files]) if files else None
        try:
            return published is None or not published.cast(data.schema).equals(data)
        except (pa.ArrowInvalid, ValueError, KeyError):  # other columns: an older layout
            return True

    def replace_if_changed(self, table: str, data: pa.Table) -> None:
        """Replace a small table unless the published one holds exactly `data` already."""
        if self.differs(table, data):
            self.replace(table, data)

    def compact_if_fragmented(self, table: str, max_files: int = MAX_FILES_PER_TABLE) -> bool:
        """Merge small files once a table has many (live ingest appends a few rows a pass).

        Compaction is a Delta commit like any other, published with this pass; the files it
        replaces stay on disk for readers still pinned to older versions.
        """
        if table not in self.changed:
            return False
        delta = self._delta(table)
        if len(delta.file_uris()) <= max_files:
            return False
        delta.optimize.compact(writer_properties=COMPRESSED_PROPERTIES, target_size=COMPACT_TARGET_BYTES)
        delta.update_incremental()
        return True

    def ensure(self, table: str, schema: pa.Schema) -> None:
        """Create an empty table if the warehouse has none by that name yet."""
        if (self.base and table in self.base.tables) or table in self.changed:
            return
        if not self.warehouse.is_delta_table(table):
            self._write(table, schema.empty_table(), "overwrite")

    def _table_states(self) -> dict[str, TableState]:
        tables = dict(self.base.tables) if self.base else {}
        root = self.warehouse.root
        for path in sorted((root / "tables").iterdir(), key=lambda p: p.name):
            if path.name in tables and path.name not in self.changed:
                continue
            delta = self._delta(path.name)
            files = tuple(sorted(storage.relative_to(uri, root) for uri in delta.file_uris()))
            tables[path.name] = TableState(delta.version(), files)
        return tables

    def new_files(self, table: str) -> list[str]:
        """The table's files written by this pass so far (absolute paths): for an
        append-only table, exactly the rows this pass adds."""
        root = self.warehouse.root
        published = {storage.relative_to(f, root) for f in (self.base.files(table) if self.base else [])}
        return [f for f in self.files_so_far(table) if storage.relative_to(f, root) not in published]

    def files_so_far(self, table: str) -> list[str]:
        """The table's files as this pass has written them so far (absolute paths)."""
        if table in self.changed:
            return [storage.file_location(uri) for uri in self._delta(table).file_uris()]
        return self.base.files(table) if self.base else []

    def draft(self) -> Manifest:
        """The state this pass has written so far, readable before it is published."""
        return Manifest(root=self.warehouse.root, version=0, published_at="", as_of=None,
                        event_id="", tables=self._table_states())

    @property
    def version(self) -> int:
        """The version this pass publishes."""
        return (self.base.version if self.base else 0) + 1

    def commit(self, as_of: str | None, event_id: str, published_at: str | None = None) -> Manifest:
        """Make every table's current Delta version visible as one new warehouse version."""
        manifest = Manifest(
            root=self.warehouse.root, version=self.version,
            published_at=published_at or now_stamp(),
            as_of=as_of, event_id=event_id, tables=self._table_states(),
        )
        version = manifest.version
        _atomic_write(self.warehouse.root / "versions" / f"{version:06d}.json",
                      json.dumps(manifest.to_json(), indent=1))
        faults.point("manifest_written")
        _atomic_write(self.warehouse.current_path, f"{version}\n")  # the moment of publication
        return manifest

    def save_report(self, version: int, report: dict) -> Path:
        path = self.warehouse.root / "reports" / f"{version:06d}.json"
        _atomic_write(path, json.dumps(report, ensure_ascii=False, indent=1))
        return path
