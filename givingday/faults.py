"""Named points of the live loop where a crash test kills the process, as `kill -9` would.

    GIVINGDAY_CRASH_AT=rollups_written python -m givingday ingest ...

makes the process SIGKILL itself when it reaches that point (nothing is flushed, no handler
runs). Unset, a point costs one dictionary look-up. The points, in the order a pass meets them:
"""

from __future__ import annotations

import os
import signal

ENV_CRASH_AT = "GIVINGDAY_CRASH_AT"
POINTS = (
    "ledger_written",      # new rows appended to the Delta tables, nothing published
    "rollups_written",     # rollups written, the register's changes not committed
    "manifest_written",    # versions/N.json written, CURRENT not yet renamed
    "version_published",   # CURRENT renamed, the register's changes not yet committed
    "versions_reclaimed",  # old manifests deleted, their files not yet vacuumed
)


def point(name: str) -> None:
    if os.environ.get(ENV_CRASH_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)
