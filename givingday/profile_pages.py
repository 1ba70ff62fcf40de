"""Where a page's server CPU goes, in shares: `python -m givingday profile --warehouse DIR`.

For each public page and the big screen, one server on the warehouse is sampled by py-spy
(a dev requirement; it reads the process from outside, so the server runs unchanged) while
a crowd reruns the page (`--sessions` viewers, a rerun every 2 s, after a warm-up), and
again while as many new viewers arrive at once (their first runs). Each sample of a running
thread is put in the task its stack shows (TASKS: queries, charts, maps, fingerprints), else
in the layer the CPU was in, nearest the leaf (LAYERS). The report gives each one's share,
so "what to cut" reads off a table. Shares carry between machines; the CPU itself is
`bench`'s job.
"""

from __future__ import annotations

import collections
import functools
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from givingday.bench_pages import PAGES
from givingday.browser import server_process, streamlit_server
from givingday.loadtest import measure

RATE = 100  # samples a second
# Work that shows itself anywhere in a stack (it calls into the libraries below): the first
# that matches names the sample.
TASKS = (
    ("named queries (DuckDB)", ("duckdb", "run_sql")),
    ("charts (Altair / Vega-Lite specs)", ("altair", "/ui/charts.py")),
    ("maps (pydeck)", ("pydeck", "/ui/maps.py")),
    ("fingerprints of frames (memo)", ("fingerprint", "hash_rows")),
)
STREAMLIT = "Streamlit elements and session"
OURS = ("givingday/", "pages/", "server.py", "app.py")  # frames of our code
# Otherwise the layer the CPU was in: the frame nearest the leaf that belongs to one
LAYERS = (
    ("tables (Arrow, pandas)", ("pyarrow", "pandas", "dataframe_util")),
    ("polars", ("polars",)),
    ("protobuf: building and sending the page's messages", ("protobuf", "SerializeToString", "forward_msg",
                                                            "websocket", "uvicorn", "starlette")),
    (STREAMLIT, ("streamlit/",)),
    ("our page code (HTML, formatting, i18n)", OURS),
)
OTHER = "other (interpreter, Streamlit's event loop)"
ENTRIES_SHOWN = 4  # the Streamlit calls of our code that cost most, under the Streamlit line


def _shows(text: str, needles: tuple[str, ...]) -> bool:
    return any(needle in text for needle in needles)


def kind_of(stack: str) -> str:
    for kind, needles in TASKS:
        if _shows(stack, needles):
            return kind
    for frame in reversed(stack.split(";")):
        for kind, needles in LAYERS:
            if _shows(frame, needles):
                return kind
    return OTHER


def streamlit_call(stack: str) -> str:
    """The Streamlit function our code called on the way to this sample (`st.html`,
    `st.dataframe`, ...): the first Streamlit frame after our last one."""
    frames = stack.split(";")
    ours = [n for n, frame in enumerate(frames) if _shows(frame, OURS)]
    if not ours:
        return "(Streamlit's own work: its server, its watchers)"
    for frame in frames[ours[-1] + 1:]:
        if "streamlit/" in frame and "metrics_util.py" not in frame:  # the usage-metrics wrapper of every st.*
            return frame.split(":")[0].split("site-packages/")[-1] + ")"
    return "(no Streamlit frame)"


def shares(raw: Path) -> tuple[int, dict[str, float], dict[str, float]]:
    """py-spy's raw (collapsed) output: the sample count, each kind's share of it, and the
    share of it of each Streamlit call of ours in the Streamlit layer's samples."""
    counts: collections.Counter[str] = collections.Counter()
    calls: collections.Counter[str] = collections.Counter()
    for line in raw.read_text().splitlines():
        stack, _, number = line.rpartition(" ")
        if stack and number.isdigit():
            kind = kind_of(stack)
            counts[kind] += int(number)
            if kind == STREAMLIT:
                calls[streamlit_call(stack)] += int(number)
    total = sum(counts.values())
    if not total:
        return 0, {}, {}
    return total, {kind: counts[kind] / total for kind in counts}, {call: calls[call] / total for call in calls}


def _py_spy() -> str:
    found = Path(sys.executable).with_name("py-spy")
    if not found.exists():
        raise SystemExit("givingday profile: py-spy is missing; it is in requirements-dev.txt (./dev test installs it)")
    return str(found)


def _sampled(pid: int, seconds: float, work) -> tuple[int, dict[str, float], dict[str, float]]:
    """Sample the server for `seconds` while `work()` runs beside."""
    with tempfile.TemporaryDirectory(prefix="givingday-profile-") as folder:
        raw = Path(folder) / "samples.txt"
        spy = subprocess.Popen([_py_spy(), "record", "--pid", str(pid), "--rate", str(RATE), "--duration",
                                str(int(seconds)), "--format", "raw", "--output", str(raw), "--nonblocking"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        crowd = threading.Thread(target=work, daemon=True)
        crowd.start()
        _, error = spy.communicate(timeout=seconds + 120)
        crowd.join(timeout=seconds + 120)
        if spy.returncode or not raw.exists():
            raise SystemExit(f"givingday profile: py-spy could not sample pid {pid}: {error.strip()[-500:]}")
        return shares(raw)


def profile(warehouse: Path, pages=PAGES, sessions: int = 20, seconds: float = 20) -> dict:
    """Print (and return) each page's shares, for reruns and for first runs."""
    found: dict[str, dict] = {}
    with streamlit_server(warehouse) as url:
        pid = server_process(url).pid
        print(f"profile: {url}, warehouse {warehouse}; py-spy at {RATE}/s of the server's running threads", flush=True)
        for page in pages:
            measure(url, page, "", 1, 0, 1, 0, None, reruns=1)  # warm: this version's figures are made
            reruns = _sampled(pid, seconds, functools.partial(measure, url, page, "", sessions, seconds, 2, 0, None))
            firsts = _sampled(pid, min(seconds, 10), functools.partial(measure, url, page, "", sessions, 0, 1, 0, None))
            found[page] = {"reruns": reruns, "first runs": firsts}
            for what, (samples, share, calls) in found[page].items():
                print(f"\n{page} — {what} of {sessions} viewers ({samples} samples)", flush=True)
                for kind, part in sorted(share.items(), key=lambda item: -item[1]):
                    print(f"  {part * 100:5.1f}%  {kind}", flush=True)
                    if kind == STREAMLIT:
                        for call, of_all in sorted(calls.items(), key=lambda item: -item[1])[:ENTRIES_SHOWN]:
                            print(f"           {of_all * 100:5.1f}%  {call}", flush=True)
    return found
