"""Integrity flags for the staff consoles of one server, scanned in the background.

The flags worker (`python -m givingday flags --watch`) stores each version's flags once for
all servers (flag_store.py); without it, a server scans the newest version itself in one
background thread, so no console waits for the detectors.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from givingday import flag_store, integrity, queries
from givingday.event import load_event
from givingday.warehouse import Warehouse

log = logging.getLogger("givingday.staff")


class FlagScanner:
    """The detectors scan raw gifts (seconds at full scale, longer than a version lives in a
    live event), so they run in one background thread per server, always on the newest
    version, and every console shows the newest finished result at once."""

    def __init__(self, warehouse: Callable[[], Warehouse]):
        self._warehouse = warehouse
        self._lock = threading.Lock()
        self._done: tuple[int, list[dict]] | None = None
        self._tried = 0  # the newest version a scan was started for
        self._busy = False

    def latest(self, version: int) -> tuple[int | None, list[dict]]:
        """(the version the flags are of, the flags): the newest result the flags worker
        stored (flag_store.py), else this server's own background scan of `version`, started
        unless one is running or has been started for it (a failed scan is not retried)."""
        stored = flag_store.latest(self._warehouse())
        if stored is not None:
            return stored
        with self._lock:
            if version > self._tried and not self._busy:
                self._tried, self._busy = version, True
                threading.Thread(target=self._scan, args=(version,), daemon=True, name="flag-scan").start()
            return self._done if self._done else (None, [])

    def _scan(self, version: int) -> None:
        try:
            found = integrity.flags(queries.reader(self._warehouse(), version), load_event())
            with self._lock:
                self._done = (version, found)
        except Exception:  # noqa: BLE001 - keep the last result; the next version is scanned
            log.exception("integrity scan of version %s failed", version)
        finally:
            with self._lock:
                self._busy = False
