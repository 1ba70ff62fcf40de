"""A real `streamlit run` on a free local port, and Debian's chromium driven by Playwright
(for the browser tests and the big-screen soak)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from givingday.serve import streamlit_command

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(process: subprocess.Popen, within_s: float = 10) -> None:
    """SIGTERM, and SIGKILL if it has not exited within `within_s`."""
    process.terminate()
    try:
        process.wait(timeout=within_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_healthy(url: str, seconds: float, process: subprocess.Popen | None = None) -> bool:
    """Whether `url` answers its health check within `seconds` (False at once if `process` exits)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return True
        except OSError:
            pass
        if process is not None and process.poll() is not None:
            return False
        time.sleep(0.3)
    return False


_RUNNING: dict[str, int] = {}  # base URL -> pid of the `streamlit run` that streamlit_server started


def server_process(url: str):
    """The `streamlit run` process behind a URL that `streamlit_server` yielded (for its CPU
    and RSS)."""
    import psutil

    return psutil.Process(_RUNNING[url])


@contextlib.contextmanager
def streamlit_server(warehouse: Path, extra_env: dict | None = None, port: int | None = None,
                     extra_args: list[str] | None = None, root: Path = ROOT):
    """Start the web server (`streamlit run server.py`, of the checkout at `root`) on a (free)
    port; yield its base URL; stop it.

    Its output goes to a file, never to a pipe nobody reads: a server that logs (a failed
    read, a warning per rerun) would fill the pipe's 64 KB and then block on its next log
    line, every session with it."""
    port = port or free_port()
    env = {**os.environ, "GIVINGDAY_WAREHOUSE": str(warehouse), **(extra_env or {})}
    with tempfile.TemporaryFile("w+", prefix="streamlit-", suffix=".log") as log:
        process = subprocess.Popen(
            streamlit_command(port, "--server.address", "127.0.0.1", *(extra_args or []), root=root),
            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
        url = f"http://127.0.0.1:{port}"
        try:
            if not wait_healthy(url, 60, process):
                log.seek(0)
                raise RuntimeError(f"streamlit did not start: {log.read()[-4000:]}")
            _RUNNING[url] = process.pid
            yield url
        finally:
            _RUNNING.pop(url, None)
            stop(process, within_s=15)


def wait_for_app(page, timeout_ms: int = 60_000) -> None:
    """As Streamlit's own e2e tests do: connected, and the script has finished running."""
    page.wait_for_selector("[data-testid=stApp][data-test-connection-state=CONNECTED]", timeout=timeout_ms)
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=timeout_ms)
    page.wait_for_timeout(800)  # charts and maps draw after the script ends
