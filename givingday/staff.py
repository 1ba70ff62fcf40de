"""Staff accounts, sign-in with lock-out, and the audit log (no outside service needed).

Accounts live in `.streamlit/secrets.toml` (or $GIVINGDAY_SECRETS) under `[staff.users.NAME]`
with a bcrypt `password_hash` and a `role` (`staff` sees pseudonymous donor keys only;
`auditor` may also see nicknames). `python -m givingday users add|remove|list` manages them.
Failed sign-ins back off and lock the account for a while; every sign-in, failure, lock,
acknowledgement and review goes to an append-only JSON-lines audit log (never a password).
Failure counts, alert acknowledgements and flag reviews are small JSON files in the state
folder ($GIVINGDAY_STAFF_STATE, default data/staff), safe for several servers on one host.
"""

from __future__ import annotations

import copy
import datetime as dt
import fcntl
import functools
import json
import os
import time
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import bcrypt

ROLES = ("staff", "auditor")
DEFAULTS = {"max_failures": 5, "lock_minutes": 15, "session_minutes": 480}
FAILURES = "failures.json"  # state file: failed sign-ins and locks per account
ALLOW_LISTS = ("allowed_emails", "allowed_domains", "auditor_emails", "webhook_url", "webhook_format")


def secrets_path() -> Path:
    return Path(os.environ.get("GIVINGDAY_SECRETS") or ".streamlit/secrets.toml")


def state_dir() -> Path:
    return _made(os.environ.get("GIVINGDAY_STAFF_STATE") or "data/staff")


@functools.cache
def _made(folder: str) -> Path:
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _read_secrets() -> dict:
    path = secrets_path()
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def staff_config() -> dict:
    """The whole [staff] table of the secrets file (webhook_url, allow-lists, limits)."""
    return dict(_read_secrets().get("staff", {}))


def settings() -> dict:
    return {**DEFAULTS, **{k: v for k, v in _read_secrets().get("staff", {}).items() if k in DEFAULTS}}


def oidc_configured() -> bool:
    """An OpenID Connect provider is configured for st.login (an [auth] table in the secrets)."""
    auth = _read_secrets().get("auth", {})
    return bool(auth.get("client_id") and auth.get("server_metadata_url"))


def oidc_allowed(email: str | None) -> str | None:
    """The role of an e-mail on the allow-list ([staff] allowed_emails / allowed_domains), or None."""
    if not email:
        return None
    config = _read_secrets().get("staff", {})
    email = email.lower()
    if email in [e.lower() for e in config.get("auditor_emails", [])]:
        return "auditor"
    domain = email.rsplit("@", 1)[-1]
    if email in [e.lower() for e in config.get("allowed_emails", [])] or \
            domain in [d.lower().lstrip("@") for d in config.get("allowed_domains", [])]:
        return "staff"
    return None


def users() -> dict[str, dict]:
    return dict(_read_secrets().get("staff", {}).get("users", {}))


def _toml_value(value) -> str:
    return json.dumps(value) if isinstance(value, str) else str(value)


def _write_users(accounts: dict[str, dict]) -> None:
    """Rewrite the [staff] tables of the secrets file, keeping every other table as it was."""
    path = secrets_path()
    kept = []
    if path.is_file():
        skipping = False
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("["):
                skipping = line.strip().startswith("[staff")
            if not skipping:
                kept.append(line)
    current = _read_secrets().get("staff", {})
    lines = [*kept, "", "[staff]"] + [f"{k} = {_toml_value(v)}" for k, v in settings().items()]
    lines += [f"{k} = {json.dumps(current[k])}" for k in ALLOW_LISTS if k in current]
    for name, account in sorted(accounts.items()):
        lines += ["", f"[staff.users.{json.dumps(name)}]"] + [f"{k} = {_toml_value(v)}" for k, v in account.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text("\n".join(lines).strip() + "\n", encoding="utf-8")
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def add_user(name: str, password: str, role: str = "staff", email: str = "") -> None:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < 10:
        raise ValueError("a password needs at least 10 characters")
    accounts = users()
    accounts[name] = {"role": role, "email": email,
                      "password_hash": bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=12)).decode()}
    _write_users(accounts)
    audit("user_added", name, {"role": role})


def remove_user(name: str) -> bool:
    accounts = users()
    if accounts.pop(name, None) is None:
        return False
    _write_users(accounts)
    audit("user_removed", name)
    return True


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


class StateFile:
    """A small JSON document in the staff state folder, shared by the threads of one server and
    by several server processes on one host: readers see whole files (written aside, then
    renamed), and read-modify-write updates are serialised by an exclusive lock (flock)."""

    FRESH_S = 0.25  # another process's write is seen within this long
    _parsed: dict[Path, tuple[float, tuple, dict]] = {}  # path -> (checked at, inode/mtime/size, document)

    def __init__(self, name: str):
        self.path = state_dir() / name

    def read(self) -> dict:
        """The document (a copy). Screens read the director's orders every second, so the
        file is looked at no more than 4 times a second and parsed only when it changed."""
        now = time.monotonic()
        known = self._parsed.get(self.path)
        if known is not None and now - known[0] < self.FRESH_S:
            return copy.deepcopy(known[2])
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._parsed.pop(self.path, None)
            return {}
        stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        document = known[2] if known is not None and known[1] == stamp else \
            json.loads(self.path.read_text(encoding="utf-8"))
        self._parsed[self.path] = (now, stamp, document)
        return copy.deepcopy(document)

    @contextmanager
    def update(self):
        with open(self.path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._parsed.pop(self.path, None)  # under the lock: the file as it is now
            document = self.read()
            try:
                yield document
            finally:  # what was changed before an error is kept (e.g. alerts already delivered)
                temporary = self.path.with_suffix(".tmp")
                temporary.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
                os.replace(temporary, self.path)
                self._parsed.pop(self.path, None)


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


@dataclass(frozen=True)
class SignIn:
    ok: bool
    user: str | None = None
    role: str | None = None
    message: str = ""


def locked_until(name: str) -> float:
    return StateFile(FAILURES).read().get(name, {}).get("locked_until", 0)


def sign_in(name: str, password: str) -> SignIn:
    """Check a password; count failures, back off, lock after too many; audit everything."""
    config = settings()
    until = locked_until(name)
    if until > time.time():
        audit("sign_in_refused_locked", name)
        return SignIn(False, message=f"locked: try again in {int((until - time.time()) // 60) + 1} min")
    account = users().get(name)
    valid = account is not None and bcrypt.checkpw(password.encode(), account["password_hash"].encode())
    with StateFile(FAILURES).update() as failures:
        if valid:
            failures.pop(name, None)
        else:
            entry = failures.get(name, {"count": 0, "locked_until": 0})
            entry["count"] += 1
            locked = entry["count"] >= config["max_failures"]
            failures[name] = {"count": 0, "locked_until": time.time() + config["lock_minutes"] * 60} \
                if locked else entry
    if valid:
        audit("sign_in", name, {"role": account["role"]})
        return SignIn(True, name, account["role"])
    if locked:
        audit("account_locked", name, {"minutes": config["lock_minutes"]})
    audit("sign_in_failed", name)
    time.sleep(min(0.25 * entry["count"], 2.0))  # back off a little more with each failure
    return SignIn(False, message="wrong name or password")
