"""The staff console in a browser: nothing staff-only in the HTML before sign-in, and the
OpenID Connect path (st.login) through a real provider started here (oidc-provider-mock)."""

import pytest

from givingday.browser import free_port, streamlit_server, wait_for_app

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
