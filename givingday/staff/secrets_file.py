"""The secrets file (.streamlit/secrets.toml or $GIVINGDAY_SECRETS): the [staff] settings,
allow-lists and accounts, and the one writer that rewrites its [staff] tables."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

DEFAULTS = {"max_failures": 5, "lock_minutes": 15, "session_minutes": 480}
ALLOW_LISTS = ("allowed_emails", "allowed_domains", "auditor_emails", "webhook_url", "webhook_format")


def secrets_path() -> Path:
    return Path(os.environ.get("GIVINGDAY_SECRETS") or ".streamlit/secrets.toml")


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


def write_accounts(accounts: dict[str, dict]) -> None:
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
