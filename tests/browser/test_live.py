"""/live in Chromium at phone size: no sideways scroll, the headline of `query totals`, and a new
version on screen within 10 s without a reload (no websocket, no Streamlit bundle)."""

import time

import pytest

from givingday.browser import streamlit_server
from givingday.ui import format as fmt
from tests.helpers import at, gift, ingest, query, write

pytestmark = pytest.mark.browser


def test_live_page_follows_new_versions_at_phone_size(browser, simulated, copy_tree, capsys, screenshots):
    warehouse, inbox = copy_tree(simulated / "warehouse"), copy_tree(simulated / "inbox")
    with streamlit_server(warehouse) as url:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        requests = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(f"{url}/live")
        raised = query("totals", warehouse, capsys)[0]["raised_fen"]
        assert page.locator("#raised").inner_text() == fmt.yuan(raised, "zh")
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        assert page.locator("#top li").count() == 10
        page.screenshot(path=str(screenshots / "live-390.png"), full_page=True)
        page.evaluate("window.loadedOnce = true")  # gone if the page reloads

        project = query("board_projects", warehouse, capsys)[0]["project_id"]
        write(inbox, "donations", "donations-20220430T000000-999998.parquet",
              [gift("D-live-9", project, 98_765_400, at(29, 23, 59, 58))])
        code, _ = ingest(inbox, warehouse, capsys)
        assert code == 0
        expected = fmt.yuan(query("totals", warehouse, capsys)[0]["raised_fen"], "zh")
        published = time.monotonic()
        page.wait_for_function("(e) => document.getElementById('raised').innerText === e", arg=expected,
                               timeout=10_000)
        assert time.monotonic() - published <= 10
        assert page.evaluate("window.loadedOnce === true")  # updated in place
        assert not [r for r in requests if "/static/" in r or "_stcore" in r]
        page.close()
