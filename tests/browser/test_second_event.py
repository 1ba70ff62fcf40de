"""The second event (tests/fixtures/events/lishui-2023) in Debian's chromium, from its folder
alone: simulate → ingest → every public page, the big screen and the staff console, with no
error element and the headline figures equal to `query totals`."""

import pytest

from givingday.browser import streamlit_server, wait_for_app
from givingday.event import load_event
from givingday.simulate import simulate
from givingday.ui import format as fmt
from tests.browser.test_public_pages import PAGES
from tests.browser.test_staff import sign_in
from tests.helpers import ROOT, ingest, query, staff_files

pytestmark = pytest.mark.browser
EVENT = {"GIVINGDAY_EVENTS_DIR": str(ROOT / "tests" / "fixtures" / "events"), "GIVINGDAY_EVENT": "lishui-2023"}


def test_the_second_event_runs_in_the_browser(browser, tmp_path, monkeypatch, capsys, screenshots):
    for key, value in EVENT.items():
        monkeypatch.setenv(key, value)
    simulate(load_event(), tmp_path / "inbox", scale=0.02, seed=5)
    assert ingest(tmp_path / "inbox", tmp_path / "warehouse", capsys)[0] == 0
    raised = query("totals", tmp_path / "warehouse", capsys)[0]["raised_fen"]
    env = {**EVENT, **staff_files(tmp_path, monkeypatch, li="correct horse battery")}
    with streamlit_server(tmp_path / "warehouse", extra_env=env) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        for name, path in PAGES.items():
            page.goto(f"{url}/{path}")
            wait_for_app(page)
            assert page.locator("[data-testid=stException]").count() == 0, name
            assert page.locator("[data-testid=stAlertContentError]").count() == 0, name
            assert "重庆" not in page.content(), name
            page.screenshot(path=str(screenshots / f"lishui-{name}.png"))
        page.goto(f"{url}/")
        wait_for_app(page)
        assert page.locator(".gd-hero").first.inner_text() == fmt.yuan(raised)
        page.goto(f"{url}/bigscreen?scenes=hero&rotate=600")
        page.wait_for_function("(v) => document.querySelector('.bs-hero')?.innerText.replace(/\\n/g, '') === v",
                               arg=f"{raised // 100:,}.{raised % 100:02d}", timeout=30_000)
        assert page.locator("[data-testid=stException]").count() == 0
        page.goto(f"{url}/staff")
        wait_for_app(page)
        sign_in(page, "li", "correct horse battery", tmp_path / "staff" / "audit.jsonl")
        page.get_by_text("工作台 Staff console").wait_for(timeout=30_000)
        assert page.locator("[data-testid=stException]").count() == 0
        page.close()
