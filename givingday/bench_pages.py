"""The server CPU of one rerun and of one first visit of every public page, at one viewer,
beside a baseline commit in the same run (`bench --baseline REF`).

How many viewers a process holds follows from the CPU a rerun costs, and a count of viewers
measured on one machine does not carry to another; the ratio to a baseline measured in the
same run does. The baseline runs from a temporary git worktree of REF, with this checkout's
virtual environment, against the same warehouse; the two servers are up together and are
measured page by page in turn, so a noisy minute falls on both.

CPU is read from the server process itself (`psutil.Process.cpu_times`) around each
measurement, less what the same process spends with nobody on it (its idle rate, measured
just before), so a background watcher is not charged to the viewer.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from givingday.browser import server_process, streamlit_server
from givingday.loadtest import measure
from givingday.serve import ROOT

PAGES = ("/", "/boards", "/categories", "/districts", "/funds", "/projects", "/data", "/bigscreen")
FIRST_VISITS = 4  # new viewers, all at once, each leaving after its first page
IDLE_SECONDS = 2.0
RERUN_EVERY = 0.25  # seconds between one viewer's reruns: four samples a second, each costing what one does
THIS = "this"  # the checkout the command runs from, uncommitted changes and all


@contextlib.contextmanager
def worktree(ref: str):
    """The tree of commit `ref` in a temporary git worktree of this checkout, removed after."""
    folder = Path(tempfile.mkdtemp(prefix="givingday-baseline-"))
    made = subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(folder), ref],
                          capture_output=True, text=True)
    if made.returncode:
        shutil.rmtree(folder, ignore_errors=True)
        raise SystemExit(f"givingday: no baseline {ref!r} in {ROOT}: {made.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder)], check=False)
        shutil.rmtree(folder, ignore_errors=True)


def _cpu_s(process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def _idle_rate(process) -> float:
    """CPU seconds a second the server spends with nobody on it (its watchers, its timers)."""
    before, started = _cpu_s(process), time.monotonic()
    time.sleep(IDLE_SECONDS)
    return (_cpu_s(process) - before) / (time.monotonic() - started)


def _spent(process, idle_rate: float, work) -> tuple[float, dict]:
    """(CPU seconds the server spent on `work()` beyond its idle rate, what `work` returned)."""
    before, started = _cpu_s(process), time.monotonic()
    result = work()
    return max(0.0, _cpu_s(process) - before - idle_rate * (time.monotonic() - started)), result


def costs(url: str, process, page: str, seconds: float) -> dict:
    """One page on one server: CPU ms per full rerun (its timed fragments in between counted
    in, as a browser runs them) and per first visit (the HTML, the frontend bundle and the
    session's first run)."""
    measure(url, page, "", 1, 0, 1, 0, None, reruns=1)  # warm: a first visit, a rerun, this version's caches
    idle_rate = _idle_rate(process)
    rerun_cpu, reruns = _spent(process, idle_rate, lambda: measure(url, page, "", 1, seconds, RERUN_EVERY, 0, None))
    first_cpu, first = _spent(process, idle_rate, lambda: measure(url, page, "", FIRST_VISITS, 0, 1, 0, None))
    count = reruns["rerun_ms"]["count"]
    return {"rerun_cpu_ms": rerun_cpu * 1000 / max(count, 1),
            "first_visit_cpu_ms": first_cpu * 1000 / max(first["sessions_served"], 1),
            "rerun_p50_ms": reruns["rerun_ms"]["p50"], "reruns": count,
            "fragment_runs": reruns["fragment_runs"], "errors": reruns["errors"] + first["errors"]}


HEADER = (f"  {'page':<12} {'commit':<10} {'rerun CPU ms':>12} {'first visit CPU ms':>18} "
          f"{'rerun p50 ms':>12} {'reruns':>6} {'fragment runs':>13} {'errors':>6}")


def _row(page: str, commit: str, figures: dict) -> str:
    return (f"  {page:<12} {commit:<10} {figures['rerun_cpu_ms']:12.1f} {figures['first_visit_cpu_ms']:18.1f} "
            f"{figures['rerun_p50_ms'] or 0:12.0f} {figures['reruns']:6d} {figures['fragment_runs']:13d} "
            f"{figures['errors']:6d}")


def _ratio_row(page: str, figures: dict, baseline: dict) -> str:
    def ratio(key: str) -> str:
        return f"{figures[key] / baseline[key]:.2f}x" if baseline[key] else "-"
    return f"  {page:<12} {'ratio':<10} {ratio('rerun_cpu_ms'):>12} {ratio('first_visit_cpu_ms'):>18}"


def page_costs(warehouse_dir: Path, seconds: float, baseline: str | None = None, pages=PAGES) -> dict:
    """Print (and return) each page's CPU per rerun and per first visit, at one viewer that
    reruns the page every RERUN_EVERY seconds for `seconds`; with `baseline`, the same for that commit,
    in turn, and the ratio."""
    print(f"CPU of one rerun and one first visit of each page (one viewer, a rerun every {RERUN_EVERY:g} s for {seconds:g} s "
          f"after a warm-up; {FIRST_VISITS} first visits at once; the server's idle CPU removed)"
          + (f", this checkout beside {baseline}:" if baseline else ":"), flush=True)
    print(HEADER, flush=True)
    found: dict[str, dict] = {}
    with contextlib.ExitStack() as stack:
        servers = {THIS: stack.enter_context(streamlit_server(warehouse_dir))}
        if baseline:
            tree = stack.enter_context(worktree(baseline))
            servers[baseline] = stack.enter_context(streamlit_server(warehouse_dir, root=tree))
        processes = {name: server_process(url) for name, url in servers.items()}
        for page in pages:
            for name, url in servers.items():
                found.setdefault(page, {})[name] = costs(url, processes[name], page, seconds)
                print(_row(page, name[:10], found[page][name]), flush=True)
            if baseline:
                print(_ratio_row(page, found[page][THIS], found[page][baseline]), flush=True)
    return found
