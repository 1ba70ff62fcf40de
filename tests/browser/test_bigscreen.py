"""The big screen in Debian's chromium at 1080p and 4K: no chrome, no scrollbars, type sized
from the viewport, every scene, rotation, live updates, recovery after a server restart."""

import time

import pytest

from givingday.browser import free_port, streamlit_server, wait_for_app
from givingday.event import load_event
from givingday.ui import format as fmt
from givingday.ui.bigscreen import SCENES
from tests.helpers import at, gift, ingest, query, write

pytestmark = pytest.mark.browser
CHROME = ["[data-testid=stHeader]", "[data-testid=stToolbar]", "[data-testid=stDecoration]",
          "[data-testid=stStatusWidget]", "[data-testid=stSidebar]", "[data-testid=stSidebarCollapsedControl]",
          "#MainMenu", "footer", "[data-testid=stTopNavLinkContainer]"]


def _scene(page) -> str | None:
    return page.evaluate("document.querySelector('[data-scene]')?.dataset.scene ?? null")


def _no_scrollbars(page) -> bool:
    return page.evaluate("""() => [document.documentElement, document.querySelector('[data-testid=stMain]')]
        .filter(Boolean).every(e => e.scrollHeight <= e.clientHeight + 1 && e.scrollWidth <= e.clientWidth + 1)""")


def _smallest_text_vh(page) -> float:
    return page.evaluate("""() => {
        const sizes = [...document.querySelectorAll('.bs *')].filter(e => e.childNodes.length &&
            [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
            .map(e => parseFloat(getComputedStyle(e).fontSize));
        return Math.min(...sizes) / window.innerHeight * 100; }""")


@pytest.mark.parametrize("width,height", [(1920, 1080), (3840, 2160)], ids=["1080p", "4K"])
def test_every_scene_fills_the_screen_without_chrome(width, height, server, browser, screenshots):
    page = browser.new_page(viewport={"width": width, "height": height})
    for scene in [s for s in SCENES if s != "countdown"]:
        page.goto(f"{server}/bigscreen?scenes={scene}&rotate=600")
        wait_for_app(page)
        page.wait_for_timeout(1500)
        assert page.locator("[data-testid=stException]").count() == 0
        assert _scene(page) == scene
        assert _no_scrollbars(page), f"{scene} scrolls at {width}x{height}"
        for selector in CHROME:
            assert all(not element.is_visible() for element in page.locator(selector).all()), selector
        if scene != "map":
            assert _smallest_text_vh(page) >= 2.5 - 0.01, f"{scene}: text under 2.5% of the height"
        if scene == "hero":
            hero = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.bs-hero')).fontSize)")
            assert hero >= 0.08 * height
        page.screenshot(path=str(screenshots / f"bigscreen-{scene}-{width}x{height}.png"))
    page.close()


def test_countdown_scene_on_the_light_show_evening():
    from givingday.ui import bigscreen

    event = load_event()
    before = event.light_show_start.replace(hour=18, minute=30)
    html = bigscreen.countdown(before, event, "zh")
    assert "01:30:00" in html and "江北嘴" in html
    assert bigscreen.countdown(before.replace(day=28), event, "zh") is None


def test_rotation_advances_by_itself(server, browser):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{server}/bigscreen?scenes=hero,top10,categories&rotate=3")
    wait_for_app(page)
    seen = {_scene(page)}
    deadline = time.monotonic() + 15
    while len(seen) < 3 and time.monotonic() < deadline:
        page.wait_for_timeout(500)
        seen.add(_scene(page))
    assert seen >= {"hero", "top10", "categories"}
    page.close()


def test_a_new_version_shows_within_10_seconds(browser, simulated, copy_tree, capsys):
    warehouse, inbox = copy_tree(simulated / "warehouse"), copy_tree(simulated / "inbox")
    with streamlit_server(warehouse) as url:
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(f"{url}/bigscreen?scenes=hero&rotate=600")
        wait_for_app(page)
        project = query("board_projects", warehouse, capsys)[0]["project_id"]
        write(inbox, "donations", "donations-20220430T000000-999998.parquet",
              [gift("D-bs-1", project, 987_654_300, at(29, 23, 59, 58))])
        assert ingest(inbox, warehouse, capsys)[0] == 0
        expected = fmt.yuan(query("totals", warehouse, capsys)[0]["raised_fen"])
        started = time.monotonic()
        page.wait_for_function("(v) => document.querySelector('.bs-hero')?.innerText === v", arg=expected,
                               timeout=10_000)
        assert time.monotonic() - started <= 10
        page.close()


def test_recovers_after_a_server_restart_without_a_reload(browser, simulated):
    port = free_port()
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    with streamlit_server(simulated / "warehouse", port=port) as url:
        page.goto(f"{url}/bigscreen?scenes=hero,top10&rotate=3")
        wait_for_app(page)
        page.evaluate("window.__kioskMarker = 42")
    time.sleep(2)  # the server is gone; the screen keeps its last frame
    assert page.locator(".bs").count() >= 1
    with streamlit_server(simulated / "warehouse", port=port):
        started = time.monotonic()
        page.wait_for_selector("[data-testid=stApp][data-test-connection-state=CONNECTED]", timeout=30_000)
        page.wait_for_function("() => document.querySelector('[data-scene]') !== null", timeout=30_000)
        first = _scene(page)
        page.wait_for_function("(s) => document.querySelector('[data-scene]')?.dataset.scene !== s", arg=first,
                               timeout=15_000)  # the rotation goes on
        assert time.monotonic() - started <= 30
        assert page.evaluate("window.__kioskMarker") == 42  # no reload: the same page recovered
        assert page.locator("[data-testid=stException]").count() == 0
    page.close()
