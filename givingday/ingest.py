"""Inbox -> validated, de-duplicated warehouse version, with quarantine and a JSON report.

    python -m givingday ingest --inbox DIR --warehouse DIR [--report FILE] [--watch]

One pass:
 1. take the warehouse's write lock; undo Delta commits of a killed earlier pass;
 2. list the inbox (only final `*.parquet` names), skip files already ingested, and report a
    file re-delivered with new content as a conflict (the first version stays);
 3. snapshots (organizations, then projects): the newest valid file wins; its bad rows
    are quarantined, the rest published; older files are recorded as superseded;
 4. ledgers (donations, then matches), file by file in name order: a broken file is
    quarantined whole; rows are checked against the contract (dataframely) and the
    reference data; valid rows gather into chunks of at most CHUNK_ROWS, so memory does
    not grow with the size of a pass;
 5. each chunk is de-duplicated by id against everything written before it (identical
    repeats are the same row; a conflicting repeat is quarantined, the first version
    stays), reversals need their original, and the rest is appended to its Delta table;
 6. the rollups of the pass's new rows are folded into the published ones (rollups.py; the
    donor register counts first-time donors), and everything is published as one warehouse
    version (see warehouse.py); the register's changes are committed; the report is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from givingday import contract, faults, storage
from givingday.event import Event
from givingday.loops import stop_on_signal
from givingday.queries import VersionReader, internal_sql, set_time_zone
from givingday.register import Register
from givingday.retention import Reclaimed, Reclaimer, retention_minutes
from givingday.rollups import Fold
from givingday.warehouse import BULK_ROWS, Manifest, Publisher, Warehouse, WarehouseLocked, now_stamp

# DuckDB's memory per phase, so the whole ingest stays under 4 GB at 50 million gifts: the
# ledger phase also holds a chunk in polars; the rollup phase holds nothing else.
LEDGER_DUCKDB_MEMORY = "1GB"
ROLLUP_DUCKDB_MEMORY = "2500MB"
CHUNK_ROWS = 2_000_000  # valid rows held in memory before they are de-duplicated and written
IDLE_RECLAIM_SECONDS = 30  # a pass with nothing new still reclaims, at most this often
# what a pass reads of the published version: the files it has seen, the snapshots, the totals
READ_BY_A_PASS = ("ingested_files", "organizations", "projects", "rollup_totals", "rollup_minute_pool")
FATES_SCHEMA = {"row_key": pl.String, "source_order": pl.Int64, "source_row": pl.Int64, "fate": pl.String}
RECORD_SCHEMA = {"file": pl.String, "row": pl.Int64, "column": pl.String, "rule": pl.String, "value": pl.String}

QUARANTINE_SCHEMA = pa.schema([
    ("version", pa.int64()), ("table", pa.string()), ("file", pa.string()),
    ("row", pa.int64()), ("column", pa.string()), ("rule", pa.string()),
    ("value", pa.string()), ("detail", pa.string()),
    ("quarantined_at", pa.timestamp("us", tz="UTC")),
])
CORRECTIONS_SCHEMA = pa.schema([
    ("version", pa.int64()), ("recorded_at", pa.timestamp("us", tz="UTC")),
    ("as_of", pa.timestamp("us", tz="UTC")), ("previous_raised_fen", pa.int64()),
    ("raised_fen", pa.int64()), ("change_fen", pa.int64()), ("reversed_fen", pa.int64()),
    ("reason", pa.string()),
])
FILES_SCHEMA = pa.schema([
    ("file", pa.string()), ("table", pa.string()), ("size", pa.int64()),
    ("mtime_ns", pa.int64()), ("sha256", pa.string()), ("status", pa.string()),
    ("rows", pa.int64()), ("rows_published", pa.int64()), ("rows_quarantined", pa.int64()),
    ("version", pa.int64()), ("seen_at", pa.timestamp("us", tz="UTC")),
])


# ---------------------------------------------------------------------------------------
# bookkeeping of one pass


@dataclass
class InboxFile:
    path: Path
    name: str  # relative to the inbox: "<table>/<file name>"
    table: str
    size: int
    mtime_ns: int
    sha256: str = ""

    def digest(self) -> str:
        if not self.sha256:
            hasher = hashlib.sha256()
            with open(self.path, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    hasher.update(block)
            self.sha256 = hasher.hexdigest()
        return self.sha256


@dataclass
class TableCounts:
    read: int = 0
    published: int = 0
    duplicates: int = 0
    quarantined: int = 0
    quarantined_by_reason: dict[str, int] = field(default_factory=dict)

    def add_reason(self, reason: str, rows: int) -> None:
        self.quarantined_by_reason[reason] = self.quarantined_by_reason.get(reason, 0) + rows


@dataclass
class Pass:
    """Everything one ingest pass learns, for the ledger, the quarantine and the report."""
    version: int
    now: dt.datetime
    files_seen: int = 0
    ignored: list[str] = field(default_factory=list)
    already_ingested: int = 0
    file_rows: list[dict] = field(default_factory=list)
    quarantine: list[pl.DataFrame] = field(default_factory=list)
    quarantined_files: list[dict] = field(default_factory=list)
    superseded_files: list[str] = field(default_factory=list)
    conflicting_files: list[dict] = field(default_factory=list)
    counts: dict[str, TableCounts] = field(default_factory=lambda: {t: TableCounts() for t in contract.TABLES})
    rows_quarantined_by_file: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per phase

    @contextmanager
    def timed(self, phase: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[phase] = round(self.seconds.get(phase, 0) + time.perf_counter() - started, 3)

    def record_file(self, file: InboxFile, status: str, rows=0, published=0, quarantined=0) -> None:
        self.file_rows.append({
            "file": file.name, "table": file.table, "size": file.size, "mtime_ns": file.mtime_ns,
            "sha256": file.sha256, "status": status, "rows": rows, "rows_published": published,
            "rows_quarantined": quarantined, "version": self.version, "seen_at": self.now,
        })

    def quarantine_file(self, file: InboxFile, rule: str, detail: str, column: str | None = None) -> None:
        self.quarantined_files.append({"file": file.name, "table": file.table, "rule": rule, "detail": detail})
        self.quarantine.append(_records(self, file.table, file.name, None, column, rule, None, detail))
        self.record_file(file, "quarantined")

    def quarantine_rows(self, table: str, records: pl.DataFrame) -> None:
        """records: file, row, column, rule, value; one per (row, broken rule)."""
        if records.height == 0:
            return
        counts = self.counts[table]
        counts.quarantined += records.select("file", "row").unique().height
        for file, rows in records.group_by("file").agg(pl.col("row").n_unique()).iter_rows():
            self.rows_quarantined_by_file[file] = self.rows_quarantined_by_file.get(file, 0) + rows
        for (column, rule), group in records.group_by(["column", "rule"]):
            counts.add_reason(f"{column}:{rule}", group.height)
        self.quarantine.append(records.with_columns(
            version=pl.lit(self.version, pl.Int64), table=pl.lit(table), detail=pl.lit(None, pl.String),
            quarantined_at=pl.lit(self.now)).select(QUARANTINE_SCHEMA.names))

    @property
    def has_news(self) -> bool:
        return bool(self.file_rows)


def _records(run: Pass, table, file, row, column, rule, value, detail) -> pl.DataFrame:
    return pl.DataFrame([{"version": run.version, "table": table, "file": file, "row": row,
                          "column": column, "rule": rule, "value": value, "detail": detail,
                          "quarantined_at": run.now}],
                        schema=pl.Schema(pl.from_arrow(QUARANTINE_SCHEMA.empty_table()).schema))


# ---------------------------------------------------------------------------------------
# reading and checking one file


def _read(file: InboxFile) -> pl.DataFrame:
    if not contract.FILE_NAME[file.table].match(file.path.name):
        raise contract.BrokenFile("bad_file_name", f"{file.path.name} is not named as the contract says "
                                  f"({contract.FILE_NAME[file.table].pattern})")
    try:
        frame = pl.read_parquet(file.path)
    except Exception as exc:  # a truncated file, or not Parquet at all
        raise contract.BrokenFile("unreadable", f"not a readable Parquet file: {str(exc)[:200]}") from None
    return contract.conform(file.table, frame).with_row_index(contract.SOURCE_ROW).with_columns(
        pl.col(contract.SOURCE_ROW).cast(pl.Int64))


def _failure_records(table: str, file: str, details: pl.DataFrame, rule_columns: list[str]) -> pl.DataFrame:
    """Turn dataframely's failure details into (file, row, column, rule, value) records."""
    columns = list(contract.contract_columns(table))
    values = details.select(contract.SOURCE_ROW, *[pl.col(c).cast(pl.String) for c in columns]).unpivot(
        index=contract.SOURCE_ROW, variable_name="column", value_name="value")
    names = {rule: contract.describe_rule(rule) for rule in rule_columns}
    broken = (details.select(contract.SOURCE_ROW, *[pl.col(r).cast(pl.String) for r in rule_columns])
              .unpivot(index=contract.SOURCE_ROW, variable_name="rule_id", value_name="state")
              .filter(pl.col("state") == "invalid")
              .with_columns(column=pl.col("rule_id").replace_strict({r: c for r, (c, _) in names.items()}),
                            rule=pl.col("rule_id").replace_strict({r: n for r, (_, n) in names.items()})))
    return (broken.join(values, on=[contract.SOURCE_ROW, "column"], how="left")
            .select(file=pl.lit(file), row=pl.col(contract.SOURCE_ROW), column="column", rule="rule",
                    value="value")
            .sort("row", "rule"))


def check_rows(schema, table: str, frame: pl.DataFrame, file: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Valid rows, and quarantine records for the others."""
    good, failure = schema.filter(frame)
    if good.height == frame.height:
        return good, pl.DataFrame(schema=RECORD_SCHEMA)
    details = failure.details()
    rule_columns = [c for c in details.columns if c not in frame.columns]
    return good, _failure_records(table, file, details, rule_columns)


def first_of_each_key(table: str, frame: pl.DataFrame, file: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A snapshot's ids are unique: keep each id's first row, quarantine the repeats."""
    key = contract.KEY_COLUMN[table]
    repeated = ~pl.col(contract.SOURCE_ROW).is_in(
        frame.group_by(key).agg(pl.col(contract.SOURCE_ROW).min())[contract.SOURCE_ROW].implode())
    repeats = frame.filter(repeated)
    records = repeats.select(file=pl.lit(file), row=pl.col(contract.SOURCE_ROW), column=pl.lit(key),
                             rule=pl.lit("duplicate_key"), value=pl.col(key))
    return frame.filter(~repeated), records


def _may_repeat(ids: pl.Series) -> bool:
    """False when ids are strictly increasing (so unique); exports usually are, and this
    check is ten times cheaper than hashing every id. True means: look properly."""
    return len(ids) > 1 and not (ids.slice(1) > ids.slice(0, len(ids) - 1)).all()


def _duckdb_limits(spill: Path, memory: str) -> dict:
    """Keep DuckDB's share of the ingest's memory bounded; it spills to disk beyond it."""
    return {"memory_limit": memory, "temp_directory": str(spill)}


def _fate_records(rows: pl.DataFrame, file_names: dict[int, str], column: str, rule: str,
                  value_column: str) -> pl.DataFrame:
    return rows.select(
        file=pl.col("source_order").replace_strict(file_names, return_dtype=pl.String),
        row=pl.col("source_row"), column=pl.lit(column), rule=pl.lit(rule),
        value=pl.col(value_column).cast(pl.String))


# ---------------------------------------------------------------------------------------
# the pass


HISTORY_SCHEMA = pa.schema([
    ("version", pa.int64()), ("published_at", pa.timestamp("us", tz="UTC")),
    ("as_of", pa.timestamp("us", tz="UTC")), ("raised_fen", pa.int64()), ("public_fen", pa.int64()),
    ("matched_fen", pa.int64()), ("donations", pa.int64()), ("donors", pa.int64()),
])


class Ingest:
    def __init__(self, event: Event, inbox: Path, warehouse: Warehouse, keep_minutes: float | None = None):
        self.event, self.inbox, self.warehouse = event, Path(inbox), warehouse
        self.reclaimer = Reclaimer(warehouse, retention_minutes(keep_minutes))
        self._reclaimed_at = float("-inf")
        self._reference_checked: int | None = None  # the published version whose event tables were compared

    def run_once(self) -> dict:
        """One pass under the warehouse's write lock."""
        with self.warehouse.write_lock():
            return self._locked_pass()

    def watch(self, interval: float, on_report, on_trouble=None) -> None:
        """Pass after pass, holding the write lock throughout: one writer owns the warehouse.

        SIGINT or SIGTERM stops it between passes, so a pass is never cut in the middle of a
        publication; a second signal during a long pass interrupts at once.

        A pass that fails (the object store out of reach, a disk full) is told to
        `on_trouble` and tried again `interval` later, the lock kept: the published version
        stays as it was, and the next pass recovers what the failed one left half written,
        as after a crash. Taking the lock is retried so too, unless another ingest holds it
        (`WarehouseLocked`)."""
        trouble = on_trouble or (lambda exc: None)
        with stop_on_signal() as stop:
            while not stop.is_set():
                try:
                    with self.warehouse.write_lock() as refresh_lock:
                        self._passes(interval, refresh_lock, on_report, trouble, stop)
                except WarehouseLocked:
                    raise
                except Exception as exc:  # noqa: BLE001 - the store out of reach as the lock was taken
                    trouble(exc)
                    stop.wait(interval)

    def _passes(self, interval: float, refresh_lock, on_report, trouble, stop) -> None:
        while not stop.is_set():
            started = time.monotonic()
            try:
                refresh_lock()
                on_report(self._locked_pass())
            except (WarehouseLocked, storage.Locked):  # another ingest took the lock over: stop writing
                raise
            except Exception as exc:  # noqa: BLE001 - said, and tried again next interval
                trouble(exc)
            stop.wait(max(0.0, interval - (time.monotonic() - started)))  # a pass every `interval`

    def _locked_pass(self) -> dict:
        started = time.monotonic()
        publisher = self.warehouse.publisher()
        restored = publisher.recover()
        base = publisher.base
        run = Pass(version=(base.version if base else 0) + 1,
                   now=dt.datetime.now(dt.UTC).replace(microsecond=0))
        spill = self.warehouse.state_dir / "spill" / f"pass-{run.version}"  # DuckDB's overflow
        shutil.rmtree(spill, ignore_errors=True)
        spill.parent.mkdir(parents=True, exist_ok=True)
        try:
            report = self._pass(run, base, publisher, spill)
        finally:
            shutil.rmtree(spill.parent, ignore_errors=True)
        report["restored_tables"] = restored
        report["duration_s"] = round(time.monotonic() - started, 3)
        if report["published"]:
            publisher.save_report(report["version"], report)
        return report

    # -- the inbox --------------------------------------------------------------------

    def _list_inbox(self, run: Pass) -> dict[str, list[InboxFile]]:
        found: dict[str, list[InboxFile]] = {t: [] for t in contract.TABLES}
        if not self.inbox.is_dir():
            return found
        for path in sorted(self.inbox.rglob("*")):
            if not path.is_file():
                continue
            relative = path.relative_to(self.inbox).as_posix()
            table = path.parent.name if path.parent.parent == self.inbox else None
            if table not in contract.TABLES or not path.name.endswith(contract.FINAL_SUFFIX):
                if not path.name.endswith(".tmp"):
                    run.ignored.append(relative)
                continue
            stat = path.stat()
            found[table].append(InboxFile(path, relative, table, stat.st_size, stat.st_mtime_ns))
            run.files_seen += 1
        return found

    def _new_files(self, run: Pass, found: dict[str, list[InboxFile]], reader: VersionReader | None):
        known = {} if reader is None else {
            row["file"]: row for row in reader.cursor().sql(internal_sql("ingest/ingested_files").sql)
            .pl().iter_rows(named=True)}
        fresh: dict[str, list[InboxFile]] = {t: [] for t in contract.TABLES}
        for table, files in found.items():
            for file in files:
                seen = known.get(file.name)
                if seen is None:
                    file.digest()
                    fresh[table].append(file)
                elif (seen["size"], seen["mtime_ns"]) == (file.size, file.mtime_ns) or \
                        file.digest() == seen["sha256"]:
                    run.already_ingested += 1
                else:
                    run.conflicting_files.append({"file": file.name, "table": table,
                                                  "rule": "redelivered_with_new_content",
                                                  "detail": "already ingested with other content; the first version stays"})
                    run.quarantine.append(_records(run, table, file.name, None, None,
                                                   "redelivered_with_new_content", file.sha256,
                                                   f"first ingested content sha256 {seen['sha256']}"))
                    run.record_file(file, "conflict")
        return fresh

    # -- one pass ---------------------------------------------------------------------

    def _pass(self, run: Pass, base: Manifest | None, publisher: Publisher, spill: Path) -> dict:
        with run.timed("inbox"):
            reader = VersionReader(base, self.warehouse, tables=READ_BY_A_PASS) if base else None
            fresh = self._new_files(run, self._list_inbox(run), reader)
        with run.timed("snapshots"):
            reference = self._snapshots(run, fresh, reader, publisher)
        for table in contract.LEDGER_TABLES:
            self._ledger(run, table, fresh[table], reference, base, publisher, spill)
        if not run.has_news and not self._reference_changed(base, publisher):
            report = self._report(run, base, published=False)
            if time.monotonic() - self._reclaimed_at > IDLE_RECLAIM_SECONDS:  # the window moves on while idle
                report["reclaimed"] = self._reclaim(run).as_dict()
            return report
        faults.point("ledger_written")
        new_rows = {table: publisher.new_files(table) for table in contract.LEDGER_TABLES}
        with run.timed("bookkeeping"):
            self._write_bookkeeping(run, publisher)
        manifest = self._fold_and_publish(run, base, reader, publisher, new_rows, spill)
        reclaimed = self._reclaim(run)
        report = self._report(run, manifest, published=True)
        report["reclaimed"] = reclaimed.as_dict()
        return report

    def _reference_changed(self, base: Manifest | None, publisher: Publisher) -> bool:
        """The event's reference tables differ from the published ones (event.toml edited, or
        an upgrade that stores more of the event): publish them even with no new files.
        Checked once per published version."""
        if base is None or self._reference_checked == base.version:
            return False
        self._reference_checked = base.version
        return any(publisher.differs(name, frame.to_arrow()) for name, frame in event_tables(self.event).items())

    def _reclaim(self, run: Pass) -> Reclaimed:
        """Reclaim after a pass. A reclaim that fails (the store out of reach) deletes nothing
        it had not decided on, and does not fail the pass that published: it is tried again
        at the next pass that publishes, or the next idle one."""
        with run.timed("reclaim"):
            try:
                reclaimed = self.reclaimer.run()
            except Exception as exc:  # noqa: BLE001 - said in the pass's report
                return Reclaimed(put_off=f"{type(exc).__name__}: {exc}")
        self._reclaimed_at = time.monotonic()
        return reclaimed

    def _fold_and_publish(self, run: Pass, base: Manifest | None, reader: VersionReader | None,
                          publisher: Publisher, new_rows: dict[str, list[str]], spill: Path) -> Manifest:
        """Fold the new rows into the rollups, publish the version, then commit the register."""
        published_at = now_stamp()
        connection = duckdb.connect(config=_duckdb_limits(spill, ROLLUP_DUCKDB_MEMORY))
        try:
            set_time_zone(connection, str(self.event.tz))
            self.warehouse.attach_to(connection)
            register = Register(connection, self.warehouse.state_dir / "register.duckdb")
            with run.timed("register_rebuild"):
                self._check_register(register, base)
            fold = Fold(connection, self.warehouse, base, publisher)
            with run.timed("rollups"):
                fold.prepare(new_rows)
                fold.register_donors(register, publisher.version, published_at)
                totals = fold.run()
            faults.point("rollups_written")
            with run.timed("publish"):
                self._record_correction(run, reader, totals, publisher)
                self._record_history(publisher, published_at, totals)
                as_of = totals["as_of"].astimezone(self.event.tz).isoformat() if totals["as_of"] else None
                manifest = publisher.commit(as_of, self.event.id, published_at)
            faults.point("version_published")
            register.commit()  # a crash before this line: the next pass rebuilds the register
        finally:
            connection.close()
        return manifest

    def _check_register(self, register: Register, base: Manifest | None) -> None:
        """Rebuild the donor register from the published gifts unless it reflects exactly the
        published version (after a crash between publication and its commit, or when new)."""
        if register.stamp() == ((base.version, base.published_at) if base else None):
            return
        if base is None:
            register.reset()
            return
        files = base.files("donations") or [str(self.warehouse.schema_file("donations"))]
        register.connection.read_parquet(files).create_view("donations")
        register.rebuild(base.version, base.published_at)

    def _snapshots(self, run: Pass, fresh, reader: VersionReader | None, publisher: Publisher) -> contract.KnownCodes:
        reference = contract.KnownCodes(
            adcodes=tuple(self.event.valid_adcodes), categories=tuple(self.event.category_codes),
            pools=tuple(self.event.pool_ids))
        ids = {}
        for table in contract.SNAPSHOT_TABLES:
            current_file = self._published_snapshot_file(reader, table)
            winner = None
            for file in sorted(fresh[table], key=lambda f: f.path.name, reverse=True):
                if winner is not None or (current_file and file.path.name <= current_file.split("/")[-1]):
                    run.superseded_files.append(file.name)
                    run.record_file(file, "superseded")
                    continue
                try:
                    frame = _read(file)
                except contract.BrokenFile as broken:
                    run.quarantine_file(file, broken.rule, broken.detail, broken.column)
                    continue
                winner = file
                good, records = check_rows(contract.row_schema(table, reference), table, frame, file.name)
                good, repeats = first_of_each_key(table, good, file.name)
                records = pl.concat([records, repeats])
                counts = run.counts[table]
                counts.read += frame.height
                counts.published += good.height
                run.quarantine_rows(table, records)
                run.record_file(file, "published", frame.height, good.height,
                                run.rows_quarantined_by_file.get(file.name, 0))
                publisher.replace(table, good.drop(contract.SOURCE_ROW).to_arrow())
                ids[table] = tuple(good[contract.KEY_COLUMN[table]].to_list())
            if table not in ids:
                ids[table] = self._published_ids(reader, table)
            if table == "organizations":
                reference = contract.KnownCodes(**{**reference.__dict__, "org_ids": ids[table]})
        return contract.KnownCodes(**{**reference.__dict__, "project_ids": ids["projects"]})

    def _published_snapshot_file(self, reader: VersionReader | None, table: str) -> str | None:
        if reader is None:
            return None
        rows = reader.cursor().sql(internal_sql("ingest/published_snapshot").sql,
                                   params={"table": table}).fetchall()
        return rows[0][0] if rows and rows[0][0] else None

    def _published_ids(self, reader: VersionReader | None, table: str) -> tuple[str, ...]:
        if reader is None or table not in reader.manifest.tables:
            return ()
        column = contract.KEY_COLUMN[table]
        return tuple(r[0] for r in reader.cursor().table(table).select(column).fetchall())

    def _ledger(self, run: Pass, table: str, files: list[InboxFile], reference: contract.KnownCodes,
                base: Manifest | None, publisher: Publisher, spill: Path) -> None:
        """Check files in name order and publish their valid rows in bounded chunks."""
        schema = contract.row_schema(table, reference)
        chunk: list[tuple[int, InboxFile, pl.DataFrame, int]] = []
        for order, file in enumerate(sorted(files, key=lambda f: f.path.name), start=1):
            try:
                with run.timed("read"):
                    frame = _read(file)
            except contract.BrokenFile as broken:
                run.quarantine_file(file, broken.rule, broken.detail, broken.column)
                continue
            with run.timed("validate"):
                good, records = check_rows(schema, table, frame, file.name)
            run.counts[table].read += frame.height
            run.quarantine_rows(table, records)
            chunk.append((order, file, good.with_columns(source_order=pl.lit(order, pl.Int64)), frame.height))
            if sum(part[2].height for part in chunk) >= CHUNK_ROWS:
                self._publish_chunk(run, table, chunk, base, publisher, spill)
                chunk = []
        if chunk:
            self._publish_chunk(run, table, chunk, base, publisher, spill)

    def _publish_chunk(self, run: Pass, table: str, chunk: list[tuple[int, InboxFile, pl.DataFrame, int]],
                       base: Manifest | None, publisher: Publisher, spill: Path) -> None:
        """De-duplicate a chunk against the rows published before it and append the rest.

        "Before it" is the published version plus the chunks of this pass already written,
        so the first occurrence of an id in file order is the one kept. Only published rows
        whose id lies within the chunk's id range can repeat one of its ids, so the scan of
        earlier rows is limited to that range (Parquet statistics skip the rest).
        """
        key, columns = contract.KEY_COLUMN[table], list(contract.contract_columns(table))
        file_names = {order: file.name for order, file, _, _ in chunk}
        staged = pl.concat([part for _, _, part, _ in chunk], rechunk=False)
        con = duckdb.connect(config=_duckdb_limits(spill, LEDGER_DUCKDB_MEMORY))
        set_time_zone(con, str(self.event.tz))
        self.warehouse.attach_to(con)
        key_column = duckdb.ColumnExpression(key)
        staged_rows = con.from_arrow(staged.to_arrow()).select(
            key_column.alias("row_key"), *columns, "source_order", contract.SOURCE_ROW)
        staged_rows.create_view("staged")
        earlier = publisher.files_so_far(table)
        if earlier:
            published = con.read_parquet(earlier)
            published.create_view("published")
            low, high = staged[key].min(), staged[key].max()
            in_range = key_column.between(duckdb.ConstantExpression(low), duckdb.ConstantExpression(high))
            published.filter(in_range).select(key_column.alias("row_key"), *columns).create_view("existing")
        else:
            staged_rows.select(*columns).limit(0).create_view("published")
            staged_rows.select("row_key", *columns).limit(0).create_view("existing")

        with run.timed("deduplicate"):
            if _may_repeat(staged[key]) or con.table("existing").limit(1).fetchall():
                fates = con.sql(internal_sql("ingest/duplicate_fates").sql).pl()
            else:  # the common case, cheaply: no id repeats within the chunk or its id range
                fates = pl.DataFrame(schema=FATES_SCHEMA)
        run.counts[table].duplicates += fates.filter(pl.col("fate") == "duplicate").height
        run.quarantine_rows(table, _fate_records(fates.filter(pl.col("fate") == "conflict"), file_names,
                                                 key, "conflicting_duplicate", "row_key"))
        con.register("excluded", fates.select("source_order", "source_row").to_arrow())
        con.sql(internal_sql("ingest/unique_staged").sql).create_view("candidates")
        orphans = pl.DataFrame(schema={"source_order": pl.Int64, "source_row": pl.Int64,
                                       "reverses_match_id": pl.String})
        if table == "matches":
            with run.timed("deduplicate"):
                orphans = con.sql(internal_sql("ingest/orphan_reversals").sql).pl()
            run.quarantine_rows(table, _fate_records(orphans, file_names, "reverses_match_id",
                                                     "reversal_without_original", "reverses_match_id"))
        con.register("orphans", orphans.select("source_order", "source_row").to_arrow())
        with run.timed("write"):
            publishable = con.sql(internal_sql("ingest/publishable").sql).select(*columns)
            publisher.append(table, publishable.to_arrow_reader(batch_size=1_000_000), bulk=staged.height >= BULK_ROWS)
        con.close()
        held_back = pl.concat([fates.select("source_order"), orphans.select("source_order")])
        held_back = dict(held_back.group_by("source_order").len().iter_rows())
        for order, file, part, rows in chunk:
            published_rows = part.height - held_back.get(order, 0)
            run.counts[table].published += published_rows
            run.record_file(file, "published", rows, published_rows, run.rows_quarantined_by_file.get(file.name, 0))

    def _write_bookkeeping(self, run: Pass, publisher: Publisher) -> None:
        publisher.ensure("quarantine", QUARANTINE_SCHEMA)
        if run.quarantine:
            publisher.append("quarantine", pl.concat(run.quarantine).to_arrow().cast(QUARANTINE_SCHEMA))
        if run.file_rows:  # (a pass that only publishes changed event tables has none)
            publisher.append("ingested_files", pl.DataFrame(run.file_rows).to_arrow().select(FILES_SCHEMA.names)
                             .cast(FILES_SCHEMA))
        for name, frame in event_tables(self.event).items():
            publisher.replace_if_changed(name, frame.to_arrow())
        for table in contract.TABLES:
            publisher.ensure(table, _contract_arrow_schema(table))
        for table in (*contract.LEDGER_TABLES, "quarantine", "ingested_files"):
            publisher.compact_if_fragmented(table)

    def _record_history(self, publisher: Publisher, published_at: str, totals: dict) -> None:
        """One compact row per version, kept when the version itself is reclaimed."""
        publisher.append("history", pa.Table.from_pylist([{
            "version": publisher.version, "published_at": dt.datetime.fromisoformat(published_at),
            "as_of": totals["as_of"], "raised_fen": totals["raised_fen"], "public_fen": totals["public_fen"],
            "matched_fen": totals["matched_fen"], "donations": totals["donations"], "donors": totals["donors"],
        }], schema=HISTORY_SCHEMA))
        publisher.compact_if_fragmented("history")

    def _record_correction(self, run: Pass, reader: VersionReader | None, totals: dict,
                           publisher: Publisher) -> None:
        """A published total never falls silently: log every fall with its reason."""
        publisher.ensure("corrections", CORRECTIONS_SCHEMA)
        if reader is None or "rollup_totals" not in reader.manifest.tables:
            return
        before = reader.cursor().sql(internal_sql("ingest/ledger_totals").sql).pl().row(0, named=True)
        change = totals["raised_fen"] - before["raised_fen"]
        if change >= 0:
            return
        reversed_now = totals["reversed_fen"] - before["reversed_fen"]
        publisher.append("corrections", pa.Table.from_pylist([{
            "version": run.version, "recorded_at": run.now, "as_of": totals["as_of"],
            "previous_raised_fen": before["raised_fen"], "raised_fen": totals["raised_fen"],
            "change_fen": change, "reversed_fen": reversed_now,
            "reason": "match credits reversed (risk control or refunds)" if reversed_now < 0
            else "published rows corrected",
        }], schema=CORRECTIONS_SCHEMA))

    def _report(self, run: Pass, manifest: Manifest | None, published: bool) -> dict:
        return {
            "version": manifest.version if manifest else None,
            "published": published,
            "as_of": manifest.as_of if manifest else None,
            "event": self.event.id,
            "inbox": str(self.inbox), "warehouse": str(self.warehouse.root),
            "files": {
                "seen": run.files_seen, "already_ingested": run.already_ingested,
                "new": len(run.file_rows),
                "published": sum(1 for f in run.file_rows if f["status"] == "published"),
                "quarantined": len(run.quarantined_files),
                "superseded": len(run.superseded_files),
                "conflicts": len(run.conflicting_files),
                "ignored": len(run.ignored),
            },
            "quarantined_files": run.quarantined_files,
            "conflicting_files": run.conflicting_files,
            "superseded_files": run.superseded_files,
            "ignored_files": run.ignored,
            "rows": {table: c.__dict__ for table, c in run.counts.items()},
            "seconds": run.seconds,
        }


def _contract_arrow_schema(table: str) -> pa.Schema:
    return pl.DataFrame(schema=contract.contract_columns(table)).to_arrow().schema


def event_tables(event: Event) -> dict[str, pl.DataFrame]:
    """The event's reference data as warehouse tables, so every version is self-contained."""
    return {
        "event_categories": pl.DataFrame([
            {"category": c.code, "name": c.name_zh, "name_en": c.name_en, "colour": c.colour,
             "display_order": c.order} for c in event.categories]),
        "event_districts": pl.DataFrame([
            {"district_adcode": d.adcode, "name": d.name_zh, "name_en": d.name_en, "kind": d.kind,
             "population": d.population} for d in event.districts]),
        "event_pools": pl.DataFrame([
            {"pool_id": p.pool_id, "name": p.name_zh, "name_en": p.name_en, "sponsor": p.sponsor_zh,
             "budget_fen": p.budget_fen, "mechanism": p.mechanism, "ratio": p.ratio,
             "rule": p.rule_zh, "rule_en": p.rule_en} for p in event.pools],
            schema_overrides={"ratio": pl.Float64}),
        "event_pool_shares": pl.DataFrame([
            {"pool_id": p.pool_id, "day": day, "share_fen": share,
             "opens_at": dt.datetime.combine(day, p.daily_opens_at or dt.time(0), event.tz),
             "closes_at": dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), event.tz)}
            for p in event.pools for day, share in zip(event.days, p.daily_shares_fen, strict=False)],
            schema={"pool_id": pl.String, "day": pl.Date, "share_fen": pl.Int64,
                    "opens_at": pl.Datetime("us", "UTC"), "closes_at": pl.Datetime("us", "UTC")}),
        "event_info": pl.DataFrame([{
            "event_id": event.id, "name": event.name_zh, "name_en": event.name_en,
            "time_zone": str(event.tz), "starts_at": event.start, "ends_at": event.end,
            "region_adcode": event.region_adcode, "region_level": event.region_level_zh,
            "region_level_en": event.region_level_en}]),
    }


def write_report(report: dict, path: Path | None) -> None:
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str))

