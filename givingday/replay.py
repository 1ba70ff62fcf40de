"""`python -m givingday replay [--scale 1] [--minutes 10]`: the whole event, live, fast.

Runs the simulator's live replay of the 72 hours compressed into `--minutes`, `ingest
--watch --interval 2` publishing into a warehouse with the retention window on, a real
`streamlit run`, and the overview `/` open in Debian's chromium. It records:

- every pass's duration (the version reports, read before the retention window drops them);
- publish-to-screen latency: from a file landing in the inbox (its mtime) to the first
  moment the open overview shows a version that includes it (the stamp's data-version);
- the warehouse's size on disk and the RSS of the ingest and of the server, over time.

At the end it ingests the final inbox in one pass into a fresh warehouse, for the size
bound (the replay's warehouse should stay within 2x of it), and prints a Markdown report;
`--docs` also writes it into docs/benchmarks.md. With `--linger` it stays after the data
stops until the retention window has passed, to show the size falling back.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from givingday.measure import folder_mb, percentile, write_docs_section

ROOT = Path(__file__).resolve().parents[1]
EVENT_HOURS = 72
SAMPLE_SECONDS = 10
DOCS = ROOT / "docs" / "benchmarks.md"
DOCS_HEADING = "## 72-hour live replay"


def givingday_command(*args: str) -> list[str]:
    """`python -m givingday ARGS` with this interpreter."""
    return [sys.executable, "-m", "givingday", *args]


@dataclass
class Recording:
    passes: dict[int, float] = field(default_factory=dict)       # version -> pass seconds
    seen: dict[int, float] = field(default_factory=dict)         # version -> first time on screen
    samples: list[dict] = field(default_factory=list)
    end_of_data: int | None = None  # the sample taken when the simulator finished

    def read_reports(self, warehouse: Path) -> None:
        for path in sorted((warehouse / "reports").glob("*.json")):
            version = int(path.stem)
            if version not in self.passes:
                try:
                    self.passes[version] = json.loads(path.read_text())["duration_s"]
                except (OSError, ValueError, KeyError):
                    pass  # being written, or reclaimed

    def latencies(self, warehouse: Path) -> list[float]:
        """Seconds from each file landing to the first screen showing a version with it."""
        from givingday import queries
        from givingday.warehouse import Warehouse

        files = queries.reader(Warehouse(warehouse)).cursor().table("ingested_files").pl()
        shown = sorted(self.seen.items())
        result = []
        for row in files.filter(files["table"].is_in(["donations", "matches"])).iter_rows(named=True):
            landed = row["mtime_ns"] / 1e9
            times = [moment for version, moment in shown if version >= row["version"]]
            if times:
                result.append(max(0.0, min(times) - landed))
        return result


def replay(scale: float, minutes: float, interval: float, retention: float, docs: bool,
           workdir: Path | None, linger: bool = False) -> int:
    from playwright.sync_api import sync_playwright

    from givingday.browser import CHROMIUM, CHROMIUM_ARGS, server_process, streamlit_server, wait_for_app

    root = Path(workdir or tempfile.mkdtemp(prefix="givingday-replay-"))
    inbox, warehouse = root / "inbox", root / "warehouse"
    for folder in (inbox, warehouse, root / "single-pass"):
        shutil.rmtree(folder, ignore_errors=True)
    speed = EVENT_HOURS * 3600 / (minutes * 60)
    simulator = subprocess.Popen(givingday_command("simulate", "--inbox", str(inbox), "--scale", str(scale), "--live",
                                         "--speed", f"{speed:.3f}"), cwd=ROOT, stdout=subprocess.DEVNULL)
    ingest = subprocess.Popen(givingday_command("ingest", "--inbox", str(inbox), "--warehouse", str(warehouse), "--watch",
                                      "--interval", str(interval), "--retention-minutes", str(retention)),
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    recording = Recording()
    started = time.monotonic()
    try:
        while not (warehouse / "CURRENT").exists():
            time.sleep(0.2)
        with streamlit_server(warehouse) as url, sync_playwright() as playwright:
            server = server_process(url)
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(url + "/")
            wait_for_app(page)
            print(f"replay: the 72 hours at scale {scale:g} in {minutes:g} min ({speed:.0f}x), "
                  f"ingest --watch --interval {interval:g}, retention {retention:g} min, in {root}", flush=True)
            next_sample, quiet_since = time.monotonic(), None
            while True:
                _look(page, recording)
                if time.monotonic() >= next_sample:
                    recording.read_reports(warehouse)
                    recording.samples.append(_sample(started, warehouse, ingest, server))
                    _print_sample(recording.samples[-1])
                    next_sample += SAMPLE_SECONDS
                if simulator.poll() is not None:  # the event is over: let the last files land
                    if quiet_since is None:
                        quiet_since = time.monotonic()
                        recording.end_of_data = len(recording.samples)
                    # with --linger, stay until the retention window has passed over the last version
                    stay = 3 * SAMPLE_SECONDS + (retention * 60 + 2 * SAMPLE_SECONDS + 30 if linger else 0)
                    if time.monotonic() - quiet_since > stay:
                        break
                time.sleep(0.25)
            recording.read_reports(warehouse)
            browser.close()
    finally:
        for child in (simulator, ingest):
            if child.poll() is None:
                child.terminate()
                child.wait(timeout=30)
    single = root / "single-pass"
    subprocess.run(givingday_command("ingest", "--inbox", str(inbox), "--warehouse", str(single)), cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)
    text = _report(recording, recording.latencies(warehouse), folder_mb(warehouse), folder_mb(single),
                   scale, minutes, interval, retention, speed)
    print(text)
    if docs:
        write_docs_section(DOCS, DOCS_HEADING, text)
    if workdir is None:
        shutil.rmtree(root, ignore_errors=True)
    return 0


def _look(page, recording: Recording) -> None:
    """Note the first moment the open overview shows each version."""
    try:
        shown = page.evaluate("() => document.querySelector('.gd-stamp')?.dataset.version || ''")
    except Exception:  # noqa: BLE001 - the page is between renders
        return
    if shown.isdigit() and int(shown) not in recording.seen:
        recording.seen[int(shown)] = time.time()


def _rss_mb(process) -> float:
    try:
        return psutil.Process(process.pid).memory_info().rss / 2**20
    except psutil.Error:
        return float("nan")


def _sample(started: float, warehouse: Path, ingest, server) -> dict:
    version = (warehouse / "CURRENT").read_text().strip() if (warehouse / "CURRENT").exists() else ""
    return {"minute": (time.monotonic() - started) / 60, "version": version,
            "warehouse_mb": folder_mb(warehouse), "ingest_rss_mb": _rss_mb(ingest),
            "server_rss_mb": _rss_mb(server)}


def _print_sample(sample: dict) -> None:
    print(f"  {sample['minute']:6.1f} min  version {sample['version']:>6}  warehouse {sample['warehouse_mb']:8.1f} MB  "
          f"ingest RSS {sample['ingest_rss_mb']:7.1f} MB  server RSS {sample['server_rss_mb']:7.1f} MB", flush=True)


def _report(recording: Recording, latencies: list[float], final_mb: float, single_mb: float, scale: float,
            minutes: float, interval: float, retention: float, speed: float) -> str:
    passes = list(recording.passes.values())
    lines = [
        f"`python -m givingday replay --scale {scale:g} --minutes {minutes:g}` "
        f"({dt.date.today().isoformat()}): the 72 hours at {speed:.0f}x, `ingest --watch --interval {interval:g}`, "
        f"retention {retention:g} min, the overview open in chromium.",
        "",
        "| minute | version | warehouse MB | ingest RSS MB | server RSS MB |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    step = max(1, len(recording.samples) // 20)
    for sample in recording.samples[::step] + recording.samples[-1:]:
        lines.append(f"| {sample['minute']:.1f} | {sample['version']} | {sample['warehouse_mb']:.1f} | "
                     f"{sample['ingest_rss_mb']:.0f} | {sample['server_rss_mb']:.0f} |")
    rss = [s["ingest_rss_mb"] for s in recording.samples]
    fifth = max(1, len(rss) // 5)
    lines += [
        "",
        f"- passes: {len(passes)}; duration p50 {_seconds(percentile(passes, 0.5))}, p95 {_seconds(percentile(passes, 0.95))}, "
        f"max {max(passes, default=float('nan')):.2f} s",
        f"- file landed -> on the open overview: {len(latencies)} files, p50 {_seconds(percentile(latencies, 0.5))}, "
        f"p95 {_seconds(percentile(latencies, 0.95))}, max {max(latencies, default=float('nan')):.1f} s "
        f"({len(recording.seen)} versions seen on screen)",
        f"- a single-pass ingest of the same inbox: {single_mb:.0f} MB. The replay's warehouse: largest "
        f"{_largest(recording.samples):.0f} MB (ratio {_largest(recording.samples) / single_mb:.2f}), "
        f"when the data stopped {_at_end(recording):.0f} MB ({_at_end(recording) / single_mb:.2f}), "
        f"at the end {final_mb:.0f} MB ({final_mb / single_mb:.2f})",
        f"- ingest RSS: first fifth {statistics.mean(rss[:fifth]):.0f} MB, last fifth {statistics.mean(rss[-fifth:]):.0f} MB, "
        f"max {max(rss, default=0):.0f} MB",
    ]
    return "\n".join(lines)


def _seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} s"


def _largest(samples: list[dict]) -> float:
    return max((s["warehouse_mb"] for s in samples), default=0.0)


def _at_end(recording: Recording) -> float:
    index = recording.end_of_data if recording.end_of_data is not None else len(recording.samples)
    return recording.samples[max(0, index - 1)]["warehouse_mb"] if recording.samples else 0.0
