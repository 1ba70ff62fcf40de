"""The open data's throughput, measured with wrk (Debian's package, installed by ./dev).

For /api/v1/live.json and /api/v1/projects.json (stored answers) and the 304 path
(If-None-Match with the current ETag), asked with Accept-Encoding as a browser asks (and
projects.json also without, as wrk asks by itself): requests/s and latency from one server process, the
same while 20 dashboard sessions re-run their page, and through nginx with proxy_cache
(`serve --replicas 1`). Also the first answer of each route after a version (nothing stored).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from givingday.browser import free_port, streamlit_server, wait_healthy
from givingday.serve import ROOT

CONNECTIONS = 50
SESSIONS = 20
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}  # as every browser asks ("none": as wrk asks by itself)
TARGETS = {"rps": 2_000, "p99_ms": 50, "nginx_rps": 10_000, "first_ms": 100, "of_health": 0.8}


def _wrk(url: str, seconds: float, headers: dict[str, str] | None = None) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) of wrk with CONNECTIONS connections on 2 threads."""
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds:g}s", "--latency", url]
    for name, value in (headers or {}).items():
        command[1:1] = ["-H", f"{name}: {value}"]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    return rps, _latency(text, "50%"), _latency(text, "99%")


def _latency(text: str, share: str) -> float:
    value, unit = re.search(rf"^\s+{re.escape(share)}\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _etag(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.headers["ETag"]


def _cases(base: str, seconds: float, label: str) -> None:
    """Each route's throughput beside the same server's own health check (`/_stcore/health`,
    the cheapest answer the stack gives), measured just before: the ratio is the figure that
    carries from machine to machine."""
    health, p50, p99 = _wrk(f"{base}/_stcore/health", seconds)
    print(f"  {label:<24} {'_stcore/health':<14} 200 {'':<4} {health:9,.0f} req/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms",
          flush=True)
    for route, asked in (("live.json", BROWSER), ("projects.json", BROWSER), ("projects.json", {})):
        url = f"{base}/api/v1/{route}"
        _etag(url)  # stored
        rps, p50, p99 = _wrk(url, seconds, asked)
        print(f"  {label:<24} {route:<14} 200 {'gzip' if asked else 'none':<4} {rps:9,.0f} req/s  p50 {p50:6.2f} ms  "
              f"p99 {p99:6.2f} ms  {rps / health:.2f}x health  [target: >= {TARGETS['of_health']:.2f}x]", flush=True)
    rps, p50, p99 = _wrk(f"{base}/api/v1/live.json", seconds,
                         {**BROWSER, "If-None-Match": _etag(f"{base}/api/v1/live.json")})
    print(f"  {label:<24} {'live.json':<14} 304 gzip {rps:9,.0f} req/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  "
          f"{rps / health:.2f}x health", flush=True)


def _first_answers(base: str) -> None:
    """Each route's first answer (nothing stored yet on this fresh server), in ms."""
    from givingday.api.answers import ROUTES

    times = {}
    for path in [*(f"{name}.json" for name in ROUTES), "live.json", "versions/current.json"]:
        started = time.perf_counter()
        urllib.request.urlopen(f"{base}/api/v1/{path}", timeout=60).read()
        times[path] = (time.perf_counter() - started) * 1000
    slowest = max(times, key=times.get)
    print(f"  first answer after a version: slowest {slowest} {times[slowest]:.1f} ms, median "
          f"{sorted(times.values())[len(times) // 2]:.1f} ms  [target: <= {TARGETS['first_ms']} ms at scale 1]",
          flush=True)


def api_throughput(warehouse_dir: Path, seconds: float) -> None:
    if not shutil.which("wrk"):
        print("api throughput: wrk is missing (./dev installs Debian's wrk)")
        return
    from givingday.loadtest import measure

    print(f"open data over HTTP (wrk, {CONNECTIONS} connections, {seconds:g} s each)  [targets: >= "
          f"{TARGETS['rps']:,} req/s at p99 <= {TARGETS['p99_ms']} ms from one process; >= "
          f"{TARGETS['nginx_rps']:,} through nginx]")
    with streamlit_server(warehouse_dir) as url:
        _first_answers(url)
        _cases(url, seconds, "one process")
        crowd = threading.Thread(target=measure, args=(url, "/", "", SESSIONS, seconds * 3 + 10, 10, 2, None))
        crowd.start()
        time.sleep(8)  # the sessions are in
        _cases(url, seconds, f"with {SESSIONS} sessions")
        crowd.join()
    for label, extra in (("serve (its workers on)", []), ("nginx proxy_cache", ["--replicas", "1"])):
        port = free_port()
        launcher = subprocess.Popen([sys.executable, "-m", "givingday", "serve", *extra, "--port", str(port),
                                     "--warehouse", str(warehouse_dir)], cwd=ROOT, stdout=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            if not wait_healthy(base, 90, launcher):
                raise RuntimeError(f"serve {' '.join(extra)} did not come up")
            _cases(base, seconds, label)
        finally:
            launcher.terminate()
            launcher.wait(timeout=60)
