"""The wall clock, in the event's zone, with a rehearsal offset.

`GIVINGDAY_NOW=2022-04-27T19:55:00+08:00` starts this process's clock at that moment and lets
it run on from there, so a crew can rehearse the light-show evening (countdown, milestones,
playlists) on any day. Without it, the clock is the real one.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from functools import cache
from zoneinfo import ZoneInfo


@cache
def _offset_seconds(setting: str) -> float:
    if not setting:
        return 0.0
    target = dt.datetime.fromisoformat(setting)
    if target.tzinfo is None:
        raise ValueError(f"GIVINGDAY_NOW={setting!r} needs a UTC offset")
    return target.timestamp() - time.time()


def seconds() -> float:
    """Seconds since the epoch on this clock (the rotation of the big screens runs on it)."""
    return time.time() + _offset_seconds(os.environ.get("GIVINGDAY_NOW", ""))


def now(tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds(), tz)
