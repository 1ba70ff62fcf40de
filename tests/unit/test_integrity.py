"""The integrity monitor flags the planted patterns and stays quiet on clean data."""

import json

import pytest

from givingday.event import load_event
from givingday.simulate import simulate
from tests.helpers import ingest, run_cli


@pytest.fixture(scope="module")
def events(tmp_path_factory):
    root = tmp_path_factory.mktemp("integrity")
    for name, planted in (("clean", False), ("planted", True)):
        simulate(load_event(), root / name / "inbox", scale=0.05, seed=9, anomalies=planted)
        assert ingest(root / name / "inbox", root / name / "warehouse")[0] == 0
    return root


def _flags(warehouse) -> list[dict]:
    result = run_cli("flags", "--warehouse", str(warehouse), "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_planted_pattern_is_flagged_with_its_evidence(events):
    found = _flags(events / "planted" / "warehouse")
    by_detector = {f["detector"]: f for f in found}
    assert set(by_detector) == {"apportionment", "match_farming", "match_outlier", "new_donor_rush"}
    apportionment = next(f for f in found if f["detector"] == "apportionment" and f["evidence"]["amount_fen"] == 5000)
    assert apportionment["evidence"]["donors"] == 80 and apportionment["window_start"].startswith("2022-04-28T15:00")
    farming = {f["who"]: f for f in found if f["detector"] == "match_farming"}
    assert set(farming) == {"donors", "invite_chain"}
    assert farming["donors"]["evidence"]["gifts"] == 25 and farming["donors"]["evidence"]["donors"] == 1
    chain = farming["invite_chain"]  # one inviter's 24 friends, 1 yuan each: the inviter is named
    assert chain["evidence"]["gifts"] == 24 and chain["evidence"]["donors"] == 24
    assert chain["donor_key"] not in chain["evidence"]["donor_keys"]
    assert by_detector["match_outlier"]["evidence"]["matched_fen"] >= 200_000
    assert all("donor_name" not in json.dumps(f) for f in found)


def test_clean_event_raises_no_flag(events):
    assert _flags(events / "clean" / "warehouse") == []


def test_planting_adds_only_the_planted_gifts(events):
    def public(name):
        return run_cli("query", "totals", "--warehouse", str(events / name / "warehouse"), "--format", "json")

    clean, planted = (json.loads(public(n).stdout)[0] for n in ("clean", "planted"))
    assert planted["donations"] - clean["donations"] == 80 + 25 + 30 + 60 + 24


def test_a_flag_concerns_its_project_its_organisation_and_its_district(events):
    from givingday import integrity, queries

    warehouse = events / "planted" / "warehouse"
    found = _flags(warehouse)
    outlier = next(f for f in found if f["detector"] == "match_outlier")
    assert outlier["evidence"]["projects"], "an outlier names the projects its matches went to"
    flagged = next(f for f in found if f["detector"] == "apportionment")
    board = queries.run("board_projects", warehouse=warehouse)
    row = board.filter(board["project_id"] == flagged["project_id"]).row(0, named=True)
    for scope, value in (("org", row["org_id"]), ("district", str(row["district_adcode"]))):
        in_scope = queries.run("board_projects", {scope: value}, warehouse=warehouse)["project_id"].to_list()
        assert flagged in integrity.concerning(found, in_scope)
    elsewhere = [p for p in board["project_id"].to_list() if p != flagged["project_id"]][:3]
    assert flagged not in integrity.concerning(found, elsewhere)
    assert outlier in integrity.concerning(found, outlier["evidence"]["projects"][:1])
    assert integrity.flag_key(flagged) != integrity.flag_key(outlier)


def test_the_console_scans_in_the_background_and_keeps_the_newest_result(events):
    import time

    from givingday.flag_scanner import FlagScanner
    from givingday.warehouse import Warehouse

    scanner = FlagScanner(lambda: Warehouse(events / "planted" / "warehouse"))
    assert scanner.latest(1) == (None, [])  # answers at once; the scan starts behind it
    deadline = time.monotonic() + 120
    while scanner.latest(1)[0] is None:
        assert time.monotonic() < deadline, "the background scan did not finish"
        time.sleep(0.2)
    version, found = scanner.latest(1)
    assert version == 1 and found == _flags(events / "planted" / "warehouse")


def test_one_flags_worker_scans_each_new_version_once_for_every_server(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    from givingday import flag_store
    from givingday.warehouse import Warehouse
    from tests.helpers import ROOT, at, gift, ingest_ok, reference_inbox, write

    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    reference_inbox(inbox)
    ingest_ok(inbox, warehouse)
    worker = subprocess.Popen([sys.executable, "-m", "givingday", "flags", "--watch", "--interval", "0.3",
                               "--warehouse", str(warehouse)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        for expected in (1, 2):
            deadline = time.monotonic() + 60
            while (flag_store.latest(Warehouse(warehouse)) or (0,))[0] != expected and time.monotonic() < deadline:
                time.sleep(0.2)
            assert flag_store.latest(Warehouse(warehouse)) == (expected, [])
            write(inbox, "donations", "donations-20220427T100000-000001.parquet", [gift("D1", "P1", 100, at(27, 10))])
            ingest_ok(inbox, warehouse)
    finally:
        worker.send_signal(signal.SIGINT)
        _, errors = worker.communicate(timeout=30)
    assert worker.returncode == 0, errors
