"""Bounded storage: versions older than the retention window are reclaimed with the files
only they referenced and the Delta log before each checkpoint; the compact history keeps
every version; a reclaimed version is never answered with another version's data."""

import json

import pytest

from givingday import cli, queries, retention
from givingday.event import load_event
from givingday.ingest import Ingest
from givingday.warehouse import VersionGone, Warehouse
from tests.helpers import at, gift, reference_inbox, run_cli, write


def _passes(inbox, warehouse, count: int, keep_minutes: float) -> Ingest:
    ingest = Ingest(load_event(), inbox, Warehouse(warehouse), keep_minutes)
    for number in range(1, count + 1):
        write(inbox, "donations", f"donations-20220427T{number:06d}-{number:06d}.parquet",
              [gift(f"D{number}", f"P{1 + number % 5}", 100 * number, at(27, 10, number % 60), donor=f"k{number % 4}")])
        assert ingest.run_once()["published"]
    return ingest


def test_old_versions_and_their_files_are_reclaimed_and_the_history_stays(tmp_path, monkeypatch):
    monkeypatch.setattr(retention, "CHECKPOINT_EVERY", 5)
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    reference_inbox(inbox)
    _passes(inbox, warehouse, 12, keep_minutes=0)
    assert sorted(p.name for p in (warehouse / "versions").iterdir()) == ["000012.json"]
    assert sorted(p.name for p in (warehouse / "reports").iterdir()) == ["000012.json"]
    manifest = Warehouse(warehouse).manifest()
    pinned = {str(warehouse / f) for state in manifest.tables.values() for f in state.files}
    on_disk = {str(p) for p in (warehouse / "tables").rglob("*.parquet") if "_delta_log" not in p.parts}
    assert on_disk == pinned  # nothing but what the kept version references
    log = sorted(p.name for p in (warehouse / "tables" / "donations" / "_delta_log").glob("*.json"))
    assert len(log) < 12  # entries before the newest checkpoint are gone
    history = queries.reader(Warehouse(warehouse)).cursor().table("history").pl().sort("version")
    assert history["version"].to_list() == list(range(1, 13))
    assert history["public_fen"].to_list()[-1] == sum(100 * n for n in range(1, 13))
    totals = json.loads(run_cli("query", "totals", "--warehouse", str(warehouse), "--format", "json").stdout)
    assert totals[0]["donations"] == 12  # the trimmed Delta tables still open and read


def test_versions_inside_the_window_are_kept(tmp_path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    reference_inbox(inbox)
    _passes(inbox, warehouse, 3, keep_minutes=15)
    assert len(list((warehouse / "versions").iterdir())) == 3


def test_a_reclaimed_version_is_never_answered_with_another_versions_data(tmp_path):
    # a reader asked for version 1 after it was reclaimed says so (the page moves to the
    # newest by asking for it); it never hands the newest version's figures out as version 1's
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    reference_inbox(inbox)
    ingest = _passes(inbox, warehouse, 1, keep_minutes=0)
    pinned = queries.reader(Warehouse(warehouse), 1)
    assert pinned.run("totals")["donations"][0] == 1
    for number in range(2, 5):
        write(inbox, "donations", f"donations-20220427T{number:06d}-{number:06d}.parquet",
              [gift(f"D{number}", "P1", 100, at(27, 11, number))])
        ingest.run_once()
    assert not Warehouse(warehouse).has_version(1)
    with pytest.raises(VersionGone):
        Warehouse(warehouse).manifest(1)
    queries.readers._readers.clear()  # a reader not opened before the reclaim
    with pytest.raises(VersionGone):
        queries.reader(Warehouse(warehouse), 1)
    try:  # the reader opened before: version 1's own figures, or gone (its files were reclaimed)
        assert queries.read(pinned, Warehouse(warehouse), lambda r: r.run("totals"))["donations"][0] == 1
    except VersionGone:
        pass
    moved = queries.reader(Warehouse(warehouse))
    assert (moved.version, moved.run("totals")["donations"][0]) == (4, 4)


def test_a_manifest_out_of_reach_at_a_reclaim_deletes_nothing_the_published_version_needs(tmp_path, monkeypatch):
    # a watcher's first reclaim sweeps every data file no kept version references; a kept
    # manifest it could not read (the store gone for a moment) was once taken as one that
    # references nothing, and the sweep deleted the newest version's files
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    reference_inbox(inbox)
    _passes(inbox, warehouse, 1, keep_minutes=15)
    read_manifest, failures = Warehouse.manifest, []

    def out_of_reach(self, version=None):  # version 2, asked for by number, while the pass runs
        if version == 2 and out_of_reach.now:
            failures.append(version)
            raise ConnectionError("Could not connect to the endpoint URL")
        return read_manifest(self, version)

    out_of_reach.now = True
    monkeypatch.setattr(Warehouse, "manifest", out_of_reach)
    ingest = Ingest(load_event(), inbox, Warehouse(warehouse), 15)  # a new watcher: its first reclaim sweeps
    write(inbox, "donations", "donations-20220427T000002-000002.parquet", [gift("D2", "P1", 700, at(27, 11, 2))])
    report = ingest.run_once()
    out_of_reach.now = False
    assert report["published"] and failures
    assert "ConnectionError" in report["reclaimed"]["put_off"]
    assert "; reclaiming old versions put off: ConnectionError" in cli._summary(report)  # a watcher says so
    queries.readers._readers.clear()
    assert queries.reader(Warehouse(warehouse)).run("totals")["donations"][0] == 2
    write(inbox, "donations", "donations-20220427T000003-000003.parquet", [gift("D3", "P1", 700, at(27, 11, 3))])
    report = ingest.run_once()  # the store is back: the next reclaim does the work, and keeps what is pinned
    assert report["reclaimed"]["put_off"] is None
    queries.readers._readers.clear()
    assert queries.reader(Warehouse(warehouse)).run("totals")["donations"][0] == 3
    assert len(list((warehouse / "versions").iterdir())) == 3


def test_the_retention_window_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(retention.ENV_RETENTION, "2.5")
    assert retention.retention_minutes() == 2.5
    assert retention.retention_minutes(7) == 7.0
    monkeypatch.delenv(retention.ENV_RETENTION)
    assert retention.retention_minutes() == retention.DEFAULT_RETENTION_MINUTES
