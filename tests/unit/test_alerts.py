"""Alert rules fire on the figures that warrant them (`python -m givingday alerts`)."""

import datetime as dt
import json
import signal
import subprocess
import sys
import time

from givingday.alerts import alerts
from givingday.event import load_event
from givingday.queries import reader
from givingday.warehouse import Warehouse
from tests.helpers import ROOT, at, credit, gift, ingest, reference_inbox, run_cli, write


def _alerts(warehouse) -> list[dict]:
    result = run_cli("alerts", "--warehouse", str(warehouse), "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_pool_that_runs_out_raises_an_alert(inbox, warehouse, capsys):
    reference_inbox(inbox)
    write(inbox, "matches", "matches-20220427T120000-000001.parquet", [
        credit("M1", "P1", 300_000_000, at(27, 12), "coupons", "coupon_match"),
        credit("M2", "P2", 1_666_666_667, at(27, 15, 30), "tencent", "random_match")])
    ingest(inbox, warehouse, capsys)
    found = _alerts(warehouse)
    exhausted = [a for a in found if a["rule"] == "pool_exhausted"]
    assert [a["pool_id"] for a in exhausted] == ["coupons"]
    share = next(a for a in found if a["rule"] == "share_exhausted")
    assert share["pool_id"] == "tencent" and share["first_seen"].startswith("2022-04-27T15:30")
    assert share["severity"] == "critical" and share["state"] == "open"
    assert exhausted[0]["first_seen"].startswith("2022-04-27T12:00")  # when it ran out, in data time


def test_an_alert_keeps_its_identity_and_its_acknowledgement_across_versions(inbox, warehouse, capsys,
                                                                            monkeypatch, tmp_path):
    from givingday import staff

    monkeypatch.setenv("GIVINGDAY_STAFF_STATE", str(tmp_path / "state"))
    reference_inbox(inbox)
    write(inbox, "matches", "matches-20220427T120000-000001.parquet", [
        credit("M1", "P1", 300_000_000, at(27, 12), "coupons", "coupon_match")])
    ingest(inbox, warehouse, capsys)
    first = next(a for a in _alerts(warehouse) if a["rule"] == "pool_exhausted")
    staff.acknowledge(first["key"], "li")
    write(inbox, "donations", "donations-20220428T090000-000001.parquet", [gift("D9", "P2", 500, at(28, 9))])
    ingest(inbox, warehouse, capsys)
    assert Warehouse(warehouse).current_version() == 2
    again = next(a for a in _alerts(warehouse) if a["rule"] == "pool_exhausted")
    assert (again["key"], again["first_seen"]) == (first["key"], first["first_seen"])
    assert again["state"] == "acknowledged" and again["acknowledged_by"] == "li"


def test_a_pool_about_to_run_out_raises_an_alert(inbox, warehouse, capsys):
    reference_inbox(inbox)
    write(inbox, "matches", "matches-20220427T120000-000001.parquet", [
        credit(f"S{i}", "P1", 73_000_000, at(27, 11, 30 + i), "steps", "step_match", participants=100)
        for i in range(30)])
    ingest(inbox, warehouse, capsys)
    running_out = [a for a in _alerts(warehouse) if a["rule"] == "pool_running_out"]
    assert [a["pool_id"] for a in running_out] == ["steps"]
    assert running_out[0]["figures"]["minutes_left"] <= 60


def test_targets_stalls_and_falls(inbox, warehouse, capsys):
    reference_inbox(inbox)
    write(inbox, "donations", "donations-20220427T100000-000001.parquet", [
        gift("D1", "P1", 1_000_000, at(27, 10)), gift("D2", "P2", 100, at(28, 20))])
    write(inbox, "matches", "matches-20220427T100000-000001.parquet", [credit("M1", "P2", 500, at(28, 20))])
    ingest(inbox, warehouse, capsys)
    write(inbox, "matches", "matches-20220428T200000-000002.parquet", [credit("M2", "P2", -500, at(28, 20, 5), reverses="M1")])
    ingest(inbox, warehouse, capsys)
    found = _alerts(warehouse)
    assert {a["project_id"] for a in found if a["rule"] == "target_reached"} == {"P1"}
    stalled = {a["project_id"] for a in found if a["rule"] == "project_stalled"}
    assert "P1" in stalled and "P2" not in stalled  # P1's last gift was 34 hours before as_of
    assert [a["figures"]["change_fen"] for a in found if a["rule"] == "total_fell"] == [-500]


def test_stale_data_during_the_event_raises_an_alert(inbox, warehouse, capsys):
    reference_inbox(inbox)
    write(inbox, "donations", "donations-20220428T100000-000001.parquet", [gift("D1", "P1", 100, at(28, 10))])
    ingest(inbox, warehouse, capsys)
    manifest_path = warehouse / "versions" / "000001.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["published_at"] = at(28, 10, 1).isoformat()  # as if published during the event
    manifest_path.write_text(json.dumps(manifest))
    version_reader, event = reader(Warehouse(warehouse)), load_event()

    def stale(now):
        return [a for a in alerts(version_reader, event, now=now) if a["rule"] == "data_stale"]

    assert stale(at(28, 10, 5)) == []  # 4 minutes: fresh
    late = stale(at(28, 10, 31))
    assert len(late) == 1 and late[0]["figures"]["minutes_since_publication"] == 30.0
    assert stale(dt.datetime(2026, 1, 1, tzinfo=at(28, 0).tzinfo)) == []  # after the event: history, not stale


def test_alerts_are_delivered_to_the_webhook_once(inbox, warehouse, capsys, tmp_path):
    import http.server
    import os
    import threading

    received = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server API
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"errcode":0}')

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[staff]\nwebhook_url = "http://127.0.0.1:{server.server_port}/cgi-bin/webhook/send"\n')
    reference_inbox(inbox)
    write(inbox, "matches", "matches-20220427T120000-000001.parquet", [
        credit("M1", "P1", 300_000_000, at(27, 12), "coupons", "coupon_match")])
    ingest(inbox, warehouse, capsys)
    env = {**os.environ, "GIVINGDAY_SECRETS": str(secrets), "GIVINGDAY_STAFF_STATE": str(tmp_path / "state")}
    counts = []
    for _ in range(2):
        result = run_cli("alerts", "--warehouse", str(warehouse), "--deliver", "--format", "json", env=env)
        assert result.returncode == 0, result.stderr
        counts.append(len(received))
    looping = subprocess.Popen([sys.executable, "-m", "givingday", "alerts", "--warehouse", str(warehouse),
                                "--deliver", "--every", "0.2"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    time.sleep(3)  # about a dozen rounds, all with nothing new to send
    looping.send_signal(signal.SIGINT)
    _, errors = looping.communicate(timeout=30)
    assert looping.returncode == 0, errors
    counts.append(len(received))
    server.shutdown()
    warnings = [a for a in json.loads(result.stdout) if a["severity"] != "info"]
    assert counts == [len(warnings)] * 3  # each alert once, none again on later runs or rounds
    exhausted = [m for m in received if "pool_exhausted" in m["markdown"]["content"]]
    assert len(exhausted) == 1 and exhausted[0]["msgtype"] == "markdown"
