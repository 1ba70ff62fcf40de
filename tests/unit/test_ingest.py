"""Ingest behaviours: idempotence, duplicates and conflicts, snapshots, reversals, locks,
atomic publication and recovery from a killed ingest."""

import json
import os
import subprocess
import sys
import threading
import time

import pytest

from givingday.warehouse import Warehouse
from tests.helpers import ROOT, at, credit, gift, ingest, project, query, reference_inbox, run_cli, write


def test_rerun_on_the_same_inbox_is_a_no_op(inbox, warehouse, capsys):
    reference_inbox(inbox)
    write(inbox, "donations", "donations-20220427T100000-000001.parquet", [gift("D1", "P1", 100, at(27, 10))])
    ingest(inbox, warehouse, capsys)
    code, report = ingest(inbox, warehouse, capsys)
    assert code == 0
    assert report["published"] is False
    assert report["version"] == 1
    assert report["files"]["already_ingested"] == 3
    assert Warehouse(warehouse).current_version() == 1


def test_new_files_publish_a_new_version_on_top(inbox, warehouse, capsys):
    reference_inbox(inbox)
    write(inbox, "donations", "donations-20220427T100000-000001.parquet", [gift("D1", "P1", 100, at(27, 10))])
    ingest(inbox, warehouse, capsys)
    write(inbox, "donations", "donations-20220427T110000-000002.parquet", [gift("D2", "P2", 250, at(27, 11))])
    code, report = ingest(inbox, warehouse, capsys)
    assert (code, report["version"], report["files"]["new"]) == (0, 2, 1)
    totals = query("totals", warehouse, capsys)[0]
    assert (totals["public_fen"], totals["donations"]) == (350, 2)


def test_overlapping_batches_count_once(inbox, warehouse, capsys):
    reference_inbox(inbox)
    first = [gift("D1", "P1", 100, at(27, 10)), gift("D2", "P1", 200, at(27, 10, 1))]
    write(inbox, "donations", "donations-20220427T100000-000001.parquet", first)
    write(inbox, "donations", "donations-20220427T100100-000002.parquet",
          first + [gift("D3", "P1", 300, at(27, 10, 2))])
    write(inbox, "matches", "matches-20220427T100000-000001.parquet", [credit("M1", "P1", 50, at(27, 10, 0, 5))])
    write(inbox, "matches", "matches-20220427T100100-000002.parquet", [credit("M1", "P1", 50, at(27, 10, 0, 5))])
    code, report = ingest(inbox, warehouse, capsys)
    assert code == 0
    assert report["rows"]["donations"]["duplicates"] == 2
    assert report["rows"]["donations"]["quarantined"] == 0
    totals = query("totals", warehouse, capsys)[0]
    assert (totals["public_fen"], totals["matched_fen"], totals["donations"]) == (600, 50, 3)
    # and again across passes: a later batch repeating published rows adds nothing
    write(inbox, "donations", "donations-20220427T100200-000003.parquet", first)
    ingest(inbox, warehouse, capsys)
    assert query("totals", warehouse, capsys)[0]["public_fen"] == 600


def test_conflicting_duplicate_keeps_first_version(inbox, warehouse, capsys):
    reference_inbox(inbox)
    write(inbox, "donations", "donations-20220427T100000-000001.parquet", [gift("D1", "P1", 100, at(27, 10))])
    write(inbox, "donations", "donations-20220427T100100-000002.parquet", [gift("D1", "P1", 999, at(27, 10))])
    code, report = ingest(inbox, warehouse, capsys)
    assert report["rows"]["donations"]["quarantined_by_reason"] == {"donation_id:conflicting_duplicate": 1}
    assert query("totals", warehouse, capsys)[0]["public_fen"] == 100
    # a conflict arriving in a later pass is also quarantined; the published version stays
    write(inbox, "donations", "donations-20220427T100200-000003.parquet", [gift("D1", "P2", 100, at(27, 10))])
    code, report = ingest(inbox, warehouse, capsys)
    assert code == 0
    assert report["rows"]["donations"]["quarantined_by_reason"] == {"donation_id:conflicting_duplicate": 1}
    board = {row["project_id"]: row["public_fen"] for row in query("projects_leaderboard", warehouse, capsys)}
    assert (board["P1"], board["P2"]) == (100, 0)


def test_redelivered_file_with_new_content_is_reported_as_a_conflict(inbox, warehouse, capsys):
    reference_inbox(inbox)
    path = write(inbox, "donations", "donations-20220427T100000-000001.parquet", [gift("D1", "P1", 100, at(27, 10))])
    ingest(inbox, warehouse, capsys)
    write(inbox, "donations", path.name, [gift("D1", "P1", 100, at(27, 10)), gift("D2", "P1", 5, at(27, 10))])
    code, report = ingest(inbox, warehouse, capsys)
    assert code == 0
    assert [f["file"] for f in report["conflicting_files"]] == ["donations/" + path.name]
    assert report["conflicting_files"][0]["rule"] == "redelivered_with_new_content"
    assert query("totals", warehouse, capsys)[0]["public_fen"] == 100
    code, report = ingest(inbox, warehouse, capsys)  # reported once, then a no-op
    assert report["published"] is False and report["conflicting_files"] == []


def test_newest_projects_snapshot_wins(inbox, warehouse, capsys):
    reference_inbox(inbox)
    write(inbox, "projects", "projects-20220428T000000.parquet", [project("P1", target_fen=42), project("P6")])
    code, report = ingest(inbox, warehouse, capsys)
    assert report["superseded_files"] == ["projects/projects-20220426T120000.parquet"]
    board = query("projects_leaderboard", warehouse, capsys)
    assert sorted(row["project_id"] for row in board) == ["P1", "P6"]
    # an older snapshot arriving late does not replace the newer one
    write(inbox, "projects", "projects-20220427T000000.parquet", [project("P1")])
    code, report = ingest(inbox, warehouse, capsys)
    assert report["superseded_files"] == ["projects/projects-20220427T000000.parquet"]
    assert {row["project_id"]: row["target_fen"] for row in query("projects_leaderboard", warehouse, capsys)}["P1"] == 42


def test_broken_newest_snapshot_falls_back_to_the_newest_valid_one(inbox, warehouse, capsys):
    reference_inbox(inbox)
    (inbox / "projects" / "projects-20220428T000000.parquet").write_bytes(b"garbage")
    code, report = ingest(inbox, warehouse, capsys)
    assert code == 0
    assert report["quarantined_files"][0]["file"] == "projects/projects-20220428T000000.parquet"
    assert query("totals", warehouse, capsys)[0]["projects"] == 5


def test_reversals_reduce_matched_money(inbox, warehouse, capsys):
    reference_inbox(inbox)
    write(inbox, "matches", "matches-20220427T100000-000001.parquet", [
        credit("M1", "P1", 800, at(27, 10)), credit("M2", "P1", 200, at(27, 10, 1))])
    ingest(inbox, warehouse, capsys)
    write(inbox, "matches", "matches-20220427T120000-000002.parquet", [
        credit("M3", "P1", -800, at(27, 12), reverses="M1")])
    ingest(inbox, warehouse, capsys)
    assert query("totals", warehouse, capsys)[0]["matched_fen"] == 200
    pools = {row["pool_id"]: row for row in query("pools", warehouse, capsys)}
    assert pools["tencent"]["matched_fen"] == 200
    assert pools["tencent"]["remaining_fen"] == 5_000_000_000 - 200


def test_reversal_and_its_original_in_the_same_pass(inbox, warehouse, capsys):
    reference_inbox(inbox)
    write(inbox, "matches", "matches-20220427T120000-000002.parquet", [credit("M3", "P1", -800, at(27, 12), reverses="M1")])
    write(inbox, "matches", "matches-20220427T100000-000001.parquet", [credit("M1", "P1", 800, at(27, 10))])
    code, report = ingest(inbox, warehouse, capsys)
    assert report["rows"]["matches"]["published"] == 2
    assert query("totals", warehouse, capsys)[0]["matched_fen"] == 0


def test_second_ingest_on_a_locked_warehouse_fails_clearly(inbox, warehouse, capsys):
    reference_inbox(inbox)
    with Warehouse(warehouse).write_lock():
        result = run_cli("ingest", "--inbox", str(inbox), "--warehouse", str(warehouse))
    assert result.returncode == 3
    assert result.stderr.strip().count("\n") == 0
    assert "locked by another ingest" in result.stderr


def test_unwritable_warehouse_exits_non_zero_with_one_line(inbox, tmp_path):
    reference_inbox(inbox)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run_cli("ingest", "--inbox", str(inbox), "--warehouse", str(blocker / "warehouse"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "not writable" in result.stderr


def test_invalid_event_folder_exits_2_with_one_line_per_problem(inbox, warehouse, tmp_path):
    (tmp_path / "events" / "broken").mkdir(parents=True)
    (tmp_path / "events" / "broken" / "event.toml").write_text("id = 'broken'\n")
    env = {**os.environ, "GIVINGDAY_EVENTS_DIR": str(tmp_path / "events"), "GIVINGDAY_EVENT": "broken"}
    result = run_cli("ingest", "--inbox", str(inbox), "--warehouse", str(warehouse), env=env)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert "event folder" in lines[0] and "problem(s)" in lines[0]
    assert "event.toml: missing key 'name_zh'" in lines and "districts.csv: missing" in lines
    assert "Traceback" not in result.stderr


KILL_BEFORE_PUBLISHING = """
import os, signal, sys
from givingday import warehouse, cli
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
warehouse.Publisher.commit = die
sys.exit(cli.main(sys.argv[1:]))
"""


def test_killed_ingest_leaves_the_last_version_intact(inbox, warehouse, capsys):
    reference_inbox(inbox)
    write(inbox, "donations", "donations-20220427T100000-000001.parquet", [gift("D1", "P1", 100, at(27, 10))])
    ingest(inbox, warehouse, capsys)
    write(inbox, "donations", "donations-20220427T110000-000002.parquet", [gift("D2", "P1", 900, at(27, 11))])
    killed = subprocess.run([sys.executable, "-c", KILL_BEFORE_PUBLISHING, "ingest", "--inbox", str(inbox),
                             "--warehouse", str(warehouse)], cwd=ROOT, capture_output=True, text=True)
    assert killed.returncode == -9  # every Delta commit was made, the version was not published
    assert Warehouse(warehouse).current_version() == 1
    assert query("totals", warehouse, capsys)[0]["public_fen"] == 100
    code, report = ingest(inbox, warehouse, capsys)  # the next ingest rolls back and redoes the pass
    assert code == 0 and report["version"] == 2
    assert "donations" in report["restored_tables"]
    assert query("totals", warehouse, capsys)[0]["public_fen"] == 1000


def test_reader_during_a_publish_sees_one_version_or_the_next(inbox, warehouse, capsys):
    """A reader hammering the warehouse while versions are published never sees a mix."""
    from givingday import queries

    reference_inbox(inbox)
    write(inbox, "donations", "donations-20220427T100000-000001.parquet", [gift("D0", "P1", 100, at(27, 10))])
    ingest(inbox, warehouse, capsys)
    stop, seen, errors = threading.Event(), set(), []

    def read_continuously():
        while not stop.is_set():
            try:
                version = Warehouse(warehouse).current_version()
                reader = queries.reader(Warehouse(warehouse), version)
                totals = reader.run("totals").row(0, named=True)
                board = reader.run("projects_leaderboard")
                assert totals["raised_fen"] == board["raised_fen"].sum()
                assert totals["public_fen"] == 100 * totals["donations"]  # every gift here is 100 fen
                seen.add((version, totals["donations"]))
            except Exception as exc:  # noqa: BLE001 - any failure is the finding
                errors.append(repr(exc))

    thread = threading.Thread(target=read_continuously)
    thread.start()
    try:
        for batch in range(1, 6):
            write(inbox, "donations", f"donations-20220427T1{batch}0000-00000{batch + 1}.parquet",
                  [gift(f"D{batch}-{i}", "P1", 100, at(27, 10 + batch, i)) for i in range(batch)])
            ingest(inbox, warehouse, capsys)
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join()
    assert errors == []
    expected = {1: 1, 2: 2, 3: 4, 4: 7, 5: 11, 6: 16}  # version -> gifts published by then
    assert seen and all(expected[version] == donations for version, donations in seen)


def test_report_file_names_every_broken_file_and_counts_rows(inbox, warehouse, capsys):
    reference_inbox(inbox)
    (inbox / "matches").mkdir()
    (inbox / "matches" / "matches-20220427T100000-000001.parquet").write_text("oops")
    write(inbox, "donations", "donations-20220427T100000-000001.parquet",
          [gift("D1", "P1", 100, at(27, 10)), gift("D2", "PX", 100, at(27, 10))])
    code, report = ingest(inbox, warehouse, capsys)
    saved = json.loads((warehouse / "reports" / "000001.json").read_text())
    assert saved["files"] == report["files"]
    assert report["files"]["quarantined"] == 1
    assert report["rows"]["donations"] == {"read": 2, "published": 1, "duplicates": 0, "quarantined": 1,
                                           "quarantined_by_reason": {"project_id:unknown_project": 1}}
    assert report["version"] == 1 and report["as_of"] == "2022-04-27T10:00:00+08:00"


@pytest.mark.parametrize("args", [["totals", "--param", "x=1"], ["nope"], ["timeline", "--param", "grain=day"]])
def test_query_errors_exit_non_zero_with_one_line(args, inbox, warehouse, capsys):
    reference_inbox(inbox)
    ingest(inbox, warehouse, capsys)
    result = run_cli("query", *args, "--warehouse", str(warehouse), "--format", "json")
    assert result.returncode == 2
    assert result.stdout == "" and result.stderr.count("\n") == 1


def test_query_on_an_empty_warehouse_says_no_data(tmp_path):
    result = run_cli("query", "totals", "--warehouse", str(tmp_path / "empty"))
    assert result.returncode == 4 and "no published version" in result.stderr


def test_many_small_passes_are_compacted_without_changing_figures(inbox, warehouse, capsys, monkeypatch):
    from givingday import warehouse as warehouse_module

    monkeypatch.setattr(warehouse_module, "MAX_FILES_PER_TABLE", 3)
    monkeypatch.setattr(warehouse_module.Publisher.compact_if_fragmented, "__defaults__", (3,))
    reference_inbox(inbox)
    for n in range(6):
        write(inbox, "donations", f"donations-20220427T1{n}0000-00000{n}.parquet", [gift(f"D{n}", "P1", 100, at(27, 10 + n))])
        ingest(inbox, warehouse, capsys)
    manifest = Warehouse(warehouse).manifest()
    assert len(manifest.tables["donations"].files) <= 3
    assert query("totals", warehouse, capsys)[0]["public_fen"] == 600


def test_a_fall_of_the_published_total_is_logged_as_a_correction(inbox, warehouse, capsys):
    reference_inbox(inbox)
    write(inbox, "matches", "matches-20220427T100000-000001.parquet", [credit("M1", "P1", 800, at(27, 10))])
    ingest(inbox, warehouse, capsys)
    assert query("corrections", warehouse, capsys) == []
    write(inbox, "matches", "matches-20220427T120000-000002.parquet", [credit("M2", "P1", -800, at(27, 12), reverses="M1")])
    ingest(inbox, warehouse, capsys)
    log = query("corrections", warehouse, capsys)
    assert len(log) == 1
    assert (log[0]["previous_raised_fen"], log[0]["raised_fen"], log[0]["change_fen"]) == (800, 0, -800)
    assert log[0]["reversed_fen"] == -800 and "reversed" in log[0]["reason"]


def test_an_edited_event_folder_is_published_without_new_files(inbox, warehouse, tmp_path, monkeypatch, capsys):
    # event.toml edited (or a release that stores more of the event) while no new file comes:
    # the next pass publishes the event's tables, the figures unchanged
    import shutil

    from givingday.event import load_event

    reference_inbox(inbox)
    write(inbox, "donations", "donations-20220427T100000-000001.parquet", [gift("D1", "P1", 1_000, at(27, 10))])
    assert ingest(inbox, warehouse, capsys)[0] == 0
    before = query("totals", warehouse, capsys)
    source = load_event().folder
    shutil.copytree(source, tmp_path / "events" / source.name)
    toml = tmp_path / "events" / source.name / "event.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('region_level_en = "City-wide"',
                                                             'region_level_en = "Whole city"'), encoding="utf-8")
    monkeypatch.setenv("GIVINGDAY_EVENTS_DIR", str(tmp_path / "events"))
    version = Warehouse(warehouse).current_version()
    assert ingest(inbox, warehouse, capsys)[0] == 0
    assert Warehouse(warehouse).current_version() == version + 1
    assert query("totals", warehouse, capsys) == before
    assert ingest(inbox, warehouse, capsys)[0] == 0  # nothing new after that: no version
    assert Warehouse(warehouse).current_version() == version + 1
    city_wide = [r for r in query("board_projects", warehouse, capsys) if r["district_adcode"] == 500000]
    assert city_wide and {r["district_name_en"] for r in city_wide} == {"Whole city"}
