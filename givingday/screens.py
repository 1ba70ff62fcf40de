"""What a kiosk and an overview show, as the pages record it themselves: for the browser
tests and for `chaos`.

`SHOWN` (an init script) makes a page keep `window.__shown`: every change of the
(version, figure) pair it shows, with the count of error elements, whether a correction
note is up, and the time (ms). A kiosk's record says whether its frame is marked updating
(数据更新中). The kiosk's figure is its frame's `data-version` and its hero's `data-fen` (or, on a
milestone card, its total's);
the overview's is its stamp's `data-version` and the hero's text, recorded only when its
script has finished (during a rerun old and new elements stand side by side), with whether
a stale note is up. A MutationObserver samples every change, not what a poll happens to
catch."""

from __future__ import annotations

import time

from givingday.browser import wait_for_app
from givingday.ui import format as fmt

SCREENS = (("overview", "/"), ("kiosk", "/bigscreen?scenes=hero&rotate=600&ticker=0"))

SHOWN = """() => {
  window.__shown = [];
  const record = () => {
    const app = document.querySelector('[data-testid=stApp]');
    if (!app) return;
    const frame = document.querySelector('.bs-screen .bs[data-version]');
    let seen = null;
    if (frame) {
      const hero = frame.querySelector('.bs-hero[data-fen], .bs-total[data-fen]');  // a milestone card shows the total too
      if (hero) seen = {version: frame.dataset.version, fen: hero.dataset.fen, text: null,
                      updating: !!frame.querySelector('.bs-flag'), note: !!frame.querySelector('.bs-note')};
    } else if (app.dataset.testScriptState === 'notRunning') {
      const stamp = document.querySelector('.gd-stamp[data-version]');
      const hero = document.querySelector('.gd-hero');
      if (stamp && hero) seen = {version: stamp.dataset.version, fen: null, text: hero.innerText,
                                 stale: !!document.querySelector('.gd-note[data-stale-version]'),
                                 note: !!document.querySelector('.gd-note:not([data-stale-version])')};
    }
    const errors = document.querySelectorAll('[data-testid=stException], [data-testid=stAlertContentError]').length;
    const last = window.__shown[window.__shown.length - 1];
    if (seen && (!last || last.version !== seen.version || last.fen !== seen.fen || last.text !== seen.text
                 || errors !== last.errors || last.updating !== seen.updating || last.note !== seen.note))
      window.__shown.push({...seen, errors, at: Date.now()});
  };
  new MutationObserver(record).observe(document, {subtree: true, childList: true, attributes: true,
                                                  characterData: true});
}"""


def open_screens(browser, url: str, screens=SCREENS) -> dict:
    """An overview and a kiosk (or `screens`: (name, path) pairs), each recording what it
    shows from its first paint."""
    pages = {}
    for name, path in screens:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.add_init_script(f"({SHOWN})()")
        page.goto(url + path)
        wait_for_app(page)
        pages[name] = page
    return pages


def last_shown(page) -> dict | None:
    shown = page.evaluate("window.__shown")
    return shown[-1] if shown else None


def turn(pages: dict, seconds: float) -> None:
    """Keep the pages' event loops turning for `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for page in pages.values():
            page.wait_for_timeout(200)


def turn_until_all_show(pages: dict, version: int, seconds: float) -> float | None:
    """Turn the pages' event loops until each shows `version` or newer: the seconds that
    took, or None if the time ran out."""
    started = time.monotonic()
    while not all(last_shown(page) and int(last_shown(page)["version"]) >= version for page in pages.values()):
        if time.monotonic() - started > seconds:
            return None
        for page in pages.values():
            page.wait_for_timeout(100)
    return time.monotonic() - started


def wait_until_all_show(pages: dict, version: int, seconds: float) -> dict[str, list[dict]]:
    """As `turn_until_all_show`; then close the pages and give what each showed."""
    turn_until_all_show(pages, version, seconds)
    shown = {name: page.evaluate("window.__shown") for name, page in pages.items()}
    for page in pages.values():
        page.close()
    return shown


def with_errors(seen: list[dict]) -> list[dict]:
    """The records made while an error element was up."""
    return [s for s in seen if s["errors"]]


def mislabelled(seen: list[dict], raised_by_version: dict[int, int]) -> list[dict]:
    """The records whose figure is not their version's own total (a stale overview says so,
    with its own older version, and is not counted)."""
    wrong = []
    for s in seen:
        expected = raised_by_version.get(int(s["version"]))
        if expected is None:
            continue
        if s["fen"] is not None and int(s["fen"]) != expected:
            wrong.append(s)
        elif s["fen"] is None and not s.get("stale") and s["text"] != fmt.yuan(expected):
            wrong.append(s)
    return wrong


def falls_without_note(seen: list[dict], raised_by_version: dict[int, int]) -> list[dict]:
    """The records whose total is below the one shown before, with no correction note up."""
    falls, before = [], None
    for s in seen:
        raised = raised_by_version.get(int(s["version"]))
        if raised is None or s.get("stale"):
            continue
        if before is not None and raised < before and not s.get("note"):
            falls.append(s)
        before = raised
    return falls


def followed_within(seen: list[dict], published: dict[int, float]) -> dict[int, float | None]:
    """For each published version (-> when, ms since the epoch), the seconds until the screen
    first showed it or a newer one (None: never)."""
    result = {}
    for version, at_ms in published.items():
        shown = next((s["at"] for s in seen if int(s["version"]) >= version), None)
        result[version] = None if shown is None else max(0.0, (shown - at_ms) / 1000)
    return result


def raised_in_history(warehouse) -> dict[int, int]:
    """Each published version's total, from the `history` table ingest keeps (the versions
    themselves may be reclaimed)."""
    from givingday import queries
    from givingday.warehouse import Warehouse

    history = queries.reader(Warehouse(warehouse)).cursor().table("history").pl()
    return dict(zip(history["version"].to_list(), history["raised_fen"].to_list(), strict=True))
