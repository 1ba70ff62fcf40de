"""Bounded storage: a warehouse that publishes every few seconds for days stays small.

After a publication (under the write lock) the ingest reclaims what no reader needs:

- versions published longer ago than the retention window (default 15 minutes,
  `GIVINGDAY_RETENTION_MINUTES` or `ingest --retention-minutes`); the current version is
  always kept. Their `versions/N.json` and `reports/N.json` are deleted. The compact
  history of every version (version, publication time, as-of, headline totals) stays in the
  `history` table, so nothing the corrections log or the "as of" stamps need is lost;
- data files that no kept version references: the files a version pins are exactly its
  tables' Delta versions, so this is Delta's vacuum keeping those versions (and it also
  removes files a killed pass left behind);
- Delta log entries before each table's newest checkpoint (a checkpoint is written every
  CHECKPOINT_EVERY commits), so opening a table stays fast after tens of thousands of passes.

A reader pinned to a reclaimed version moves to the newest one (`Warehouse.manifest`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from givingday import faults, storage
from givingday.warehouse import Manifest, ManifestCorrupt, VersionGone, Warehouse

ENV_RETENTION = "GIVINGDAY_RETENTION_MINUTES"
DEFAULT_RETENTION_MINUTES = 15.0
CHECKPOINT_EVERY = 10  # Delta commits between log checkpoints: a table opens by replaying at most ~20 commits
SWEEP_EVERY = 100  # reclaims between full sweeps of the tables
TRIM_EVERY = 10  # reclaims between trims of the Delta logs
LOG = "_delta_log"


def retention_minutes(option: float | None = None) -> float:
    """The retention window: the option, else $GIVINGDAY_RETENTION_MINUTES, else 15."""
    if option is not None:
        return float(option)
    raw = os.environ.get(ENV_RETENTION)
    try:
        return float(raw) if raw else DEFAULT_RETENTION_MINUTES
    except ValueError:
        raise ValueError(f"{ENV_RETENTION}={raw!r} is not a number of minutes") from None


@dataclass
class Reclaimed:
    versions: int = 0
    files: int = 0
    bytes: int = 0
    log_entries: int = 0
    checkpoints: int = 0
    put_off: str | None = None  # why nothing was reclaimed this time (the store out of reach)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _version_number(path: Path) -> int | None:
    try:
        return int(path.stem)
    except ValueError:
        return None


@dataclass
class Reclaimer:
    """Reclaims a warehouse's old versions. A watcher calls it after every pass, so it keeps
    the manifests it has read and a count of the kept versions referencing each data file:
    a version leaving the window releases its files, and those no kept version still
    references are deleted (work in proportion to one manifest, not to the warehouse). A full
    sweep of the tables (for files a killed pass left behind) runs on the first call and every
    SWEEP_EVERY calls; the Delta logs are trimmed every TRIM_EVERY calls."""
    warehouse: Warehouse
    minutes: float = DEFAULT_RETENTION_MINUTES
    _manifests: dict[int, Manifest] = field(default_factory=dict)
    _references: Counter = field(default_factory=Counter)  # relative file path -> kept versions using it
    _counted: set[int] = field(default_factory=set)
    _calls: int = 0

    def _kept(self, current: int, now: dt.datetime) -> tuple[list[int], list[int]]:
        versions = sorted(v for v in map(_version_number, (self.warehouse.root / "versions").glob("*.json"))
                          if v is not None)
        cutoff = now - dt.timedelta(minutes=self.minutes)
        kept, dropped = [], []
        for version in versions:
            manifest = self._manifest(version)
            published = dt.datetime.fromisoformat(manifest.published_at) if manifest else None
            if version == current or (published is not None and published >= cutoff and version < current):
                kept.append(version)
            else:
                dropped.append(version)
        return kept, dropped

    def _manifest(self, version: int) -> Manifest | None:
        """A kept manifest, read once. One that is gone or corrupt pins nothing. Any other
        failure (the store out of reach) ends the reclaim before anything is deleted: a
        manifest not read was once taken for one that pins nothing, so a version counted as
        referencing no files lost them at the next sweep, and the published version named
        files that were no longer there."""
        if version not in self._manifests:
            try:
                self._manifests[version] = self.warehouse.manifest(version)
            except (VersionGone, ManifestCorrupt):
                return None
        return self._manifests[version]

    def _files(self, version: int) -> list[str]:
        manifest = self._manifest(version)
        return [f for state in manifest.tables.values() for f in state.files] if manifest else []

    def run(self, now: dt.datetime | None = None) -> Reclaimed:
        now = now or dt.datetime.now(dt.UTC)
        reclaimed = Reclaimed()
        current = self.warehouse.current_version()
        if current is None:
            return reclaimed
        if self._manifest(current) is None:  # every file would look unreferenced
            raise ManifestCorrupt(f"the published version {current}'s manifest cannot be read: nothing is reclaimed")
        kept, dropped = self._kept(current, now)
        for version in kept:
            if version not in self._counted:
                self._references.update(self._files(version))
                self._counted.add(version)
        released = []
        for version in dropped:  # the manifest first: a reader never finds a manifest without files
            if version in self._counted:
                released += self._files(version)
                self._counted.discard(version)
            for folder in ("versions", "reports"):
                (self.warehouse.root / folder / f"{version:06d}.json").unlink(missing_ok=True)
            self._manifests.pop(version, None)
            reclaimed.versions += 1
        faults.point("versions_reclaimed")
        self._references.subtract(released)
        for relative in set(released):
            if self._references[relative] <= 0:
                del self._references[relative]
                self._delete(self.warehouse.root / relative, reclaimed)
        if self._calls % SWEEP_EVERY == 0:
            self._sweep(reclaimed)
        if self._calls % TRIM_EVERY == 0:
            tables = self.warehouse.root / "tables"
            for table in sorted(tables.iterdir(), key=lambda p: p.name) if tables.is_dir() else []:
                self._trim_log(table, reclaimed)
        self._calls += 1
        return reclaimed

    def _delete(self, path, reclaimed: Reclaimed) -> None:
        try:
            size = path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            return
        reclaimed.bytes += size
        reclaimed.files += 1

    def _sweep(self, reclaimed: Reclaimed) -> None:
        """Delete every data file that no kept version references."""
        root, tables = self.warehouse.root, self.warehouse.root / "tables"
        for path in tables.rglob("*.parquet") if tables.is_dir() else []:
            if LOG not in path.parts and storage.relative_to(str(path), root) not in self._references:
                self._delete(path, reclaimed)

    def _trim_log(self, table: Path, reclaimed: Reclaimed) -> None:
        """Write a checkpoint every CHECKPOINT_EVERY commits; drop log entries before it."""
        log = table / LOG
        entries = sorted(v for v in map(_version_number, log.glob("*.json")) if v is not None)
        if not entries:
            return
        last = _last_checkpoint(log)
        if entries[-1] - (last if last is not None else -1) >= CHECKPOINT_EVERY:
            self.warehouse.delta_table(table.name).create_checkpoint()
            reclaimed.checkpoints += 1
            last = _last_checkpoint(log)
        if last is None:
            return
        for version in entries:
            if version < last:
                (log / f"{version:020d}.json").unlink(missing_ok=True)
                reclaimed.log_entries += 1
        for checkpoint in log.glob("*.checkpoint*.parquet"):
            number = checkpoint.name.split(".", 1)[0]
            if number.isdigit() and int(number) < last:
                checkpoint.unlink(missing_ok=True)


def _last_checkpoint(log: Path) -> int | None:
    try:
        return int(json.loads(storage.read_text(log / "_last_checkpoint"))["version"])
    except (OSError, ValueError, KeyError):
        return None
