"""The staff console in a browser: nothing staff-only in the HTML before sign-in, lock-out
after wrong passwords typed into the form, the console after a correct sign-in, and the
OpenID Connect path (st.login) through a real provider started here (oidc-provider-mock)."""

import json
import time

import pytest

from givingday.browser import free_port, streamlit_server, wait_for_app
from tests.helpers import staff_files

pytestmark = pytest.mark.browser


def test_no_staff_figure_in_the_page_before_sign_in(server, browser):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{server}/staff")
    wait_for_app(page)
    html = page.content()
    assert "Staff sign-in" in html
    for staff_only in ("Freshness", "Integrity flags", "Quarantine", "version "):
        assert staff_only not in html
    page.close()


def test_oidc_sign_in_through_a_real_provider(tmp_path, browser, simulated):
    from oidc_provider_mock import User, run_server_in_thread

    users = [User(sub="li", claims={"email": "li@federation.example"}),
             User(sub="eve", claims={"email": "eve@elsewhere.example"})]
    with run_server_in_thread(user_claims=users) as provider:
        port = free_port()
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
            'cookie_secret = "a-test-cookie-secret-of-enough-length"\n'
            'client_id = "givingday"\nclient_secret = "givingday-secret"\n'
            f'server_metadata_url = "http://localhost:{provider.server_port}/.well-known/openid-configuration"\n'
            "\n[staff]\nallowed_domains = [\"federation.example\"]\n")
        env = {"GIVINGDAY_SECRETS": str(secrets), "GIVINGDAY_STAFF_STATE": str(tmp_path / "staff")}
        with streamlit_server(simulated / "warehouse", extra_env=env, port=port,
                              extra_args=["--secrets.files", str(secrets)]):
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(f"http://localhost:{port}/staff")
            wait_for_app(page)
            page.get_by_role("button", name="单点登录 Sign in with the organisation's account").click()
            page.wait_for_selector("input[name=sub]", timeout=30_000)
            page.fill("input[name=sub]", "li")
            page.get_by_role("button", name="Authorize").click()
            page.wait_for_url(f"http://localhost:{port}/**", timeout=30_000)
            page.goto(f"http://localhost:{port}/staff")
            wait_for_app(page)
            page.get_by_text("Staff console").first.wait_for(timeout=30_000)
            assert "li@federation.example" in page.content()
            audit = (tmp_path / "staff" / "audit.jsonl").read_text()
            assert "sign_in_oidc" in audit
            page.close()


def sign_in(page, name: str, password: str, audit=None) -> None:
    """Type into the form and submit; with `audit`, wait until the server has logged it."""
    logged = len(audit.read_text().splitlines()) if audit and audit.is_file() else 0
    page.get_by_label("用户名 Name").fill(name)
    page.get_by_label("密码 Password").fill(password)
    page.get_by_role("button", name="登录 Sign in").click()
    if audit:
        deadline = time.monotonic() + 30
        while (len(audit.read_text().splitlines()) if audit.is_file() else 0) <= logged:
            assert time.monotonic() < deadline, "the sign-in was not audited"
            time.sleep(0.1)
        wait_for_app(page)


def test_wrong_passwords_typed_into_the_form_lock_the_account(tmp_path, monkeypatch, browser, simulated):
    env = staff_files(tmp_path, monkeypatch, "[staff]\nmax_failures = 3\nlock_minutes = 15\n",
                       li="correct horse battery", zhao="another good password")
    state = tmp_path / "staff"
    with streamlit_server(simulated / "warehouse", extra_env=env) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{url}/staff")
        wait_for_app(page)
        audit = state / "audit.jsonl"
        for attempt in range(3):
            sign_in(page, "li", f"wrong password {attempt}", audit)
            page.get_by_text("用户名或密码错误").wait_for(timeout=20_000)
        sign_in(page, "li", "correct horse battery", audit)  # the right password, but too late
        page.get_by_text("账户已锁定").wait_for(timeout=20_000)
        html = page.content()
        for staff_only in ("Staff console", "Freshness", "版本 Version"):
            assert staff_only not in html
        events = [json.loads(line)["event"] for line in (state / "audit.jsonl").read_text().splitlines()]
        assert events.count("sign_in_failed") == 3 and "account_locked" in events
        assert "sign_in_refused_locked" in events and "sign_in" not in events
        assert "wrong password" not in (state / "audit.jsonl").read_text()

        sign_in(page, "zhao", "another good password")  # another account is not locked
        page.get_by_text("工作台 Staff console").wait_for(timeout=30_000)
        page.get_by_text("版本 Version").wait_for(timeout=30_000)
        page.close()


def test_flags_appear_after_the_background_scan_and_lead_to_the_drill_down(tmp_path, monkeypatch, browser):
    from givingday.event import load_event
    from givingday.simulate import simulate
    from tests.helpers import ingest

    simulate(load_event(), tmp_path / "inbox", scale=0.05, seed=9, anomalies=True)
    assert ingest(tmp_path / "inbox", tmp_path / "warehouse")[0] == 0
    env = staff_files(tmp_path, monkeypatch, li="correct horse battery")
    with streamlit_server(tmp_path / "warehouse", extra_env=env) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{url}/staff?tab=flags")
        wait_for_app(page)
        sign_in(page, "li", "correct horse battery")
        page.get_by_text("match_outlier").first.wait_for(timeout=60_000)  # once the scan has ended
        for detector in ("apportionment", "match_farming", "new_donor_rush"):
            assert page.get_by_text(detector).count() >= 1
        button = page.get_by_role("button", name="详情 ").first
        project = button.inner_text().split()[-1]
        button.click()
        page.wait_for_url(f"**/staff?tab=drill&project={project}", timeout=30_000)
        page.get_by_text("合规监测 Flags (").first.wait_for(timeout=30_000)
        assert page.get_by_text("合规监测 Flags (0)").count() == 0  # the flag that led here is listed
        assert "donor_name" not in page.content()
        page.close()
