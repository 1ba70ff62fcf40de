"""The simulator: deterministic, written to the contract, calibrated to the published event."""

import hashlib

import pytest

from givingday.event import load_event
from givingday.simulate import Simulation, simulate
from tests.helpers import ingest, query

SCALE = 0.2  # the calibration checks run on a miniature event: pools shrink with the crowd


def _digest(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*.parquet"))}


def test_same_seed_writes_identical_files(tmp_path):
    event = load_event()
    simulate(event, tmp_path / "a", scale=0.01, seed=7)
    simulate(event, tmp_path / "b", scale=0.01, seed=7)
    simulate(event, tmp_path / "c", scale=0.01, seed=8)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_no_temporary_names_are_left_behind(tmp_path):
    simulate(load_event(), tmp_path / "inbox", scale=0.005)
    assert not list((tmp_path / "inbox").rglob("*.tmp"))


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory):
    root = tmp_path_factory.mktemp("calibration")
    simulate(load_event(), root / "inbox", scale=SCALE, seed=2022)
    code, report = ingest(root / "inbox", root / "warehouse")
    assert code == 0
    return root / "warehouse", report


def test_simulated_files_follow_the_contract(calibrated):
    _, report = calibrated
    assert report["files"]["quarantined"] == 0
    assert all(rows["quarantined"] == 0 and rows["duplicates"] == 0 for rows in report["rows"].values())


def test_counts_of_projects_and_organisations_are_exact(calibrated, capsys):
    warehouse, _ = calibrated
    assert query("totals", warehouse, capsys)[0]["projects"] == 286
    orgs = query("orgs_leaderboard", warehouse, capsys)
    assert len(orgs) == 94
    assert sum(o["kind"] == "district_charity" for o in orgs) == 40
    assert all(o["projects"] >= 1 for o in orgs)


def test_totals_are_within_five_percent_of_the_published_event(calibrated, capsys):
    warehouse, _ = calibrated
    totals = query("totals", warehouse, capsys)[0]
    assert totals["donations"] == pytest.approx(2_340_000 * SCALE, rel=0.05)
    assert totals["raised_fen"] == pytest.approx(37_900_000_000 * SCALE, rel=0.05)
    tencent = {p["pool_id"]: p for p in query("pools", warehouse, capsys)}["tencent"]
    assert tencent["matched_fen"] == pytest.approx(5_054_000_000 * SCALE, rel=0.05)
    checkpoint = [b for b in query("timeline", warehouse, capsys) if b["bucket_start"] < "2022-04-28T17:00"]
    assert checkpoint[-1]["cumulative_raised_fen"] == pytest.approx(16_500_000_000 * SCALE, rel=0.08)


def test_published_category_order_holds(calibrated, capsys):
    warehouse, _ = calibrated
    raised = {c["category"]: c["raised_fen"] for c in query("categories", warehouse, capsys)}
    published_order = ["industry", "relief", "elderly", "education", "children"]
    assert sorted(published_order, key=raised.get, reverse=True) == published_order


def test_daily_matching_opens_at_ten_and_stops_when_the_share_is_spent():
    simulation = Simulation(load_event(), scale=0.02, seed=3)
    before_ten = []
    for batch in simulation.run():
        tencent = batch.matches.filter(batch.matches["pool_id"] == "tencent")
        positive = tencent.filter(tencent["amount_fen"] > 0)
        before_ten += [t for t in positive["matched_at"].to_list() if t.hour < 10]
    assert before_ten == []
    assert all(left >= 0 for left in simulation.state.share_left.values())
    assert min(simulation.state.share_left.values()) == 0  # at least one day ran out
