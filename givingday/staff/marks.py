"""What staff mark: alert acknowledgements (the first stands) and flag reviews with a note."""

from __future__ import annotations

import datetime as dt

from givingday.staff.audit import audit
from givingday.staff.state import StateFile


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def acknowledgements() -> dict[str, dict]:
    """Alert key -> who acknowledged it and when."""
    return StateFile("acks.json").read()


def acknowledge(alert_key: str, user: str) -> None:
    with StateFile("acks.json").update() as acks:
        if alert_key in acks:
            return  # the first acknowledgement stands
        acks[alert_key] = {"by": user, "at": _now_iso()}
    audit("alert_acknowledged", user, {"alert": alert_key})


def reviews() -> dict[str, dict]:
    """Flag key -> who reviewed it, when, and their note."""
    return StateFile("reviews.json").read()


def review(flag_key: str, user: str, note: str) -> None:
    with StateFile("reviews.json").update() as marks:
        marks[flag_key] = {"by": user, "note": note, "at": _now_iso()}
    audit("flag_reviewed", user, {"flag": flag_key, "note": note})
