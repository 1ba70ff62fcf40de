"""The rollups of a pass: computed from the pass's new rows only, then folded into the
published ones, so a pass costs what it brings and not what the event already holds.

Every rollup is a sum keyed by minute, project, channel or pool (apart from first-time
donors, which the donor register turns into +1/-1 changes, and the latest gifts, which are
merged as top-20 lists). So for each rollup:

    delta    = the rollup's SQL over the pass's new rows     (queries/ingest/rollup_*.sql)
    merged   = old rows  ∪  delta, summed again by key       (queries/ingest/merge/*.sql)

The rollups keyed by minute (the three minute x project ones are the large ones) are
partitioned in two-hour buckets of time (a Delta partition each), and a pass reads and
rewrites only the buckets it changes: usually the current one, an older one when a late file
arrives. The rest are bounded by the number of projects and are rewritten whole. So a pass
writes little, and the versions kept by the retention window share almost all their files.

The DuckDB connection of a pass holds three schemas: `main` (the pass's new rows as
`donations` and `matches`, the newest `projects`, and the merged rollups), `delta` (the
pass's rollups) and `old` (the published rollups the pass folds into).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from givingday.queries import internal_sql
from givingday.register import Register
from givingday.warehouse import Manifest, Publisher, Warehouse

# keyed by minute: partitioned in time buckets, a pass rewrites only those it touches
BUCKETED = ("rollup_minute_project_channel", "rollup_minute_project_pool", "rollup_minute_project_donors",
            "rollup_minute_pool", "rollup_minute_category", "rollup_minute")
# bounded by projects: rewritten whole, in dependency order (a merge may read those before it)
WHOLE = ("rollup_project_pool", "rollup_latest_gifts", "rollup_totals", "rollup_project")
ROLLUPS = BUCKETED + WHOLE
# rollups of the new rows by the same SQL a from-scratch computation would use
FROM_NEW_ROWS = ("rollup_minute_project_channel", "rollup_minute_project_pool", "rollup_minute_pool",
                 "rollup_latest_gifts")
BUCKET_DIRECTORY = "bucket="


def _sql(name: str) -> str:
    return internal_sql(f"ingest/{name}").sql


def bucket_of(path: str) -> int | None:
    """The bucket a rollup file belongs to, from its Delta partition folder (None: unbucketed)."""
    for part in path.split("/"):
        if part.startswith(BUCKET_DIRECTORY):
            return int(part.removeprefix(BUCKET_DIRECTORY))
    return None


@dataclass
class Fold:
    """One pass's rollups, folded into the published ones and written through `publisher`."""
    connection: duckdb.DuckDBPyConnection
    warehouse: Warehouse
    base: Manifest | None
    publisher: Publisher
    _empties: set[str] = field(default_factory=set)

    def _files(self, manifest: Manifest | None, table: str) -> list[str]:
        return manifest.files(table) if manifest else []

    def _read(self, files: list[str], table: str) -> duckdb.DuckDBPyRelation:
        if files:
            return self.connection.read_parquet(files, hive_partitioning=False)
        return self._empty(table)

    def _empty(self, table: str) -> duckdb.DuckDBPyRelation:
        """No rows, the table's columns, made once per pass (as views over the schema file,
        a small pass on S3 read it 120 times)."""
        name = f"schema_of_{table}"
        if name not in self._empties:
            self.warehouse.create_empty(self.connection, table, name)
            self._empties.add(name)
        return self.connection.table(name)

    def prepare(self, new_files: dict[str, list[str]]) -> None:
        """The pass's new rows and the newest snapshot as views; the schemas delta and old."""
        self.connection.execute(_sql("fold_setup"))
        for table in ("donations", "matches"):
            self._read(new_files.get(table, []), table).create_view(table)
        self._read(self.publisher.files_so_far("projects"), "projects").create_view("projects")
        self._read(self._files(self.base, "projects"), "projects").to_table("old.projects")

    def register_donors(self, register: Register, version: int, published_at: str) -> None:
        """Extend the donor register with the new gifts (committed after publication)."""
        register.extend(version, published_at)
        for name, relation in register.delta_tables().items():
            relation.to_table(f"delta.{name}")

    def run(self) -> dict:
        """Compute, merge and write every rollup; return the new rollup_totals row."""
        for name in FROM_NEW_ROWS:
            self.connection.sql(_sql(name)).to_table(f"delta.{name}")
        buckets = [row[0] for row in self.connection.sql(_sql("touched_buckets")).fetchall()]
        categories_changed = self.connection.sql(_sql("categories_changed")).fetchall()[0][0]
        rewrite_all = {name: self._load_buckets(name, buckets) for name in BUCKETED}
        for name in WHOLE:
            self._load_old(name, self._files(self.base, name))
        self.connection.execute(_sql("empty_rollups"))
        for name in BUCKETED:
            if name == "rollup_minute_category" and categories_changed:
                self._rebuild(name)  # a project moved to another category: from the merged minute x project rollups
            else:
                self._merge_buckets(name, buckets, rewrite_all[name])
        for name in WHOLE:
            self.connection.sql(_sql(f"merge/{name}")).to_table(name)
            self.publisher.replace(name, self.connection.table(name).to_arrow_table())
        return self.connection.sql(_sql("ledger_totals")).pl().row(0, named=True)

    def _load_old(self, name: str, files: list[str]) -> None:
        """The published rows of a rollup as old.<name> (none: empty_rollups.sql declares it)."""
        if files:
            self._read(files, name).to_table(f"old.{name}")

    def _load_buckets(self, name: str, buckets: list[int]) -> bool:
        """Load the touched buckets of a minute x project rollup; True when the whole table
        is to be rewritten (it is new, or was written before buckets existed)."""
        published = self._files(self.base, name)
        if not published or any(bucket_of(f) is None for f in published):
            self._load_old(name, published)
            return True
        self._load_old(name, [f for f in published if bucket_of(f) in set(buckets)])
        return False

    def _rebuild(self, name: str) -> None:
        self.publisher.replace(name, self.connection.sql(_sql(name)).to_arrow_table(), partition_by=["bucket"])
        self._read(self.publisher.files_so_far(name), name).create_view(name)

    def _merge_buckets(self, name: str, buckets: list[int], rewrite_all: bool) -> None:
        """Rewrite the touched buckets of a minute x project rollup; then view it whole."""
        if rewrite_all or buckets:
            merged = self.connection.sql(_sql(f"merge/{name}")).to_arrow_table()
            if rewrite_all:
                self.publisher.replace(name, merged, partition_by=["bucket"])
            else:
                self.publisher.replace_partitions(name, merged, "bucket", buckets)
        self._read(self.publisher.files_so_far(name), name).create_view(name)
