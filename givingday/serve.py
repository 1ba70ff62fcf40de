"""`python -m givingday serve [--demo]`: run the dashboard, optionally on live demo data.

With --demo, three processes run side by side until interrupted: the simulator replaying
the event in compressed time into `data/demo/inbox`, `ingest --watch` publishing versions
into `data/demo/warehouse`, and `streamlit run server.py` reading that warehouse. The app
itself only ever reads the warehouse named by GIVINGDAY_WAREHOUSE. When the secrets name a
webhook (`[staff] webhook_url`), `alerts --deliver --every 60` runs beside them.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from givingday import storage
from givingday.event import Event, load_event
from givingday.warehouse import ENV_WAREHOUSE, Warehouse

ROOT = Path(__file__).resolve().parents[1]
DEMO_DIR = ROOT / "data" / "demo"
DEMO_LEAD = dt.timedelta(minutes=20)  # the demo goes live this long before a day's matching opens
FIRST_VERSION_TIMEOUT_S = 300
ALERT_CHECK_SECONDS = 60  # with a webhook_url in the secrets, new alerts are posted this often


def _python(*args: str) -> list[str]:
    return [sys.executable, "-m", *args]


def streamlit_command(port: int, *extra: str, root: Path = ROOT) -> list[str]:
    """One web process: the dashboard and the open-data routes (`root`/server.py) on `port`."""
    return _python("streamlit", "run", str(root / "server.py"), "--server.port", str(port),
                   "--server.headless", "true", "--browser.gatherUsageStats", "false", *extra)


def _wait_for_first_version(warehouse: Warehouse, children: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + FIRST_VERSION_TIMEOUT_S
    while warehouse.current_version() is None:
        for child in children:
            if child.poll() is not None and child.returncode != 0:
                raise SystemExit(f"givingday: demo process {child.args[3]} failed (exit {child.returncode})")
        if time.monotonic() > deadline:
            raise SystemExit("givingday: no warehouse version after 5 minutes; see the messages above")
        time.sleep(0.5)


def _in_background() -> None:
    """Staff work (the integrity scan, alert delivery) yields the CPU to the viewers' servers."""
    os.nice(10)


def _webhook_configured() -> bool:
    from givingday import staff

    return bool(staff.staff_config().get("webhook_url"))


def warehouse_for_children(warehouse) -> str:
    """The warehouse as every child process can find it: an s3:// URL as it is, a folder made
    absolute (the children run in the repository's folder, not in the caller's)."""
    return str(warehouse) if storage.is_remote(warehouse) else str(Path(warehouse).resolve())


def demo_live_from(event: Event) -> dt.datetime:
    """Just before the second day's matching rush (the first day's on a one-day event)."""
    opens = event.matching_opens()
    return opens[min(1, len(opens) - 1)] - DEMO_LEAD


def stop_on_sigterm() -> None:
    """SIGTERM, as a service manager stops a process, at any moment: raise KeyboardInterrupt,
    so the `finally` that stops the children runs (the default handler would leave them)."""
    signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def serve(demo: bool, port: int, scale: float, speed: float, warehouse: str | None,
          inbox: str | None, replicas: int = 0, max_sessions: int = 0) -> int:
    env = dict(os.environ)
    children: list[subprocess.Popen] = []
    if demo:
        live_from = demo_live_from(load_event()).isoformat()
        inbox_dir = Path(inbox) if inbox else DEMO_DIR / "inbox"
        warehouse_dir = storage.location(warehouse) if warehouse else DEMO_DIR / "warehouse"
        shutil.rmtree(inbox_dir, ignore_errors=True)
        storage.remove_tree(warehouse_dir)
        print(f"givingday: simulating the event at scale {scale} into {inbox_dir} "
              f"(live from {live_from}, {speed:g}x) and ingesting into {warehouse_dir}", flush=True)
        children.append(subprocess.Popen(_python(
            "givingday", "simulate", "--inbox", str(inbox_dir), "--scale", str(scale), "--live",
            "--speed", str(speed), "--live-from", live_from), cwd=ROOT, stdout=subprocess.DEVNULL))
        children.append(subprocess.Popen(_python(
            "givingday", "ingest", "--inbox", str(inbox_dir), "--warehouse", str(warehouse_dir),
            "--watch", "--interval", "3"), cwd=ROOT, stdout=subprocess.DEVNULL))
        _wait_for_first_version(Warehouse(warehouse_dir), children)
        env[ENV_WAREHOUSE] = warehouse_for_children(warehouse_dir)
    elif warehouse:
        env[ENV_WAREHOUSE] = warehouse_for_children(warehouse)
    # the integrity scan of each version, once, for every server (flag_store.py)
    children.append(subprocess.Popen(_python("givingday", "flags", "--watch"), cwd=ROOT, env=env,
                                     stdout=subprocess.DEVNULL, preexec_fn=_in_background))
    if _webhook_configured():
        print(f"givingday: delivering alerts to the webhook every {ALERT_CHECK_SECONDS} s", flush=True)
        children.append(subprocess.Popen(_python("givingday", "alerts", "--deliver", "--every",
                                                 str(ALERT_CHECK_SECONDS)), cwd=ROOT, env=env,
                                         stdout=subprocess.DEVNULL, preexec_fn=_in_background))
    if max_sessions:
        env["GIVINGDAY_MAX_SESSIONS"] = str(max_sessions)
    stop_on_sigterm()
    try:
        if replicas:
            from givingday.replicas import serve_replicas
            return serve_replicas(replicas, port, env)
        print(f"givingday: dashboard at http://localhost:{port}", flush=True)
        app = subprocess.Popen(streamlit_command(port), cwd=ROOT, env=env)
        children.append(app)
        return app.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
