"""The big screen in Debian's chromium: every scene on every shape of screen (16:9 at 1080p
and 4K, a 32:9 LED wall, a 9:16 totem) with no error, scrollbar, overlap or cut, no text under
2.5% of the shorter side and the hero at a quarter of the height; the director's take and
clear followed by two kiosks (how soon: `bench --takes`); the count-up to a new total; the milestone card;
recovery after a server restart, still following the director."""

import time

import pytest

from givingday import director
from givingday.bench_takes import WATCH_ON_AIR, wait_on_air
from givingday.browser import free_port, streamlit_server, wait_for_app
from givingday.ui.bigscreen import SCENES
from tests.browser.test_staff import sign_in
from tests.helpers import at, gift, ingest, milestone_event, query, staff_files, write

pytestmark = pytest.mark.browser
SHAPES = {"1080p": (1920, 1080), "4K": (3840, 2160), "wall-32x9": (3840, 1080), "totem-9x16": (1080, 1920)}
CHROME = ["[data-testid=stHeader]", "[data-testid=stToolbar]", "[data-testid=stDecoration]",
          "[data-testid=stStatusWidget]", "[data-testid=stSidebar]", "[data-testid=stSidebarCollapsedControl]",
          "#MainMenu", "footer", "[data-testid=stTopNavLinkContainer]"]

# Every line of text on screen (text nodes, line by line), with its font size; images too.
LAYOUT = """() => {
  const frame = document.querySelector('.bs-screen .bs');
  const lines = [], walker = document.createTreeWalker(frame, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const range = document.createRange(); range.selectNodeContents(node);
    const size = parseFloat(getComputedStyle(node.parentElement).fontSize);
    for (const r of range.getClientRects()) if (r.width > 0.5 && r.height > 0.5)
      lines.push({text: node.textContent.trim().slice(0, 24), size, l: r.left, t: r.top, r: r.right, b: r.bottom});
  }
  const images = [...frame.querySelectorAll('img')].map(i => i.getBoundingClientRect())
    .map(r => ({l: r.left, t: r.top, r: r.right, b: r.bottom}));
  const scrolls = [document.documentElement, document.body, document.querySelector('[data-testid=stMain]'),
                   ...frame.querySelectorAll('*')].filter(e => e && getComputedStyle(e).overflow !== 'visible'
    && (e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1)).map(e => e.className || e.tagName);
  const hero = document.querySelector('.bs-hero');
  return {lines, images, scrolls, width: innerWidth, height: innerHeight,
          scene: frame.dataset.scene, hero: hero ? hero.getBoundingClientRect().height : null,
          errors: document.querySelectorAll('[data-testid=stException]').length};
}"""


def _problems(layout: dict) -> list[str]:
    """What a viewer 30 m away would call broken, in words."""
    width, height = layout["width"], layout["height"]
    shorter, found = min(width, height), []
    if layout["errors"]:
        found.append("an error element")
    if layout["scrolls"]:
        found.append(f"scrolling or cut content in {layout['scrolls']}")
    if not layout["lines"]:
        found.append("no text")
    for line in layout["lines"]:
        if line["size"] < 0.025 * shorter - 0.01:
            found.append(f"text under 2.5% of the shorter side: {line['text']!r} at {line['size']:.1f}px")
        if line["l"] < -1 or line["t"] < -1 or line["r"] > width + 1 or line["b"] > height + 1:
            found.append(f"text off the screen: {line['text']!r}")
    boxes = layout["lines"] + [{**image, "text": "<img>"} for image in layout["images"]]
    for i, a in enumerate(boxes):
        if a["text"] == "<img>" and (a["l"] < -1 or a["t"] < -1 or a["r"] > width + 1 or a["b"] > height + 1):
            found.append("an image cut by the screen's edge")
        for b in boxes[i + 1:]:
            overlap_x = min(a["r"], b["r"]) - max(a["l"], b["l"])
            overlap_y = min(a["b"], b["b"]) - max(a["t"], b["t"])
            if overlap_x > 2 and overlap_y > 2:
                found.append(f"{a['text']!r} overlaps {b['text']!r}")
    if layout["scene"] == "hero" and layout["hero"] < 0.25 * height:
        found.append(f"the hero figure is {layout['hero'] / height:.0%} of the height")
    return found


ON_AIR = "() => document.querySelector('.bs-screen [data-scene]')?.dataset.scene ?? null"


def _wait_scene(page, scene: str, timeout_ms: int = 20_000) -> None:
    """Until `scene` is on air (a latency the test measures passes a shorter timeout)."""
    try:
        page.wait_for_function(f"(s) => ({ON_AIR})() === s", arg=scene, timeout=timeout_ms)
    except Exception as error:
        raise AssertionError(f"waited {timeout_ms} ms for {scene!r}; on air: {page.evaluate(ON_AIR)!r}") from error
    page.wait_for_timeout(600)  # images decode, the fit settles


@pytest.fixture(scope="module")
def kiosks(simulated, tmp_path_factory):
    """A server whose screens this module directs (its own staff state folder)."""
    state = tmp_path_factory.mktemp("kiosk-state")
    with streamlit_server(simulated / "warehouse", extra_env={"GIVINGDAY_STAFF_STATE": str(state)}) as url:
        yield url, state


@pytest.mark.parametrize("shape", SHAPES)
def test_every_scene_lays_out_for_every_shape(shape, kiosks, browser, screenshots, monkeypatch):
    url, state = kiosks
    monkeypatch.setenv("GIVINGDAY_STAFF_STATE", str(state))
    width, height = SHAPES[shape]
    name = f"shape-{shape.lower()}"
    page = browser.new_page(viewport={"width": width, "height": height})
    failures = {}
    for language in ("zh", "en"):
        page.goto(f"{url}/bigscreen?screen={name}&scenes=hero&rotate=600&lang={language}")
        wait_for_app(page)
        for selector in CHROME:
            assert all(not element.is_visible() for element in page.locator(selector).all()), selector
        for scene in [s for s in SCENES if s != "countdown"]:
            director.take(name, scene, "test")
            _wait_scene(page, scene)
            problems = _problems(page.evaluate(LAYOUT))
            if problems:
                failures[f"{scene}/{language}"] = problems[:5]
            page.screenshot(path=str(screenshots / f"bigscreen-{scene}-{language}-{width}x{height}.png"))
    director.clear(name, "test")
    page.close()
    assert not failures, failures


@pytest.mark.parametrize("shape", ["1080p", "totem-9x16"])
def test_the_title_card_and_the_countdown_lay_out(shape, browser, tmp_path, screenshots):
    width, height = SHAPES[shape]
    env = {"GIVINGDAY_STAFF_STATE": str(tmp_path / "state"), "GIVINGDAY_NOW": "2022-04-27T19:55:00+08:00"}
    with streamlit_server(tmp_path / "no-data", extra_env=env) as url:
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(f"{url}/bigscreen?scenes=countdown")
        wait_for_app(page)
        _wait_scene(page, "title")  # no data yet: the event's title card, whatever the list
        assert not _problems(page.evaluate(LAYOUT))
        page.screenshot(path=str(screenshots / f"bigscreen-title-{width}x{height}.png"))
        page.close()


def test_countdown_and_celebration_lay_out_on_the_light_show_evening(simulated, browser, tmp_path, screenshots,
                                                                    monkeypatch):
    monkeypatch.setenv("GIVINGDAY_STAFF_STATE", str(tmp_path / "state"))
    env = {"GIVINGDAY_STAFF_STATE": str(tmp_path / "state"), "GIVINGDAY_NOW": "2022-04-27T19:55:00+08:00"}
    with streamlit_server(simulated / "warehouse", extra_env=env) as url:
        for shape in ("1080p", "wall-32x9", "totem-9x16"):
            width, height = SHAPES[shape]
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{url}/bigscreen?scenes=countdown&rotate=600")
            wait_for_app(page)
            _wait_scene(page, "countdown")
            assert "00:0" in page.inner_text(".bs-count")
            assert not _problems(page.evaluate(LAYOUT)), shape
            page.screenshot(path=str(screenshots / f"bigscreen-countdown-{width}x{height}.png"))
            page.close()


def test_two_kiosks_on_two_replicas_follow_the_directors_take_and_clear(
        simulated, browser, tmp_path, monkeypatch):
    # two server processes sharing one state folder, as `serve --replicas 2` runs them
    env = staff_files(tmp_path, monkeypatch, li="correct horse battery")
    with streamlit_server(simulated / "warehouse", extra_env=env) as url, \
            streamlit_server(simulated / "warehouse", extra_env=env) as other_url:
        screens = {"main": (url, 1920, 1080, "hero"), "totem-1": (other_url, 1080, 1920, "categories")}
        kiosks = {}
        for name, (base, width, height, own) in screens.items():
            kiosks[name] = browser.new_page(viewport={"width": width, "height": height})
            kiosks[name].goto(f"{base}/bigscreen?screen={name}&scenes={own}&rotate=600")
            wait_for_app(kiosks[name])
            _wait_scene(kiosks[name], own)
        console = browser.new_page(viewport={"width": 1440, "height": 1000})
        console.goto(f"{url}/staff?tab=director")
        wait_for_app(console)
        sign_in(console, "li", "correct horse battery", tmp_path / "staff" / "audit.jsonl")
        console.get_by_text("totem-1").first.wait_for(timeout=30_000)  # both screens have checked in
        console.get_by_text("main").first.wait_for(timeout=30_000)
        console.wait_for_function("() => document.querySelectorAll('.gd-thumb .bs').length === 2")  # live thumbnails
        console.get_by_label("场景 Scene").click()
        console.get_by_role("option", name="qr", exact=True).click()
        for page in kiosks.values():
            page.evaluate(WATCH_ON_AIR)
        since = time.time() * 1000
        console.get_by_role("button", name="立即上屏 Take").click()  # for all screens
        took = [wait_on_air(page, "qr", since) for page in kiosks.values()]
        since = time.time() * 1000
        console.get_by_role("button", name="恢复自身节目单 Clear").click()
        cleared = [wait_on_air(page, screens[name][3], since) for name, page in kiosks.items()]
        # Both followed, each within the product's bound for any screen (10 s, the waits'
        # timeout). How soon, against the promise of 2 s, is a distribution that `bench
        # --takes N` measures; timing one take here failed whenever the machine was busy.
        print(f"take on air after {took} s, clear after {cleared} s")
        audit = (tmp_path / "staff" / "audit.jsonl").read_text()
        assert '"event": "director_take", "user": "li"' in audit and '"event": "director_clear", "user": "li"' in audit
        for page in [*kiosks.values(), console]:
            page.close()


def test_a_new_version_counts_the_hero_up_and_a_milestone_goes_on_air(browser, simulated, copy_tree, capsys,
                                                                      tmp_path):
    warehouse, inbox = copy_tree(simulated / "warehouse"), copy_tree(simulated / "inbox")
    before = query("totals", warehouse, capsys)[0]["raised_fen"]
    every = 100_000_000  # a card each 100万
    env = {"GIVINGDAY_EVENTS_DIR": str(milestone_event(tmp_path, every)),
           "GIVINGDAY_STAFF_STATE": str(tmp_path / "state")}
    with streamlit_server(warehouse, extra_env=env) as url:
        counting = browser.new_page(viewport={"width": 1920, "height": 1080})
        counting.goto(f"{url}/bigscreen?scenes=hero&rotate=600&celebrate=0")
        celebrating = browser.new_page(viewport={"width": 1080, "height": 1920})
        celebrating.goto(f"{url}/bigscreen?scenes=top10&rotate=600")
        for page in (counting, celebrating):
            wait_for_app(page)
        _wait_scene(celebrating, "top10")
        project = query("board_projects", warehouse, capsys)[0]["project_id"]
        counting.evaluate("""() => { window.__heroSeen = [];  // every figure the hero shows from now on
            new MutationObserver(() => { const hero = document.querySelector('.bs-hero');
                if (hero) window.__heroSeen.push(hero.innerText.replace(/\\n/g, '')); })
              .observe(document.body, {subtree: true, childList: true, characterData: true}); }""")
        write(inbox, "donations", "donations-20220430T000000-999998.parquet",
              [gift("D-bs-1", project, 3 * every, at(29, 23, 59, 58))])
        assert ingest(inbox, warehouse, capsys)[0] == 0
        raised = query("totals", warehouse, capsys)[0]["raised_fen"]
        expected, shown_before = f"{raised // 100:,}.{raised % 100:02d}", f"{before // 100:,}.{before % 100:02d}"
        counting.wait_for_function("(v) => document.querySelector('.bs-hero')?.innerText.replace(/\\n/g, '') === v "
                                   "&& !document.querySelector('.bs-hero').dataset.counting", arg=expected,
                                   timeout=15_000)  # counted up to the figure `query totals` gives
        seen = counting.evaluate("window.__heroSeen")
        steps = [v for v in seen if v not in (shown_before, expected)]
        assert len(steps) >= 3, steps  # figures in between: a count-up, not a jump
        figures = [int(v.replace(",", "").replace(".", "")) for v in seen]
        assert figures == sorted(figures), seen  # up only: the screen never shows a total going back
        assert counting.evaluate("window.__bsCountUps") == 1
        _wait_scene(celebrating, "celebrate")  # passed another 100万: the card is on air
        level = raised // every * every
        assert f"{level // 1_000_000:,}万" in celebrating.inner_text(".bs-big")
        assert not _problems(celebrating.evaluate(LAYOUT))
        assert counting.locator("[data-scene=celebrate]").count() == 0  # this screen does not allow it
        assert before < raised
        for page in (counting, celebrating):
            page.close()


def test_recovers_after_a_server_restart_without_a_reload_still_following_the_director(browser, simulated,
                                                                                       tmp_path, monkeypatch):
    port = free_port()
    monkeypatch.setenv("GIVINGDAY_STAFF_STATE", str(tmp_path / "state"))
    env = {"GIVINGDAY_STAFF_STATE": str(tmp_path / "state")}
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    with streamlit_server(simulated / "warehouse", port=port, extra_env=env) as url:
        page.goto(f"{url}/bigscreen?screen=main&scenes=hero,top10&rotate=3")
        wait_for_app(page)
        director.take("main", "funds", "test")
        _wait_scene(page, "funds")
        page.evaluate("window.__kioskMarker = 42")
    time.sleep(2)  # the server is gone; the screen keeps its last frame
    assert page.locator(".bs-screen [data-scene=funds]").count() == 1
    with streamlit_server(simulated / "warehouse", port=port, extra_env=env):
        page.wait_for_selector("[data-testid=stApp][data-test-connection-state=CONNECTED]", timeout=30_000)
        page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=30_000)
        _wait_scene(page, "funds", timeout_ms=20_000)  # the new server's first run still follows the director
        director.clear("main", "test")
        # back to its own rotation. How soon is `bench --takes`'s figure; here it is that the
        # restarted server's screen follows the clear at all: beside the loaded suite this took
        # 3.4-3.6 s (0.2-0.7 s alone, 1.9-2.1 s alone beside two busy loops)
        page.wait_for_function("() => ['hero', 'top10'].includes(document.querySelector('.bs-screen [data-scene]')"
                               "?.dataset.scene)", timeout=15_000)
        assert page.evaluate("window.__kioskMarker") == 42  # no reload: the same page recovered
        assert page.locator("[data-testid=stException]").count() == 0
    page.close()


def test_rotation_advances_by_itself(server, browser):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{server}/bigscreen?scenes=hero,top10,categories&rotate=3")
    wait_for_app(page)
    seen = set()
    deadline = time.monotonic() + 15
    while len(seen) < 3 and time.monotonic() < deadline:
        page.wait_for_timeout(500)
        seen.add(page.evaluate("document.querySelector('.bs-screen [data-scene]')?.dataset.scene"))
    assert seen >= {"hero", "top10", "categories"}
    page.close()
