"""The donor register: each donor's (and each project-donor pair's) first gift minute.

Distinct donors are the one figure that cannot be summed from per-minute rollups: a donor
counts once however often they give. The register lets a pass count only the donors it has
not seen before (and move a donor's first minute earlier when a late file brings an older
gift), so its cost follows the pass's rows, not the event's.

It is a DuckDB database file beside the warehouse (`state/register.duckdb`), attached to the
pass's DuckDB connection as `register`. Its changes are made in one transaction that is
committed just after the warehouse version is published, and it is stamped with that
version. A pass that finds the stamp differing from the published version (a crash between
the two, a register from another warehouse, none at all) rebuilds it from the published
donations before going on, so the register can never drift from the data.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from givingday.queries import internal_sql


def _sql(name: str) -> str:
    return internal_sql(f"ingest/register/{name}").sql


class Register:
    def __init__(self, connection: duckdb.DuckDBPyConnection, path: Path):
        """Attach the register at `path` to `connection` (the pass's DuckDB connection)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.connection = connection
        quoted = str(path).replace("'", "''")
        connection.execute(f"attach '{quoted}' as register")  # a file name cannot be a bound parameter
        connection.execute(_sql("create"))
        self._writer: duckdb.DuckDBPyConnection | None = None

    def stamp(self) -> tuple[int, str] | None:
        rows = self.connection.sql(_sql("stamp")).fetchall()
        return (rows[0][0], rows[0][1]) if rows else None

    def rebuild(self, version: int, published_at: str) -> None:
        """Refill from the view `donations` (all published gifts) and stamp `version`."""
        self.connection.execute(_sql("clear"))
        self.connection.execute(_sql("moves"))
        self.connection.execute(_sql("apply"))
        self.connection.execute(_sql("set_stamp"), {"version": version, "published_at": published_at})

    def reset(self) -> None:
        """An empty warehouse: an empty register."""
        self.connection.execute(_sql("clear"))

    def extend(self, version: int, published_at: str) -> None:
        """Work out the changes for the view `donations` (the pass's new gifts): the tables
        donor_moves and pair_moves, readable by the pass, and the register's new entries in
        a transaction left open until `commit` (after the version is published)."""
        self.connection.execute(_sql("moves"))
        self._writer = self.connection.cursor()
        self._writer.begin()
        if self.connection.sql(_sql("moved_count")).fetchall()[0][0]:
            self._writer.execute(_sql("forget_moved"))
        self._writer.execute(_sql("apply"))
        self._writer.execute(_sql("set_stamp"), {"version": version, "published_at": published_at})

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer.close()
            self._writer = None

    def rollback(self) -> None:
        if self._writer is not None:
            self._writer.rollback()
            self._writer.close()
            self._writer = None

    def delta_tables(self) -> dict[str, duckdb.DuckDBPyRelation]:
        """The pass's change of first-time donors: per minute, and per minute x project."""
        return {"minute_new_donors": self.connection.sql(_sql("minute_new_donors")),
                "rollup_minute_project_donors": self.connection.sql(_sql("minute_project_donors"))}

