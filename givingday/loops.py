"""Long-running commands (`ingest --watch`, `alerts --every`) stop cleanly on a signal.

A SIGINT that lands while DuckDB runs a query does not surface as KeyboardInterrupt but as
a RuntimeError("Query interrupted") from inside the query, so catching KeyboardInterrupt
is not enough. These loops install their own handlers instead: the first SIGINT or SIGTERM
sets an event that the loop checks between rounds, so a round (an ingest pass that
publishes a version, a delivery of alerts) is never cut in the middle; a second signal
interrupts at once.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager


@contextmanager
def stop_on_signal():
    """An event set by the first SIGINT/SIGTERM; the second one raises KeyboardInterrupt."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        yield stop
        return

    def handle(signum, frame):
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
