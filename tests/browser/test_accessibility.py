"""WCAG 2.1 AA, checked by axe-core (npm, pinned; installed by ./dev) in Debian's chromium: every
public page, a project page, /live, the embed card, every big-screen scene and the staff
console signed out and signed in, at 390×844 and 1440×900, in Chinese and English. A violation
names its rule and elements. Each page also declares its language (<html lang>) and its own
<title>, and each public page is drawn cleanly (`test_public_pages.render_problems`: no error
element, no sideways scrolling, no personal data), checked on the same visit."""

import itertools
import re
from pathlib import Path

import pytest

from givingday import director
from givingday.browser import streamlit_server, wait_for_app
from givingday.event import load_event
from givingday.ui.bigscreen import SCENES
from givingday.ui.document import streamlit_words
from tests.browser.test_public_pages import PAGES, full_screenshot, private_strings, render_problems
from tests.browser.test_staff import sign_in
from tests.helpers import query, staff_files

pytestmark = pytest.mark.browser
AXE = Path(__file__).with_name("axe") / "node_modules" / "axe-core" / "axe.min.js"
SIZES = {"phone": (390, 844), "desktop": (1440, 900)}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
HTML_LANG = {"zh": "zh-CN", "en": "en"}
GENERIC_NAMES = {"", "Vega visualization", "Map", "visualization"}
IN_LANGUAGE = {"zh": re.compile(r"[\u4e00-\u9fff]"), "en": re.compile(r"[A-Za-z]{3}")}  # names may quote data

# What a screen reader is told about the page's structure: the name of every chart and map,
# the heading levels in order, the landmarks' names, and every label Streamlit draws.
STRUCTURE = """() => ({
    figures: [...document.querySelectorAll('[role=graphics-document], canvas[aria-label], .bs-relief img')]
        .map(e => e.getAttribute('aria-label') || e.getAttribute('alt') || ''),
    headings: [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => Number(h.tagName[1])),
    landmarks: [...document.querySelectorAll('main, nav')].map(e => e.getAttribute('aria-label') || ''),
    labels: [...document.querySelectorAll('[aria-label], [title], [placeholder]')]
        .flatMap(e => ['aria-label', 'title', 'placeholder'].map(a => e.getAttribute(a)).filter(Boolean)),
})"""


def structure_problems(page, language: str) -> list[str]:
    """Charts and maps without a name in the page's language, headings that skip a level,
    unnamed landmarks, Streamlit's English labels left on a Chinese page."""
    seen, found = page.evaluate(STRUCTURE), []
    for name in seen["figures"]:
        if name in GENERIC_NAMES or not IN_LANGUAGE[language].search(name):
            found.append(f"a figure named {name!r}")
    levels = seen["headings"]
    if levels and levels[0] != 1:
        found.append(f"the first heading is h{levels[0]}")
    found += [f"h{b} after h{a}" for a, b in itertools.pairwise(levels) if b > a + 1]
    found += ["an unnamed landmark" for name in seen["landmarks"] if not name]
    english = set(streamlit_words(language)) - set(streamlit_words(language).values())
    found += [f"Streamlit's English label {label!r}" for label in set(seen["labels"]) & english]
    return found


def violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations of the page as it is now, one line per rule."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: ./dev test installs axe-core from npm")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
        return result.violations.map(v => `${v.id} (${v.impact}): ` +
            v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
    }""", TAGS)
    return found


def _open(page, url: str, streamlit: bool = True) -> None:
    page.goto(url)
    if streamlit:
        wait_for_app(page)  # it lets the charts and maps draw
    else:
        page.wait_for_timeout(800)  # /live and the embed fetch their figures after the load


@pytest.fixture(scope="module")
def console_server(simulated, tmp_path_factory):
    root = tmp_path_factory.mktemp("a11y")
    with pytest.MonkeyPatch.context() as patch:
        env = staff_files(root, patch, li="correct horse battery")
    with streamlit_server(simulated / "warehouse", extra_env=env) as url:
        yield url, root, env


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES)
def test_every_public_screen_renders_cleanly_passes_axe_and_declares_its_language(size, language, console_server,
                                                                                  browser, simulated, capsys,
                                                                                  screenshots):
    url, _, _ = console_server
    project = query("board_projects", simulated / "warehouse", capsys)[0]["project_id"]
    private = private_strings(simulated / "inbox")
    suffix = "" if language == "zh" else "lang=en"
    screens = {name: f"/{path}" + (f"?{suffix}" if suffix else "") for name, path in PAGES.items()}
    screens["project"] = f"/projects?project={project}" + (f"&{suffix}" if suffix else "")
    screens["staff (signed out)"] = "/staff"
    viewport = dict(zip(("width", "height"), SIZES[size], strict=True))
    page = browser.new_page(viewport=viewport)
    failures, titles = {}, set()
    for name, path in screens.items():
        page.set_viewport_size(viewport)
        _open(page, url + path)
        found = violations(page) + structure_problems(page, "zh" if name.startswith("staff") else language)
        if name in PAGES or name == "project":
            found += render_problems(page, name, viewport["width"], private)
        if found:
            failures[name] = found
        expected = "zh-CN" if name.startswith("staff") else HTML_LANG[language]
        assert page.evaluate("document.documentElement.lang") == expected, name
        titles.add(page.title())
        if name in PAGES and language == "zh":
            full_screenshot(page, screenshots / f"{name}-{viewport['width']}x{viewport['height']}.png", viewport["width"])
    page.set_viewport_size(viewport)
    for name, path in {"live": "/live", "embed": f"/embed/projects/{project}"}.items():
        _open(page, url + path + (f"?{suffix}" if suffix else ""), streamlit=False)
        if found := violations(page):
            failures[name] = found
        assert page.evaluate("document.documentElement.lang") == HTML_LANG[language], name
    page.close()
    assert failures == {}, failures
    assert len(titles) == len(screens), "\n".join(sorted(titles))  # each page its own <title>


@pytest.mark.parametrize("size", SIZES)
def test_every_big_screen_scene_passes_axe(size, console_server, browser, monkeypatch):
    url, root, env = console_server
    monkeypatch.setenv("GIVINGDAY_STAFF_STATE", env["GIVINGDAY_STAFF_STATE"])
    page = browser.new_page(viewport=dict(zip(("width", "height"), SIZES[size], strict=True)))
    failures = {}
    for language in ("zh", "en"):
        name = f"a11y-{size}-{language}"
        _open(page, f"{url}/bigscreen?screen={name}&scenes=hero&rotate=600&lang={language}")
        for scene in [s for s in SCENES if s != "countdown"]:
            director.take(name, scene, "test")
            page.wait_for_function("(s) => document.querySelector('.bs-screen [data-scene]')?.dataset.scene === s",
                                   arg=scene, timeout=10_000)
            _steady_lane(page)
            if found := violations(page) + structure_problems(page, language):
                failures[f"{scene}/{language}"] = found
        assert page.evaluate("document.documentElement.lang") == HTML_LANG[language]
        director.clear(name, "test")
    page.close()
    assert failures == {}, failures


def _steady_lane(page) -> None:
    """Stop the live lane's cycling and let its fade end: axe reads a colour mid-fade as
    low contrast, while the contrast that counts is the lane's steady text."""
    page.evaluate("() => clearInterval(window.__bsPlayer?.ticking)")
    page.wait_for_function("() => [...document.querySelectorAll('.bs-lane > span')]"
                           ".every((e) => getComputedStyle(e).opacity === '1')", timeout=5_000)


@pytest.mark.parametrize("size", SIZES)
def test_the_signed_in_staff_console_passes_axe(size, console_server, browser):
    url, root, _ = console_server
    page = browser.new_page(viewport=dict(zip(("width", "height"), SIZES[size], strict=True)))
    _open(page, f"{url}/staff")
    sign_in(page, "li", "correct horse battery", root / "staff" / "audit.jsonl")
    page.get_by_text("工作台 Staff console").first.wait_for(timeout=30_000)
    failures = {}
    for tab in ("fresh", "alerts", "flags", "quarantine", "drill", "director", "audit"):
        _open(page, f"{url}/staff?tab={tab}")
        if found := violations(page) + structure_problems(page, "zh"):
            failures[tab] = found
    page.close()
    assert failures == {}, failures


FOCUS = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    // a data grid's cell (its hidden accessible table) shows the focus as a ring round the grid
    const grid = e.tagName === 'TD' ? e.closest('[data-testid=stDataFrame]') : null;
    const style = getComputedStyle(grid || e);
    let visible = true;
    for (let n = e; n && n !== document; n = n.parentElement)
        if (parseFloat(getComputedStyle(n).opacity) === 0 || getComputedStyle(n).visibility === 'hidden') visible = false;
    const again = e.dataset.gdFocused === '1';
    e.dataset.gdFocused = '1';
    return {again, what: (e.getAttribute('aria-label') || e.innerText || e.tagName).slice(0, 40), tag: e.tagName,
            id: e.dataset.testid || e.className.toString().slice(0, 40),
            outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
            shadow: style.boxShadow !== 'none', visible};
}"""


@pytest.mark.parametrize("path", [f"/{path}" for path in PAGES.values()] + ["/staff"])
def test_every_focusable_element_shows_where_the_focus_is(path, console_server, browser):
    """Tab through the whole page, as a keyboard user does, until the focus comes round again:
    every element that takes it shows a ring (or a shadow) and is not invisible."""
    url, _, _ = console_server
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    _open(page, url + path)
    seen, bad = [], []
    for _ in range(300):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS)
        if focused is None:
            continue
        if focused["again"]:
            break  # round again
        seen.append(focused)
        if not focused["visible"] or not (focused["outline"] or focused["shadow"]):
            bad.append(focused)
    if page.locator("[data-testid=stDataFrame] td").count():  # the cell a grid may move the focus to
        page.evaluate("document.querySelector('[data-testid=stDataFrame] td').focus()")
        cell = page.evaluate(FOCUS)
        if cell and not (cell["outline"] or cell["shadow"]):
            bad.append(cell)
    page.close()
    assert len(seen) >= 8 and bad == [], bad[:5]


@pytest.mark.parametrize("path", ["/funds", "/projects"])
def test_the_top_navigation_shows_the_focus_ring_from_the_moment_it_is_drawn(path, console_server, browser):
    """A keyboard user who presses Tab as soon as the top navigation appears, before the page's
    script has finished (or sent its styles), sees the ring: it is in the app shell itself."""
    url, _, _ = console_server
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(url + path)
    page.wait_for_selector("[data-testid=stTopNavLink]", timeout=60_000)
    seen = []
    for _ in range(4):  # the skip link, then the navigation's links
        page.keyboard.press("Tab")
        if (focused := page.evaluate(FOCUS)) is not None:
            seen.append(focused)
    page.close()
    assert any(f["id"] == "stTopNavLink" for f in seen), seen
    assert all(f["outline"] or f["shadow"] for f in seen), seen


def _tab_to(page, description: str, test: str, presses: int = 80) -> None:
    """Press Tab until the focused element passes `test` (JS, given the element), as a keyboard user does."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const e = document.activeElement; return !!e && ({test}); }}"):
            return
    raise AssertionError(f"{description} cannot be reached with Tab")


def test_a_keyboard_only_journey_from_the_overview_to_a_projects_csv(console_server, browser, simulated, capsys):
    """Overview -> boards -> filter by category -> a project -> download its CSV: Tab, Enter and arrows only."""
    url, _, _ = console_server
    page = browser.new_page(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    _open(page, url + "/")
    _tab_to(page, "the boards link", "e.tagName === 'A' && new URL(e.href).pathname.endsWith('/boards')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/boards**")
    wait_for_app(page)

    _tab_to(page, "the category filter", "e.getAttribute('aria-label')?.startsWith('类别')")
    page.keyboard.press("Enter")  # open the list
    page.keyboard.press("ArrowDown")  # from "all" to the first category
    page.keyboard.press("Enter")
    page.wait_for_url("**category=**")
    wait_for_app(page)
    category = page.url.split("category=")[1].split("&")[0]
    assert category in {c.code for c in load_event().categories}
    board = query("board_projects", simulated / "warehouse", capsys, category=category)
    first = board[0]["project_id"]

    _tab_to(page, "the project opener under the board", "e.getAttribute('aria-label')?.startsWith('打开项目')")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")  # the board's first project
    page.keyboard.press("Enter")
    page.wait_for_url(f"**project={first}**")
    wait_for_app(page)

    _tab_to(page, "the chart's table tab", "e.getAttribute('role') === 'tab' && e.getAttribute('aria-selected') === 'true'")
    page.keyboard.press("ArrowRight")  # the table, one key away from its chart
    page.keyboard.press("Enter")
    # the table tab runs when opened (tables.lazy_tabs): its table and downloads arrive a
    # rerun later, and the keyboard goes on from the tab once they are there
    page.locator('[role="tabpanel"] button:has-text("CSV")').first.wait_for(timeout=30_000)
    _tab_to(page, "the CSV download", "e.tagName === 'BUTTON' && e.innerText.includes('CSV')")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert download.value.suggested_filename == f"project_{first}_timeline.csv"
    assert text.splitlines()[0].startswith("bucket_start,") and len(text.splitlines()) > 1
    page.close()
