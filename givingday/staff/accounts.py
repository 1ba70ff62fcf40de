"""Staff accounts and sign-in: bcrypt hashes in the secrets file, roles (`staff` sees
pseudonymous donor keys only; `auditor` may also see nicknames), failures that back off and
lock an account for a while. `python -m givingday users add|remove|list` manages them."""

from __future__ import annotations

import time
from dataclasses import dataclass

import bcrypt

from givingday.staff.audit import audit
from givingday.staff.secrets_file import settings, users, write_accounts
from givingday.staff.state import StateFile

ROLES = ("staff", "auditor")
FAILURES = "failures.json"  # state file: failed sign-ins and locks per account


def add_user(name: str, password: str, role: str = "staff", email: str = "") -> None:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < 10:
        raise ValueError("a password needs at least 10 characters")
    accounts = users()
    accounts[name] = {"role": role, "email": email,
                      "password_hash": bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=12)).decode()}
    write_accounts(accounts)
    audit("user_added", name, {"role": role})


def remove_user(name: str) -> bool:
    accounts = users()
    if accounts.pop(name, None) is None:
        return False
    write_accounts(accounts)
    audit("user_removed", name)
    return True


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
