"""The append-only audit log: every sign-in, failure, lock, acknowledgement, review and
director's order, as JSON lines in the state folder (never a password)."""

from __future__ import annotations

import datetime as dt
import json

from givingday.staff.state import state_dir


def audit(event: str, user: str | None, detail: dict | None = None) -> None:
    record = {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "event": event,
              "user": user, **({"detail": detail} if detail else {})}
    with open(state_dir() / "audit.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False) + "\n")


def audit_log(limit: int = 200) -> list[dict]:
    path = state_dir() / "audit.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[-limit:]][::-1]
