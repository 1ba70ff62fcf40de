"""Crash safety of the live loop: the ingest killed (SIGKILL, as kill -9) at every point of
a pass, then restarted. Nothing is lost, nothing is counted twice, and the incremental
state (the donor register, the rollup buckets) stays consistent with the published data."""

import os
import random
import signal
import subprocess
import sys
import time

import polars as pl
import pytest

from givingday import faults, queries
from givingday.rollups import ROLLUPS
from givingday.warehouse import Warehouse
from tests.helpers import (
    ROOT,
    at,
    credit,
    gift,
    ingest_ok,
    reference_inbox,
    rollup_tables,
    run_cli,
    scratch_ingest_of_published_rows,
    write,
)


def _batch(inbox, number: int) -> None:
    """Gifts of returning and new donors to a few projects, with matches and a reversal."""
    gifts = [gift(f"D{number}-{i}", f"P{1 + i % 5}", 100 + i, at(27, 10 + number, i % 60),
                  donor=f"k{(i * 7 + number) % 23}") for i in range(30)]
    write(inbox, "donations", f"donations-20220427T{10 + number:02d}0000-{number:06d}.parquet", gifts)
    matches = [credit(f"M{number}-{i}", f"P{1 + i % 5}", 50, at(27, 10 + number, i)) for i in range(5)]
    matches.append(credit(f"M{number}-r", "P1", -50, at(27, 10 + number, 30), reverses=f"M{number}-0"))
    write(inbox, "matches", f"matches-20220427T{10 + number:02d}0000-{number:06d}.parquet", matches)


def _assert_consistent(warehouse, workdir) -> None:
    scratch, rows = scratch_ingest_of_published_rows(warehouse, workdir)
    ours, fresh = rollup_tables(warehouse), rollup_tables(scratch)
    for name in ROLLUPS:
        assert ours[name].equals(fresh[name]), f"{name} differs from a from-scratch ingest"
    totals = queries.reader(Warehouse(warehouse)).run("totals").row(0, named=True)
    assert totals["public_fen"] == rows["donations"]["amount_fen"].sum()
    assert totals["donors"] == rows["donations"]["donor_key"].n_unique()
    assert rows["donations"]["donation_id"].is_unique().all()


@pytest.mark.parametrize("point", faults.POINTS)
def test_a_pass_killed_at_any_point_loses_nothing_and_counts_nothing_twice(tmp_path, point):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    reference_inbox(inbox)
    _batch(inbox, 1)
    ingest_ok(inbox, warehouse)
    _batch(inbox, 2)
    env = {**os.environ, faults.ENV_CRASH_AT: point, "GIVINGDAY_RETENTION_MINUTES": "0"}
    killed = run_cli("ingest", "--inbox", str(inbox), "--warehouse", str(warehouse), env=env)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    ingest_ok(inbox, warehouse)  # the restart: recovers, and publishes batch 2 unless it was
    _batch(inbox, 3)             # a pass after the restart extends the (possibly rebuilt) register
    ingest_ok(inbox, warehouse)
    totals = queries.reader(Warehouse(warehouse)).run("totals").row(0, named=True)
    assert totals["donations"] == 90
    _assert_consistent(warehouse, tmp_path / "scratch")


@pytest.mark.slow
def test_a_watcher_killed_again_and_again_mid_pass_ends_consistent(tmp_path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    reference_inbox(inbox)
    rng = random.Random(5)
    env = {**os.environ, "GIVINGDAY_RETENTION_MINUTES": "0.02"}
    for round_ in range(1, 7):
        watcher = subprocess.Popen([sys.executable, "-m", "givingday", "ingest", "--inbox", str(inbox),
                                    "--warehouse", str(warehouse), "--watch", "--interval", "0.05"],
                                   cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _batch(inbox, round_)
        time.sleep(rng.uniform(0.8, 2.5))  # mostly mid-pass: a pass here takes about a second
        watcher.send_signal(signal.SIGKILL)
        watcher.wait(timeout=30)
    ingest_ok(inbox, warehouse)
    totals = queries.reader(Warehouse(warehouse)).run("totals").row(0, named=True)
    assert totals["donations"] == 6 * 30
    _assert_consistent(warehouse, tmp_path / "scratch")
    assert pl.read_parquet(warehouse / "schemas" / "donations.parquet").height == 0
