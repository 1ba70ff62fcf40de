"""The public pages in Debian's chromium against a real `streamlit run`: figures equal to the
named queries, live updates, project URLs, the language kept, a fresh server's first visit.
What every page must not show (an error element, sideways scrolling, personal data) is
`render_problems`, asked of every page at both sizes in both languages by the accessibility
suite, which opens them all anyway. Screenshots go to artifacts/screenshots/."""

import time

import duckdb
import pytest

from givingday.browser import streamlit_server, wait_for_app
from givingday.ui import format as fmt
from tests.helpers import at, gift, ingest, query, write

pytestmark = pytest.mark.browser
PAGES = {"overview": "", "boards": "boards", "categories": "categories", "districts": "districts",
         "funds": "funds", "projects": "projects", "data": "data"}  # name -> URL path (overview is the root)


def private_strings(inbox) -> list[str]:
    """Every nickname (3+ characters, so it cannot be a masked form) and donor key of the data."""
    files = str(inbox / "donations" / "*.parquet")
    names = duckdb.sql(f"select distinct donor_name from read_parquet('{files}') "
                       "where length(donor_name) >= 3").fetchall()
    keys = duckdb.sql(f"select distinct donor_key from read_parquet('{files}') using sample 300 rows").fetchall()
    return [n for (n,) in names] + [k for (k,) in keys]


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("""() => {
        const main = document.querySelector('[data-testid=stMain]');
        const doc = document.documentElement;
        return doc.scrollWidth <= doc.clientWidth + 1 && (!main || main.scrollWidth <= main.clientWidth + 1);
    }""")


def full_screenshot(page, path, width):
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": width, "height": min(max(height, 600), 8000)})
    page.wait_for_timeout(600)
    page.screenshot(path=str(path))


def render_problems(page, name: str, width: int, private: list[str]) -> list[str]:
    """What is wrong with a public page as drawn: an error element, "Page not found",
    sideways scrolling, personal data in its HTML. (The accessibility suite opens every page
    at both sizes and in both languages and asks this of each.)"""
    found = []
    if page.locator("[data-testid=stException]").count() or page.locator("[data-testid=stAlertContentError]").count():
        found.append("an error element")
    if page.get_by_text("Page not found").count():
        found.append("Page not found")
    if not _no_sideways_scroll(page):
        found.append(f"it scrolls sideways at {width}px")
    html = page.content()
    if leaked := [s for s in private if s in html]:
        found.append(f"personal data: {leaked[:3]}")
    return found


def test_overview_headline_equals_query_totals(server, browser, simulated, capsys):
    totals = query("totals", simulated / "warehouse", capsys)[0]
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{server}/")
    wait_for_app(page)
    assert page.locator(".gd-hero").first.inner_text() == fmt.yuan(totals["raised_fen"])
    page.close()


def test_english_is_kept_across_pages(server, browser):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{server}/?lang=en")
    wait_for_app(page)
    page.get_by_role("link", name="→ Leaderboards").click()  # a link in the page, not the menu
    wait_for_app(page)
    assert "lang=en" in page.url
    assert page.locator("h1").first.inner_text() == "Leaderboards"
    page.close()


def test_project_url_opens_that_project(server, browser, simulated, capsys):
    board = query("board_projects", simulated / "warehouse", capsys)
    target = board[3]
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{server}/projects?project={target['project_id']}")
    wait_for_app(page)
    assert page.get_by_role("heading", name=target["name"]).count() >= 1
    assert fmt.yuan_exact(target["raised_fen"]) in page.content()
    page.close()


def test_a_version_published_during_the_test_appears_within_15_seconds(browser, simulated, copy_tree, capsys):
    warehouse = copy_tree(simulated / "warehouse")
    inbox = copy_tree(simulated / "inbox")
    with streamlit_server(warehouse) as url:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(f"{url}/")
        wait_for_app(page)
        before = page.locator(".gd-hero").first.inner_text()
        project = query("board_projects", warehouse, capsys)[0]["project_id"]
        write(inbox, "donations", "donations-20220430T000000-999999.parquet",
              [gift("D-live-1", project, 123_456_700, at(29, 23, 59, 59))])
        code, _ = ingest(inbox, warehouse, capsys)
        assert code == 0
        expected = fmt.yuan(query("totals", warehouse, capsys)[0]["raised_fen"])
        assert expected != before
        published = time.monotonic()
        page.wait_for_function("(expected) => document.querySelector('.gd-hero')?.innerText === expected",
                               arg=expected, timeout=15_000)
        assert time.monotonic() - published <= 15
        page.close()


def test_leaderboard_view_lives_in_the_url(server, browser, simulated, capsys):
    expected = query("board_projects", simulated / "warehouse", capsys, category="education")
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{server}/boards?category=education&sort=donations")
    wait_for_app(page)
    assert page.get_by_text(f"{len(expected)} · ").count() >= 1  # "N · rank by money raised"
    assert "category=education" in page.url and "sort=donations" in page.url
    page.close()


NEVER_A_PAGE_LIST = """() => {
  window.__pageList = false;
  new MutationObserver(() => {
    if (document.querySelector('[data-testid=stSidebarNav], [data-testid=stSidebar]')) window.__pageList = true;
  }).observe(document, {subtree: true, childList: true});
}"""


@pytest.mark.parametrize("path,shown", [("funds?lang=en", "h1"), ("staff", "h1"),
                                        ("bigscreen?scenes=hero", ".bs-screen [data-scene=hero]")])
def test_a_fresh_servers_first_visit_renders_its_page_directly_and_never_lists_the_pages(path, shown, browser,
                                                                                          simulated):
    """Streamlit decides per process, at its first session, whether to run a pages/ script on
    its own (the old multipage mode, with every file of pages/ in a sidebar); the server turns
    that off before any session (router.navigation_only), so a deep link opened first on a
    fresh server renders its page at once: the page, the top navigation (public pages), and no
    page list at any moment (watched from before the page loads)."""
    with streamlit_server(simulated / "warehouse") as url:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.add_init_script(f"({NEVER_A_PAGE_LIST})()")
        page.goto(f"{url}/{path}")
        page.wait_for_selector("[data-testid=stApp][data-test-connection-state=CONNECTED]", timeout=60_000)
        page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=60_000)
        assert page.locator(shown).count() >= 1  # as soon as its script has finished
        if shown == "h1":
            heading = page.locator("h1").first.inner_text()
            assert "Match funds" in heading or "Staff sign-in" in heading, heading
        if path.startswith("funds"):
            assert page.locator("[data-testid=stTopNavLink]").count() == len(PAGES)
        page.wait_for_timeout(1500)
        assert page.locator("[data-testid=stSidebarNav]").count() == 0
        assert page.evaluate("window.__pageList") is False
        assert page.url.endswith(f"/{path}")
        page.close()


def test_pages_opened_before_many_passes_keep_working_after_their_version_is_reclaimed(
        browser, simulated, copy_tree, capsys):
    from givingday.event import load_event
    from givingday.ingest import Ingest
    from givingday.warehouse import Warehouse

    warehouse = copy_tree(simulated / "warehouse")
    inbox = copy_tree(simulated / "inbox")
    with streamlit_server(warehouse) as url:
        pages = [browser.new_page(viewport={"width": 1440, "height": 900}) for _ in range(2)]
        for page, path in zip(pages, ("/", "/bigscreen?scenes=hero&rotate=600"), strict=True):
            page.goto(url + path)
            wait_for_app(page)
        first = Warehouse(warehouse).current_version()
        project = query("board_projects", warehouse, capsys)[0]["project_id"]
        ingest_now = Ingest(load_event(), inbox, Warehouse(warehouse), keep_minutes=0)
        for number in range(1, 7):
            write(inbox, "donations", f"donations-20220430T00000{number}-99999{number}.parquet",
                  [gift(f"D-reclaim-{number}", project, 10_000, at(29, 23, 59, 50 + number))])
            assert ingest_now.run_once()["published"]
        assert not Warehouse(warehouse).has_version(first)
        raised = query("totals", warehouse, capsys)[0]["raised_fen"]
        newest = str(Warehouse(warehouse).current_version())
        pages[0].wait_for_function("(v) => document.querySelector('.gd-stamp')?.dataset.version === v",
                                   arg=newest, timeout=20_000)
        assert pages[0].locator(".gd-hero").first.inner_text() == fmt.yuan(raised)
        pages[1].wait_for_function("(v) => document.querySelector('.bs-hero')?.innerText === v",
                                   arg=f"{raised // 100:,}.{raised % 100:02d}", timeout=20_000)  # the exact total
        for page in pages:
            assert page.locator("[data-testid=stException]").count() == 0
            assert page.locator("[data-testid=stAlertContentError]").count() == 0
        for page in pages:
            page.close()
