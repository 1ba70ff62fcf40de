"""A viewer whose replica dies is served again: the launcher restarts the replica and the
browser's page reconnects by itself (through nginx), then follows new versions again."""

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from givingday.browser import free_port, wait_for_app, wait_healthy
from givingday.ui import format as fmt
from tests.helpers import ROOT, at, gift, ingest, query, write

pytestmark = pytest.mark.browser


def _replica(launcher: subprocess.Popen) -> psutil.Process | None:
    for child in psutil.Process(launcher.pid).children():
        try:
            if "streamlit" in " ".join(child.cmdline()) and child.status() != psutil.STATUS_ZOMBIE:
                return child
        except psutil.Error:
            continue
    return None


def test_a_page_whose_replica_was_killed_is_served_again_within_30_seconds(browser, simulated, copy_tree, capsys):
    warehouse, inbox = copy_tree(simulated / "warehouse"), copy_tree(simulated / "inbox")
    port = free_port()
    launcher = subprocess.Popen([sys.executable, "-m", "givingday", "serve", "--replicas", "1", "--port", str(port),
                                 "--warehouse", str(warehouse)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env={**os.environ})
    url = f"http://127.0.0.1:{port}"
    try:
        assert wait_healthy(url, 120, launcher), "serve --replicas 1 did not come up"
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(f"{url}/")
        wait_for_app(page)
        victim = _replica(launcher)
        os.kill(victim.pid, signal.SIGKILL)
        killed = time.monotonic()

        project = query("board_projects", warehouse, capsys)[0]["project_id"]
        write(inbox, "donations", "donations-20220430T000000-999997.parquet",
              [gift("D-restart-1", project, 55_555_500, at(29, 23, 59, 57))])
        assert ingest(inbox, warehouse, capsys)[0] == 0
        expected = fmt.yuan(query("totals", warehouse, capsys)[0]["raised_fen"])
        page.wait_for_function("(e) => document.querySelector('.gd-hero')?.innerText === e", arg=expected,
                               timeout=30_000)
        assert time.monotonic() - killed <= 30
        assert _replica(launcher).pid != victim.pid  # restarted by the launcher
        page.close()
    finally:
        launcher.send_signal(signal.SIGTERM)
        launcher.wait(timeout=60)
