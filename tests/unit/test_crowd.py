"""The crowd: the load driver, `serve --replicas` behind nginx (sticky by cookie, static
files from nginx, a dead replica restarted) and admission control, with small numbers.
The capacity figures themselves are measured by the benchmark, not here."""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from givingday.browser import free_port, server_process, streamlit_server, wait_healthy
from tests.helpers import ROOT, at, gift, ingest_ok, reference_inbox, run_cli, write

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def small_warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("crowd")
    reference_inbox(root / "inbox")
    write(root / "inbox", "donations", "donations-20220427T100000-000001.parquet",
          [gift(f"D{i}", f"P{1 + i % 5}", 100 + i, at(27, 10, i % 60), donor=f"k{i}") for i in range(40)])
    ingest_ok(root / "inbox", root / "warehouse")
    return root / "warehouse"


def _loadtest(url: str, *extra: str) -> dict:
    result = run_cli("loadtest", "--url", url, "--format", "json", *extra, timeout=300)
    assert result.stdout, result.stderr
    return json.loads(result.stdout)


def test_the_load_driver_speaks_streamlit_and_reports_figures(small_warehouse):
    with streamlit_server(small_warehouse) as url:
        server = server_process(url)
        report = _loadtest(url, "--page", "/boards", "--query", "lang=en", "--sessions", "3", "--duration", "6",
                           "--every", "2", "--ramp", "1", "--reruns", "2", "--server-pid", str(server.pid))
    assert report["sessions_served"] == 3 and report["errors"] == 0, report
    assert report["rerun_ms"]["count"] >= 6 and report["rerun_ms"]["p95"] > 0  # two each, however slow the first page
    assert report["first_visit_http_ms"]["p50"] > 0  # the HTML, the bundle and the health check
    assert report["server_cpu_percent"]["mean"] is not None and report["server_rss_mb"]["max"] > 50


def test_a_herd_reruns_each_page_once_its_check_finds_a_new_version(tmp_path):
    """`--herd`: no timed reruns; each viewer's version check, on finding a new version,
    runs the whole page, and those runs are what the report times."""
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    reference_inbox(inbox)
    ingest_ok(inbox, warehouse)
    with streamlit_server(warehouse) as url:
        driver = subprocess.Popen([sys.executable, "-m", "givingday", "loadtest", "--url", url, "--sessions", "3",
                                   "--duration", "16", "--ramp", "1", "--herd", "--format", "json"],
                                  cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for number in (1, 2):  # two publications while the crowd watches
            time.sleep(5)
            write(inbox, "donations", f"donations-20220427T1{number}0000-00000{number}.parquet",
                  [gift(f"D-herd-{number}", "P1", 1_000, at(27, 10 + number))])
            ingest_ok(inbox, warehouse)
        out, _ = driver.communicate(timeout=120)
    report = json.loads(out)
    assert report["herd"] and report["errors"] == 0 and report["sessions_served"] == 3, report
    assert report["rerun_ms"]["count"] == 0  # nothing but the checks reran a page
    # each viewer once per publication seen in time: both, or on a slow machine the first only
    assert 3 <= report["herd_rerun_ms"]["count"] <= 6, report
    assert report["herd_rerun_ms"]["p95"] > 0


def test_profile_puts_each_sample_in_its_kind_of_work(tmp_path):
    from givingday.profile_pages import OTHER, STREAMLIT, shares

    runner, page = "run (streamlit/runtime/scriptrunner/x.py:1)", "<module> (pages/overview.py:3)"
    samples = {  # a task anywhere in the stack, else the layer of the frame nearest the leaf
        f"{runner};_compute (givingday/ui/data.py:9);execute (duckdb/__init__.py:3)": (6, "named queries (DuckDB)"),
        f"{runner};spec (givingday/ui/charts.py:4);to_dict (altair/vegalite/v5/api.py:7)":
            (3, "charts (Altair / Vega-Lite specs)"),
        "select (selectors.py:1)": (1, OTHER),
        f"{runner};{page};tiles (givingday/ui/blocks.py:30)": (4, "our page code (HTML, formatting, i18n)"),
        f"{runner};{page};html (streamlit/elements/html.py:2);_enqueue (streamlit/runtime/forward_msg_queue.py:9)":
            (2, "protobuf: building and sending the page's messages"),
        f"{runner};{page};wrapped_func (streamlit/runtime/metrics_util.py:4);"
        "selectbox (streamlit/elements/widgets/selectbox.py:5);"
        "register (streamlit/runtime/state/session_state.py:7)": (4, STREAMLIT),
    }
    raw = tmp_path / "samples.txt"
    raw.write_text("".join(f"{stack} {count}\n" for stack, (count, _) in samples.items()))
    total, share, calls = shares(raw)
    assert total == 20
    expected: dict[str, float] = {}
    for count, kind in samples.values():
        expected[kind] = expected.get(kind, 0) + count / 20
    assert share == pytest.approx(expected)
    assert calls == pytest.approx({"selectbox (streamlit/elements/widgets/selectbox.py)": 0.2})  # what our code called


def test_profile_samples_a_real_server(small_warehouse):
    result = run_cli("profile", "--warehouse", str(small_warehouse), "--page", "/boards", "--sessions", "2",
                     "--seconds", "3", timeout=300)
    assert result.returncode == 0, result.stderr
    blocks = re.findall(r"/boards — (reruns|first runs) of 2 viewers \((\d+) samples\)\n((?:  .*\n?)+)", result.stdout)
    assert [what for what, _, _ in blocks] == ["reruns", "first runs"], result.stdout
    for _, samples, lines in blocks:  # the kinds' lines; the Streamlit calls under one are indented further
        parts = [float(line.split("%")[0]) for line in lines.splitlines() if re.match(r" {2,6}\d", line)]
        assert int(samples) > 0 and abs(sum(parts) - 100) < 1, result.stdout


def _nginx_serve(warehouse, port: int, max_sessions: int) -> subprocess.Popen:
    env = {**os.environ, "GIVINGDAY_WAREHOUSE": str(warehouse), "GIVINGDAY_REPLICA_HUNG_AFTER_S": "6"}
    log = Path(warehouse).parent / f"serve-{port}.log"  # a file: the replicas' logs never fill a pipe
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "givingday", "serve", "--replicas", "2", "--port",
                                    str(port), "--max-sessions", str(max_sessions)], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, text=True)
    if wait_healthy(f"http://127.0.0.1:{port}", 90, process):
        return process
    process.kill()
    raise AssertionError(f"serve --replicas did not come up: {log.read_text()[-4000:]}")


def _replicas(launcher: subprocess.Popen) -> list[psutil.Process]:
    """The launcher's live Streamlit children (a killed one not yet reaped is left out)."""
    alive = []
    for child in psutil.Process(launcher.pid).children():
        try:
            if "streamlit" in " ".join(child.cmdline()) and child.status() != psutil.STATUS_ZOMBIE:
                alive.append(child)
        except psutil.Error:
            continue
    return alive


def _assert_replaced(launcher: subprocess.Popen, victim: psutil.Process, how: signal.Signals) -> None:
    os.kill(victim.pid, how)
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        pids = [p.pid for p in _replicas(launcher)]
        if len(pids) == 2 and victim.pid not in pids:
            return
        time.sleep(0.5)
    raise AssertionError(f"the launcher did not replace the replica after {how.name}")


def test_replicas_behind_nginx_share_the_crowd_admit_a_limit_and_come_back(small_warehouse):
    port = free_port()
    launcher = _nginx_serve(small_warehouse, port, max_sessions=2)
    url = f"http://127.0.0.1:{port}"
    try:
        static = urllib.request.urlopen(url + "/", timeout=10).read().decode()
        asset = static.split('src="./static/', 1)[1].split('"', 1)[0]
        answer = urllib.request.urlopen(urllib.request.Request(f"{url}/static/{asset}",
                                                               headers={"Accept-Encoding": "gzip"}), timeout=10)
        assert "immutable" in answer.headers["Cache-Control"]  # served by nginx, not Streamlit
        assert answer.headers["Content-Encoding"] == "gzip"
        assert "gd_route=" in answer.headers["Set-Cookie"]
        for attempt in ("MISS", "HIT"):  # the open data through nginx's cache, without a route cookie
            api = urllib.request.urlopen(f"{url}/api/v1/totals.json", timeout=10)
            assert api.status == 200 and api.headers["X-Cache"] == attempt and "Set-Cookie" not in api.headers

        # 2 replicas x 2 admitted each: of 16 visitors (each with its own route cookie, spread by
        # the hash over both replicas), 4 get in and the others get the short "reload" page
        report = _loadtest(url, "--sessions", "16", "--duration", "6", "--every", "2", "--ramp", "3")
        assert report["errors"] == 0, report
        assert (report["sessions_served"], report["sessions_turned_away"]) == (4, 12), report
        assert report["sessions_by_affinity_cookie"] == 16  # each visitor its own route

        replicas = _replicas(launcher)
        assert len(replicas) == 2
        _assert_replaced(launcher, replicas[0], signal.SIGKILL)  # dies: restarted
        _assert_replaced(launcher, _replicas(launcher)[1], signal.SIGSTOP)  # hangs: killed and restarted
        report = _loadtest(url, "--sessions", "2", "--duration", "3", "--every", "1")
        assert report["sessions_served"] == 2 and report["errors"] == 0, report
    finally:
        launcher.send_signal(signal.SIGTERM)
        launcher.wait(timeout=30)
    with pytest.raises(OSError):  # nginx and the replicas are gone
        urllib.request.urlopen(url + "/_stcore/health", timeout=2)
    said = (Path(small_warehouse).parent / f"serve-{port}.log").read_text()
    folder = Path(re.search(r"nginx config (\S+)/nginx\.conf", said).group(1))
    assert not folder.exists(), f"{folder} (nginx's config and static copies) was left behind"


def test_serve_stopped_by_sigterm_stops_its_server_and_its_workers(small_warehouse):
    port = free_port()
    env = {**os.environ, "GIVINGDAY_WAREHOUSE": str(small_warehouse)}
    launcher = subprocess.Popen([sys.executable, "-m", "givingday", "serve", "--port", str(port)], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_healthy(f"http://127.0.0.1:{port}", 90, launcher)
        children = psutil.Process(launcher.pid).children(recursive=True)
        assert len(children) >= 2  # the web server and the flags worker
    finally:
        launcher.send_signal(signal.SIGTERM)
        launcher.wait(timeout=30)
    gone, alive = psutil.wait_procs(children, timeout=15)
    assert alive == [], [" ".join(p.cmdline()[:4]) for p in alive]


SHARED_FRAME = """
import threading
import polars as pl
from givingday.ui import charts, data, memo, tables

first, second = data.query("categories", 1), data.query("categories", 1)
assert first is not second and first.equals(second)  # one result, a handle per caller
shared = pl.concat([first, first], rechunk=False)  # a frame in two chunks, as a page may build

def viewer(number):
    for _ in range(200):
        memo.fingerprint(shared)  # hash_rows rechunks in place: takes the frame's lock for writing
        charts.category_shares.__wrapped__(shared, ("zh", "en")[number % 2])  # reads it
        tables.money_columns(shared, {"raised_fen": "raised"}, "zh").to_pandas()  # the pool, GIL held

threads = [threading.Thread(target=viewer, args=(n,), daemon=True) for n in range(16)]
[t.start() for t in threads]
[t.join() for t in threads]
print("done")
"""


def test_viewers_working_on_one_frame_never_deadlock_the_server(small_warehouse):
    # 300 first visits at once hung a replica for good, twice: sessions shared one polars handle
    # (hash_rows waited to write-lock it while other threads held it for reading), and Python
    # functions inside polars expressions waited for the GIL on polars' thread pool while a
    # thread holding the GIL waited for that pool. Each caller of data.query now gets its own
    # handle, the chart memo fingerprints a handle of its own, and the UI runs no Python
    # function inside polars.
    env = {**os.environ, "GIVINGDAY_WAREHOUSE": str(small_warehouse)}
    try:
        result = subprocess.run([sys.executable, "-c", SHARED_FRAME], cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=90)
    except subprocess.TimeoutExpired:
        pytest.fail("threads working on one frame deadlocked")
    assert result.stdout.strip() == "done", result.stderr[-2000:]


def test_no_python_function_runs_inside_polars_in_the_web_process():
    offenders = [f"{path.relative_to(ROOT)}:{number}" for folder in ("pages", "givingday/ui")
                 for path in sorted((ROOT / folder).rglob("*.py"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"\.(map_elements|map_batches|map_rows|map_groups)\(", line)]
    assert not offenders, f"use tables.texts or an expression instead: {offenders}"


def test_bench_prints_the_cpu_of_one_rerun_and_one_first_visit_of_every_page(small_warehouse, capsys):
    from givingday.bench_pages import PAGES, THIS, page_costs

    found = page_costs(small_warehouse, 1)
    rows = [line.split() for line in capsys.readouterr().out.splitlines() if line.split()[1:2] == [THIS]]
    assert [row[0] for row in rows] == list(PAGES) == list(found)
    for page, figures in found.items():
        this = figures[THIS]
        assert this["rerun_cpu_ms"] > 0 and this["first_visit_cpu_ms"] > 0, (page, this)
        assert this["reruns"] >= 1 and this["errors"] == 0, (page, this)


def test_bench_measures_a_baseline_commit_from_a_worktree_beside_this_checkout(small_warehouse, capsys):
    from givingday.bench_pages import THIS, page_costs

    def worktrees() -> list[str]:
        return subprocess.run(["git", "-C", str(ROOT), "worktree", "list"], capture_output=True, text=True,
                              check=True).stdout.splitlines()

    before = worktrees()
    found = page_costs(small_warehouse, 1, baseline="HEAD", pages=("/",))
    out = capsys.readouterr().out
    assert set(found["/"]) == {THIS, "HEAD"}
    this, baseline = found["/"][THIS], found["/"]["HEAD"]
    assert baseline["reruns"] >= 1 and baseline["errors"] == 0 and baseline["rerun_cpu_ms"] > 0, baseline
    ratio = next(line.split() for line in out.splitlines() if line.split()[1:2] == ["ratio"])
    assert ratio[2] == f"{this['rerun_cpu_ms'] / baseline['rerun_cpu_ms']:.2f}x"
    assert ratio[3] == f"{this['first_visit_cpu_ms'] / baseline['first_visit_cpu_ms']:.2f}x"
    assert worktrees() == before  # the baseline's tree is gone


def test_bench_names_a_baseline_that_is_not_a_commit_and_leaves_no_worktree():
    from givingday.bench_pages import worktree

    before = sorted(Path(tempfile.gettempdir()).glob("givingday-baseline-*"))
    with pytest.raises(SystemExit, match="no baseline 'no-such-commit'"):
        with worktree("no-such-commit"):
            pass
    assert sorted(Path(tempfile.gettempdir()).glob("givingday-baseline-*")) == before
