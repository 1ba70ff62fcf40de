"""The staff console: nothing before sign-in, lock-out after wrong passwords, an audit log,
the console after a correct sign-in; accounts managed on the command line."""

import json
import os

import pytest
from streamlit.testing.v1 import AppTest

from givingday import staff
from tests.helpers import ROOT, build_fixture_inbox, ingest, run_cli

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


def _open(**params: str) -> AppTest:
    """The staff page, opened with these query parameters (e.g. tab="drill", org="O2")."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.run()
    app.switch_page("pages/staff.py")
    for key, value in params.items():
        app.query_params[key] = value
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


def _frames(app: AppTest) -> list:
    return [element.value for element in app.dataframe]


def test_correct_credentials_open_the_console(staff_env):
    app = _sign_in(_open(), "li", PASSWORD)
    assert not app.exception
    assert app.title[0].value.startswith("工作台 Staff console")
    assert [tab.label.split()[-1] for tab in app.tabs][:3] == ["Freshness", "Alerts", "Integrity"]
    assert "版本 Version" in _all_text(app) and "Files and rows per hour" in _all_text(app)
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


def test_drill_down_by_organisation_lists_its_projects_and_sums_them(staff_env):
    app = _sign_in(_open(tab="drill", org="O2"), "li", PASSWORD)
    assert not app.exception
    frames = _frames(app)
    projects = next(f for f in frames if "project_id" in f.columns and "rank" in f.columns)
    assert sorted(projects["project_id"]) == ["P3", "P5"]
    brackets = next(f for f in frames if "bracket_yuan" in f.columns)
    everyone = brackets[brackets["bracket_yuan"] == "all"].iloc[0]
    assert everyone["gifts"] == projects["donations"].sum()
    assert everyone["gifts"] == brackets[brackets["bracket_yuan"] != "all"]["gifts"].sum()
    latest = next(f for f in frames if "donor_key" in f.columns)
    assert set(latest["project_id"]) <= {"P3", "P5"} and "donor_name" not in latest.columns
    assert any("CSV" in button.label for button in app.get("download_button"))


def test_drill_down_by_district_and_by_project(staff_env):
    app = _sign_in(_open(tab="drill", district="500105"), "li", PASSWORD)
    assert not app.exception
    projects = next(f for f in _frames(app) if "rank" in f.columns)
    assert sorted(projects["project_id"]) == ["P3", "P4"]
    app = _sign_in(_open(tab="drill", project="P1"), "li", PASSWORD)
    pools = next(f for f in _frames(app) if "pool_id" in f.columns)
    assert set(pools["kind"]) == {"random_match", "bonus_match"}
    assert "张三" not in _all_text(app)  # a nickname: staff see pseudonymous keys only


def test_auditors_may_see_nicknames(staff_env):
    result = run_cli("users", "add", "wang", "--role", "auditor", "--password-stdin", env={**os.environ},
                     input_text=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    app = _sign_in(_open(tab="drill", project="P1"), "wang", PASSWORD)
    latest = next(f for f in _frames(app) if "donor_key" in f.columns)
    assert "张三" in set(latest["donor_name"])


def test_quarantine_browser_filters_by_rule(staff_env):
    app = _sign_in(_open(tab="quarantine"), "li", PASSWORD)
    assert not app.exception
    summary, records = _frames(app)[:2]
    assert summary["records"].sum() == len(records) > 1
    rule = summary.iloc[-1]["rule"]
    app.multiselect[1].select(rule)
    app.run()
    filtered = _frames(app)[1]
    assert len(filtered) == summary[summary["rule"] == rule]["records"].sum() and set(filtered["rule"]) == {rule}


def test_an_alert_is_acknowledged_once_and_audited(staff_env):
    app = _sign_in(_open(tab="alerts"), "li", PASSWORD)
    assert not app.exception
    ack = next(button for button in app.button if button.label == "确认 Ack")
    ack.click()
    app.run()
    acks = staff.acknowledgements()
    assert len(acks) == 1 and next(iter(acks.values()))["by"] == "li"
    assert "alert_acknowledged" in [entry["event"] for entry in staff.audit_log()]
    assert sum(button.label == "确认 Ack" for button in app.button) == sum(
        button.label == "确认 Ack" for button in _sign_in(_open(tab="alerts"), "li", PASSWORD).button)
