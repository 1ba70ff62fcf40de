"""The warehouse on S3-compatible object storage, against a local S3 endpoint (moto's
server mode) that the test starts itself: ingest, query, retention and the single-writer
lock round-trip the same figures as on disk."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from givingday.local_s3 import local_s3
from tests.helpers import ROOT, at, credit, gift, reference_inbox, run_cli, write

BUCKET = "givingday-test"


@pytest.fixture(scope="module")
def s3_env():
    with local_s3(BUCKET) as s3:
        yield {**os.environ, **s3.env()}


def _figures(warehouse: str) -> dict:
    from givingday import queries
    from givingday.warehouse import Warehouse

    reader = queries.reader(Warehouse(warehouse))
    return {name: reader.run(name).to_dicts()
            for name in ("totals", "projects_leaderboard", "categories", "districts", "pools", "timeline")}


def _watcher(inbox, remote: str, env: dict, **output) -> subprocess.Popen:
    """`ingest --watch` on `remote`, a pass every 0.5 s."""
    return subprocess.Popen([sys.executable, "-m", "givingday", "ingest", "--inbox", str(inbox), "--warehouse", remote,
                             "--watch", "--interval", "0.5"], cwd=ROOT, env=env, **output)


def _store_listing(remote: str) -> str:
    """What a failed test shows of the store: every key under `remote`, CURRENT, and the
    Delta log of `ingested_files` (the table a pass reads first)."""
    from givingday import storage

    fs = storage.s3_filesystem()
    root = remote.removeprefix("s3://")
    try:
        keys = sorted(fs.find(root))
        lines = [key.removeprefix(root + "/") for key in keys]
        log = [key for key in keys if "/tables/ingested_files/_delta_log/" in key and key.endswith(".json")]
        lines += ["CURRENT: " + fs.cat_file(f"{root}/CURRENT").decode().strip()] if f"{root}/CURRENT" in keys else []
        lines += [f"{key.rsplit('/', 1)[-1]}: {fs.cat_file(key).decode()}" for key in log[-4:]]
        return "\n".join(lines)
    except Exception as exc:  # noqa: BLE001 - a listing for a message
        return f"the store could not be listed: {exc!r}"


def _batch(inbox, number: int) -> None:
    write(inbox, "donations", f"donations-20220427T{10 + number:02d}0000-{number:06d}.parquet",
          [gift(f"D{number}-{i}", f"P{1 + i % 5}", 100 * (i + 1), at(27, 10 + number, i), donor=f"k{i % 7}")
           for i in range(12)])
    write(inbox, "matches", f"matches-20220427T{10 + number:02d}0000-{number:06d}.parquet",
          [credit(f"M{number}", "P1", 500, at(27, 10 + number, 30))])


@pytest.mark.slow
def test_ingest_and_query_on_s3_give_the_figures_they_give_on_disk(s3_env, tmp_path, monkeypatch, capsys):
    from givingday import cli

    for name, value in {**s3_env, "GIVINGDAY_STATE_DIR": str(tmp_path / "state"),
                        "GIVINGDAY_RETENTION_MINUTES": "0"}.items():
        monkeypatch.setenv(name, value)
    inbox = tmp_path / "inbox"
    reference_inbox(inbox)
    remote, local = f"s3://{BUCKET}/round-trip", str(tmp_path / "warehouse")
    for number in range(1, 3):
        _batch(inbox, number)
        for warehouse in (remote, local):
            assert cli.main(["ingest", "--inbox", str(inbox), "--warehouse", warehouse]) == 0
        assert _figures(remote) == _figures(local)
    assert _figures(remote)["totals"][0]["donations"] == 24
    out = capsys.readouterr()
    assert "test-secret-never-logged" not in out.out + out.err
    import boto3

    client = boto3.client("s3", endpoint_url=s3_env["AWS_ENDPOINT_URL"], aws_access_key_id="k",
                          aws_secret_access_key="s", region_name="us-east-1")
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET, Prefix="round-trip/versions/")["Contents"]]
    assert keys == ["round-trip/versions/000002.json"]  # the older version was reclaimed
    query = run_cli("query", "totals", "--warehouse", remote, "--format", "json", env=dict(os.environ))
    assert json.loads(query.stdout)[0]["donations"] == 24  # and the command line reads it too


@pytest.mark.slow
def test_a_second_ingest_on_the_same_bucket_exits_3(s3_env, tmp_path):
    inbox = tmp_path / "inbox"
    reference_inbox(inbox)
    remote = f"s3://{BUCKET}/locked"
    env = {**s3_env, "GIVINGDAY_STATE_DIR": str(tmp_path / "state")}
    watcher = _watcher(inbox, remote, env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done = run_cli("query", "totals", "--warehouse", remote, env=env)
            if done.returncode == 0:
                break
            time.sleep(0.5)
        second = run_cli("ingest", "--inbox", str(inbox), "--warehouse", remote, env=env)
        assert second.returncode == 3 and "locked" in second.stderr, second.stderr
    finally:
        watcher.terminate()
        _, errors = watcher.communicate(timeout=30)
    assert watcher.returncode == 0, errors
    after = run_cli("ingest", "--inbox", str(inbox), "--warehouse", remote, env=env)
    assert after.returncode == 0, after.stderr  # the watcher released the lock


def test_the_pages_read_a_warehouse_on_s3(s3_env, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from givingday import cli, queries
    from givingday.ui import format as fmt
    from givingday.warehouse import Warehouse

    for name, value in {**s3_env, "GIVINGDAY_STATE_DIR": str(tmp_path / "state")}.items():
        monkeypatch.setenv(name, value)
    inbox, remote = tmp_path / "inbox", f"s3://{BUCKET}/pages"
    reference_inbox(inbox)
    _batch(inbox, 1)
    assert cli.main(["ingest", "--inbox", str(inbox), "--warehouse", remote]) == 0
    monkeypatch.setenv("GIVINGDAY_WAREHOUSE", remote)
    raised = queries.reader(Warehouse(remote)).run("totals")["raised_fen"][0]
    shown = {}
    for page in ("pages/overview.py", "pages/boards.py"):
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        app.run()
        app.switch_page(page)
        app.run()
        assert not app.exception, page
        assert [i.value for i in app.info] == [], page  # no section fell back to "unavailable"
        shown[page] = "".join(str(e.proto) for e in app.main)
    assert raised > 0 and fmt.yuan(raised) in shown["pages/overview.py"]



@pytest.mark.slow
def test_readers_query_local_copies_of_the_files_fetched_once_and_removed_when_unnamed(
        s3_env, tmp_path, monkeypatch):
    from givingday import cli, file_cache, queries, storage
    from givingday.warehouse import Warehouse

    for name, value in {**s3_env, "GIVINGDAY_STATE_DIR": str(tmp_path / "state"),
                        "GIVINGDAY_RETENTION_MINUTES": "0"}.items():
        monkeypatch.setenv(name, value)
    fetched = []
    real_fetch = file_cache._fetch

    def counting_fetch(remote, copies, folder):
        fetched.extend(remote)
        return real_fetch(remote, copies, folder)

    monkeypatch.setattr(file_cache, "_fetch", counting_fetch)
    inbox, remote = tmp_path / "inbox", f"s3://{BUCKET}/copies"
    reference_inbox(inbox)
    _batch(inbox, 1)
    assert cli.main(["ingest", "--inbox", str(inbox), "--warehouse", remote]) == 0
    warehouse = Warehouse(remote)
    first = warehouse.manifest(warehouse.current_version())
    named = {f for table in first.tables for f in first.files(table)}
    reader = queries.reader(warehouse)
    assert sorted(fetched) == sorted(named)  # every data file once, in one batch
    direct = queries.VersionReader(first, warehouse)  # reading the store itself
    for name in ("totals", "projects_leaderboard", "pools", "timeline"):
        assert reader.run(name).to_dicts() == direct.run(name).to_dicts(), name
    assert file_cache.local_paths(sorted(named)) and sorted(fetched) == sorted(named)  # not again
    copies = [Path(p) for p in file_cache.local_paths(sorted(named))]
    assert all(p.is_file() and not storage.is_remote(str(p)) for p in copies)

    _batch(inbox, 2)  # the next version: only its new files are fetched
    assert cli.main(["ingest", "--inbox", str(inbox), "--warehouse", remote]) == 0
    second = warehouse.manifest(warehouse.current_version())
    fetched.clear()
    queries.reader(warehouse)
    assert set(fetched) == {f for table in second.tables for f in second.files(table)} - named

    # a copy no kept reader names goes once it is old enough, and not before
    only_first = [p for p, f in zip(copies, sorted(named), strict=True)
                  if f not in {f for table in second.tables for f in second.files(table)}]
    assert only_first, "the second version rewrote some files"
    assert file_cache.keep_only(set()) == 0  # all fetched just now
    old = time.time() - file_cache.KEEP_NEW_S - 1
    for copy in only_first:
        file_cache._fetched[copy] = old  # as if fetched over ten minutes ago
    kept = {f for table in second.tables for f in second.files(table)}
    assert file_cache.keep_only(kept) == len(only_first)
    assert not any(p.exists() for p in only_first)
    assert all(Path(p).is_file() for p in file_cache.local_paths(sorted(kept)))


@pytest.mark.slow
def test_an_ingest_killed_on_s3_is_taken_over_at_once_by_its_restart_on_the_same_machine(s3_env, tmp_path):
    inbox = tmp_path / "inbox"
    reference_inbox(inbox)
    remote = f"s3://{BUCKET}/killed"
    env = {**s3_env, "GIVINGDAY_STATE_DIR": str(tmp_path / "state")}
    watcher = _watcher(inbox, remote, env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while run_cli("query", "totals", "--warehouse", remote, env=env).returncode != 0:
            assert time.monotonic() < deadline, "the watcher published nothing"
            time.sleep(0.5)
    finally:
        watcher.kill()  # SIGKILL: the lock object stays behind, its heartbeat fresh
        watcher.wait()
    started = time.monotonic()
    restarted = run_cli("ingest", "--inbox", str(inbox), "--warehouse", remote, env=env)
    assert restarted.returncode == 0, restarted.stderr  # not "locked" for LOCK_TTL_S
    assert time.monotonic() - started < 60


@pytest.mark.slow
def test_a_watcher_rides_out_an_endpoint_outage_and_publishes_once_it_is_back(s3_env, tmp_path, monkeypatch):
    from givingday.outage import endpoint_relay
    from givingday.warehouse import Warehouse

    for name, value in s3_env.items():
        monkeypatch.setenv(name, value)
    inbox = tmp_path / "inbox"
    reference_inbox(inbox)
    _batch(inbox, 1)
    remote = f"s3://{BUCKET}/outage"
    endpoint = s3_env["AWS_ENDPOINT_URL"].removeprefix("http://")
    host, port = endpoint.split(":")
    log = tmp_path / "watcher.log"

    def said() -> str:  # what the watcher has said, how its troubles began and its last words, and the store
        text = log.read_text()
        text = text if len(text) <= 6000 else f"{text[:3000]}\n[...]\n{text[-3000:]}"
        return f"{text}\n--- the store now ---\n{_store_listing(remote)}"

    with endpoint_relay(host, int(port)) as relay, open(log, "w") as stderr:
        env = {**s3_env, "GIVINGDAY_STATE_DIR": str(tmp_path / "state"), "AWS_ENDPOINT_URL": relay.url}
        watcher = _watcher(inbox, remote, env, stdout=stderr, stderr=stderr)
        try:
            def version():
                return Warehouse(remote).current_version()  # straight to the store, not through the relay

            deadline = time.monotonic() + 60
            while version() is None:
                assert time.monotonic() < deadline, f"the watcher published nothing: {said()}"
                time.sleep(0.3)
            before = version()
            relay.stop()
            _batch(inbox, 2)
            # a pass meets the outage: on a loaded machine one may take the client's retries
            # for longer than any fixed wait, so wait until the watcher says it failed
            deadline = time.monotonic() + 90
            while "a pass failed, trying again" not in said():
                assert time.monotonic() < deadline, f"no pass failed while the endpoint was away: {said()}"
                time.sleep(0.3)
            time.sleep(2)  # and fails again meanwhile
            assert watcher.poll() is None, f"the watcher exited while the endpoint was away: {said()}"
            assert version() == before
            relay.resume()
            resumed = time.monotonic()
            while version() == before:
                assert time.monotonic() < resumed + 60, f"nothing published after the endpoint came back: {said()}"
                assert watcher.poll() is None, f"the watcher exited: {said()}"
                time.sleep(0.3)
            print(f"published {time.monotonic() - resumed:.1f} s after the endpoint came back")
        finally:
            watcher.terminate()
            watcher.wait(timeout=30)
    assert watcher.returncode == 0, said()


def test_serve_hands_its_servers_an_s3_warehouse_as_the_url_it_was_given():
    """A chaos run on S3 found the servers reading a folder named `s3:/bucket/...`."""
    from givingday.serve import warehouse_for_children

    assert warehouse_for_children(f"s3://{BUCKET}/w") == f"s3://{BUCKET}/w"
    assert warehouse_for_children("data/w") == str(Path("data/w").resolve())


def test_a_data_files_details_are_asked_once_and_a_pointer_is_read_fresh(s3_env, monkeypatch):
    """s3fs sent a HEAD at each open of a data file (477 of a small pass's 1,072 requests);
    a Delta data file is never rewritten, so its details are asked once. CURRENT is
    rewritten every pass: it is read in one GET, new each time."""
    from givingday import storage

    for name, value in s3_env.items():
        monkeypatch.setenv(name, value)
    fs = storage.s3_filesystem()
    data, pointer = f"{BUCKET}/memo/tables/donations/part-00001-a.parquet", f"{BUCKET}/memo/CURRENT"
    fs.pipe({data: b"PAR1 not really", pointer: b"1\n"})
    asked = []
    call = type(fs)._call_s3

    async def counting(self, method, *args, **kwargs):
        asked.append((method, kwargs.get("Key", "").rsplit("/", 1)[-1]))
        return await call(self, method, *args, **kwargs)

    monkeypatch.setattr(type(fs), "_call_s3", counting)
    assert fs.info(data)["size"] == fs.info(data)["size"] == 15
    with fs.open(data) as f:
        assert f.read(4) == b"PAR1"
    assert asked.count(("head_object", "part-00001-a.parquet")) == 1
    assert storage.read_text(f"s3://{pointer}") == "1\n"
    fs.pipe_file(pointer, b"22\n")
    assert storage.read_text(f"s3://{pointer}") == "22\n"
    assert ("head_object", "CURRENT") not in asked
    assert not storage.is_data_file(f"{BUCKET}/memo/tables/donations/_delta_log/00000000000000000001.checkpoint.parquet")
    assert not storage.is_data_file(f"{BUCKET}/memo/schemas/donations.parquet")
