"""The staff console: nothing before sign-in, lock-out after wrong passwords, an audit log,
the console after a correct sign-in; accounts managed on the command line."""

import json
import os

import pytest
from streamlit.testing.v1 import AppTest

from givingday import staff
from tests.golden.test_named_queries import build_fixture_inbox
from tests.helpers import ROOT, ingest, run_cli

PASSWORD = "correct horse battery"


@pytest.fixture
def staff_env(tmp_path, monkeypatch, capsys):
    build_fixture_inbox(tmp_path / "inbox")
    ingest(tmp_path / "inbox", tmp_path / "warehouse", capsys)
    env = {"GIVINGDAY_WAREHOUSE": str(tmp_path / "warehouse"), "GIVINGDAY_SECRETS": str(tmp_path / "secrets.toml"),
           "GIVINGDAY_STAFF_STATE": str(tmp_path / "staff")}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = run_cli("users", "add", "li", "--role", "staff", "--password-stdin", env={**os.environ, **env},
                     input_text=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    return tmp_path


def _open() -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.run()
    app.switch_page("pages/staff.py")
    return app.run()


def _sign_in(app: AppTest, name: str, password: str) -> AppTest:
    app.text_input[0].input(name)
    app.text_input[1].input(password)
    app.button[0].click()
    return app.run()


def _all_text(app: AppTest) -> str:
    return "\n".join(str(e.proto) for e in app.main)


def test_without_sign_in_only_the_form_exists(staff_env):
    app = _open()
    assert not app.exception
    assert app.title[0].value.startswith("工作台登录")
    text = _all_text(app)
    assert "Freshness" not in text and "Alerts" not in text and "version" not in text


def test_correct_credentials_open_the_console(staff_env):
    app = _sign_in(_open(), "li", PASSWORD)
    assert not app.exception
    assert app.title[0].value.startswith("工作台 Staff console")
    assert any("Alerts" in s.value for s in app.subheader)
    events = [entry["event"] for entry in staff.audit_log()]
    assert "sign_in" in events
    assert PASSWORD not in (staff_env / "staff" / "audit.jsonl").read_text()


def test_wrong_passwords_lock_the_account(staff_env):
    for _ in range(staff.settings()["max_failures"]):
        assert not staff.sign_in("li", "wrong password").ok
    locked = staff.sign_in("li", PASSWORD)
    assert not locked.ok and locked.message.startswith("locked")
    app = _sign_in(_open(), "li", PASSWORD)
    assert "锁定" in app.error[0].value
    assert "account_locked" in [entry["event"] for entry in staff.audit_log()]


def test_users_are_listed_and_removed(staff_env):
    env = {**os.environ}
    listed = run_cli("users", "list", env=env)
    assert listed.stdout.split("\t")[:2] == ["li", "staff"]
    secrets = (staff_env / "secrets.toml").read_text()
    assert "$2b$" in secrets and PASSWORD not in secrets
    assert run_cli("users", "remove", "li", env=env).returncode == 0
    assert run_cli("users", "list", env=env).stdout == ""
    assert json.loads(json.dumps(staff.users())) == {}
