"""Each version's integrity flags, computed once by one worker and read by every server.

The detectors read raw gifts: 6.6 s of CPU per version at scale 1, 104 s at scale 20. Run in
every web process, they would compete with the viewers all event long. So one worker beside
the ingest (`python -m givingday flags --watch`, started by `serve`) scans each newest version
and stores the result in the warehouse (`flags/N.json`, `flags/LATEST`, written atomically,
on disk or S3); the staff consoles of all replicas read the newest stored result. Without a
worker (no stored result yet), a console scans in its own background thread as before.
"""

from __future__ import annotations

import json
import logging

from givingday import storage
from givingday.event import Event
from givingday.loops import stop_on_signal
from givingday.warehouse import Warehouse

KEEP = 5  # stored results kept (the newest few versions)
log = logging.getLogger(__name__)


def _folder(warehouse: Warehouse):
    return warehouse.root / "flags"


def latest(warehouse: Warehouse) -> tuple[int, list[dict]] | None:
    """(version, flags) of the newest stored scan; None when no worker has stored one."""
    folder = _folder(warehouse)
    try:
        version = int(storage.read_text(folder / "LATEST").strip())
        return version, json.loads(storage.read_text(folder / f"{version:06d}.json"))
    except (OSError, ValueError):
        return None


def store(warehouse: Warehouse, version: int, found: list[dict]) -> None:
    folder = _folder(warehouse)
    folder.mkdir(parents=True, exist_ok=True)
    storage.atomic_write_text(folder / f"{version:06d}.json", json.dumps(found, ensure_ascii=False, default=str))
    storage.atomic_write_text(folder / "LATEST", f"{version}\n")
    stored = sorted(p for p in folder.glob("*.json") if p.stem.isdigit())
    for old in stored[:-KEEP]:
        old.unlink(missing_ok=True)


def watch(warehouse: Warehouse, event: Event, interval: float) -> None:
    """Scan each newest version once, until SIGINT/SIGTERM (between scans)."""
    from givingday import integrity, queries

    scanned = (latest(warehouse) or (0, []))[0]
    with stop_on_signal() as stop:
        while not stop.is_set():
            version = warehouse.current_version()
            if version is not None and version > scanned:
                try:
                    store(warehouse, version, integrity.flags(queries.reader(warehouse, version), event))
                except Exception:  # noqa: BLE001 - keep the last result; try the next version
                    log.exception("integrity scan of version %s failed", version)
                scanned = version
            stop.wait(interval)
