"""`python -m givingday soak [--minutes 30]`: the big screen for a long time, with live data.

Starts the simulator's live replay, `ingest --watch` and a real `streamlit run`, opens
/bigscreen in Debian's chromium with a fast rotation, and every interval samples the page's
JS heap (Chrome DevTools Protocol) and the server's RSS. Prints the samples and the change
between the first and the last fifth of the run, so flat memory can be read off.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _python(*args: str) -> list[str]:
    return [sys.executable, "-m", *args]


def soak(minutes: float, interval: float, rotate: float, scale: float) -> int:
    from playwright.sync_api import sync_playwright

    from givingday.browser import CHROMIUM, CHROMIUM_ARGS, server_process, streamlit_server, wait_for_app

    root = Path(tempfile.mkdtemp(prefix="givingday-soak-"))
    inbox, warehouse = root / "inbox", root / "warehouse"
    speed = 72 * 3600 / max(minutes * 60, 60)  # the whole event replays over the soak
    helpers = [
        subprocess.Popen(_python("givingday", "simulate", "--inbox", str(inbox), "--scale", str(scale), "--live",
                                 "--speed", f"{speed:.0f}"), cwd=ROOT, stdout=subprocess.DEVNULL),
        subprocess.Popen(_python("givingday", "ingest", "--inbox", str(inbox), "--warehouse", str(warehouse),
                                 "--watch", "--interval", "2"), cwd=ROOT, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL),
    ]
    samples = []
    try:
        while not (warehouse / "CURRENT").exists():
            time.sleep(0.5)
        with streamlit_server(warehouse) as url, sync_playwright() as playwright:
            server = server_process(url)
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(f"{url}/bigscreen?rotate={rotate:g}")
            wait_for_app(page)
            cdp = page.context.new_cdp_session(page)
            started = time.monotonic()
            print(f"soak: {minutes:g} min, sample every {interval:g} s, rotation {rotate:g} s, live replay at "
                  f"{speed:.0f}x, scale {scale:g}")
            print(f"{'minute':>7} {'JS heap MB':>11} {'server RSS MB':>14} {'version':>8}")
            while time.monotonic() - started < minutes * 60:
                cdp.send("HeapProfiler.collectGarbage")
                heap = cdp.send("Runtime.getHeapUsage")["usedSize"] / 2**20
                rss = server.memory_info().rss / 2**20
                version = (warehouse / "CURRENT").read_text().strip()
                elapsed = (time.monotonic() - started) / 60
                samples.append((elapsed, heap, rss))
                print(f"{elapsed:7.1f} {heap:11.1f} {rss:14.1f} {version:>8}", flush=True)
                time.sleep(interval)
            browser.close()
    finally:
        for helper in helpers:
            helper.terminate()
        shutil.rmtree(root, ignore_errors=True)
    fifth = max(1, len(samples) // 5)
    for label, column in (("JS heap", 1), ("server RSS", 2)):
        first = statistics.mean(s[column] for s in samples[:fifth])
        last = statistics.mean(s[column] for s in samples[-fifth:])
        print(f"{label}: first fifth {first:.1f} MB, last fifth {last:.1f} MB, change {last - first:+.1f} MB "
              f"({(last - first) / first * 100:+.1f}%)")
    return 0
