"""Live operation: the simulator's compressed-time replay and `ingest --watch`."""

import json
import os
import signal
import subprocess
import sys
import time

from givingday.warehouse import Warehouse
from tests.helpers import ROOT, at, gift, reference_inbox, run_cli, write


def test_live_replay_writes_minute_batches_in_compressed_time(tmp_path):
    inbox = tmp_path / "inbox"
    started = time.monotonic()
    result = run_cli("simulate", "--inbox", str(inbox), "--scale", "0.002", "--live", "--speed", "3600",
                     "--live-from", "2022-04-29T22:00:00+08:00")
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["donations"] > 0
    late = [p.name for p in (inbox / "donations").glob("donations-20220429T23*.parquet")]
    assert len(late) > 30  # one batch per simulated minute after the live start
    assert 1.5 < elapsed < 60  # two simulated hours at 3600x take about two seconds


def test_watch_publishes_new_files_as_they_arrive(tmp_path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    reference_inbox(inbox)
    watcher = subprocess.Popen([sys.executable, "-m", "givingday", "ingest", "--inbox", str(inbox),
                                "--warehouse", str(warehouse), "--watch", "--interval", "0.3"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while Warehouse(warehouse).current_version() != 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        write(inbox, "donations", "donations-20220427T100000-000001.parquet", [gift("D1", "P1", 100, at(27, 10))])
        while Warehouse(warehouse).current_version() != 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert Warehouse(warehouse).current_version() == 2
        second = run_cli("ingest", "--inbox", str(inbox), "--warehouse", str(warehouse))
        assert second.returncode == 3 and "locked" in second.stderr
    finally:
        watcher.send_signal(signal.SIGINT)
        _, errors = watcher.communicate(timeout=30)
    assert watcher.returncode == 0, errors


def test_serve_refuses_nothing_when_asked_for_help():
    result = run_cli("serve", "--help")
    assert result.returncode == 0 and "--demo" in result.stdout


def test_environment_variables_name_the_default_paths(tmp_path):
    inbox, warehouse = tmp_path / "in", tmp_path / "wh"
    reference_inbox(inbox)
    env = {**os.environ, "GIVINGDAY_INBOX": str(inbox), "GIVINGDAY_WAREHOUSE": str(warehouse)}
    assert run_cli("ingest", env=env).returncode == 0
    totals = run_cli("query", "totals", "--format", "json", env=env)
    assert json.loads(totals.stdout)[0]["projects"] == 5
