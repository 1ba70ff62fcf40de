"""Under churn: a kiosk and an overview opened before 20 passes published every 2 s at
retention 0 (each pass reclaims the version before it). Each screen follows every
publication within 10 s, shows no error, and every figure it shows carries the version it
was computed from (the kiosk's frame `data-version` and its hero's `data-fen`; the
overview's stamp `data-version` and its hero), so no version's figures are ever shown as
another's.

The pages record what they show themselves (a MutationObserver, `SHOWN`), so the test
samples every change, not what a poll happens to catch; the overview is recorded only when
its script has finished (during a rerun old and new elements stand side by side)."""

import threading
import time

import pytest

from givingday.browser import streamlit_server, wait_for_app
from givingday.event import load_event
from givingday.ingest import Ingest
from givingday.ui import format as fmt
from givingday.warehouse import Warehouse
from tests.helpers import at, gift, query, write

pytestmark = pytest.mark.browser
PASSES, EVERY_S, FOLLOW_S = 20, 2.0, 10.0

SHOWN = """() => {
  window.__shown = [];
  const record = () => {
    const app = document.querySelector('[data-testid=stApp]');
    if (!app) return;
    const frame = document.querySelector('.bs-screen .bs[data-version]');
    let seen = null;
    if (frame) {
      const hero = frame.querySelector('.bs-hero[data-fen]');
      if (hero) seen = {version: frame.dataset.version, fen: hero.dataset.fen, text: null};
    } else if (app.dataset.testScriptState === 'notRunning') {
      const stamp = document.querySelector('.gd-stamp[data-version]');
      const hero = document.querySelector('.gd-hero');
      if (stamp && hero) seen = {version: stamp.dataset.version, fen: null, text: hero.innerText,
                                 stale: !!document.querySelector('.gd-note[data-stale-version]')};
    }
    const errors = document.querySelectorAll('[data-testid=stException], [data-testid=stAlertContentError]').length;
    const last = window.__shown[window.__shown.length - 1];
    if (seen && (!last || last.version !== seen.version || last.fen !== seen.fen || last.text !== seen.text
                 || errors !== last.errors))
      window.__shown.push({...seen, errors, at: Date.now()});
  };
  new MutationObserver(record).observe(document, {subtree: true, childList: true, attributes: true,
                                                  characterData: true});
}"""


def _publish(inbox, warehouse, project, published: dict, failed: list) -> None:
    """20 passes, one every 2 s, each one large gift, at retention 0: version -> when (ms)."""
    ingest = Ingest(load_event(), inbox, Warehouse(warehouse), keep_minutes=0)
    try:
        for number in range(1, PASSES + 1):
            started = time.monotonic()
            write(inbox, "donations", f"donations-20220430T0000{number:02d}-9999{number:02d}.parquet",
                  [gift(f"D-churn-{number}", project, 1_000_000 + number, at(29, 23, 59, 30 + number))])
            assert ingest.run_once()["published"]
            version = Warehouse(warehouse).current_version()
            published[version] = time.time() * 1000
            time.sleep(max(0.0, EVERY_S - (time.monotonic() - started)))
    except BaseException as exc:  # noqa: BLE001 - said by the test's thread
        failed.append(exc)


def test_a_kiosk_and_an_overview_follow_20_passes_at_retention_0_and_never_mislabel_a_figure(
        browser, simulated, copy_tree, capsys):
    warehouse = copy_tree(simulated / "warehouse")
    inbox = copy_tree(simulated / "inbox")
    project = query("board_projects", warehouse, capsys)[0]["project_id"]
    raised_by_version = {Warehouse(warehouse).current_version(): query("totals", warehouse, capsys)[0]["raised_fen"]}
    with streamlit_server(warehouse) as url:
        pages = {}
        for name, path in (("overview", "/"), ("kiosk", "/bigscreen?scenes=hero&rotate=600&ticker=0")):
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.add_init_script(f"({SHOWN})()")
            page.goto(url + path)
            wait_for_app(page)
            pages[name] = page
        published, failed = {}, []
        publisher = threading.Thread(target=_publish, args=(inbox, warehouse, project, published, failed))
        publisher.start()
        while publisher.is_alive():  # keep the pages' event loops turning while the passes run
            for page in pages.values():
                page.wait_for_timeout(100)
        assert not failed, failed
        newest = max(published)
        # every pass's own figures, from the compact history (the versions themselves are reclaimed)
        raised_by_version.update(_raised_by_version(warehouse))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not all(
                _last(page) and int(_last(page)["version"]) == newest for page in pages.values()):
            for page in pages.values():
                page.wait_for_timeout(200)
        shown = {name: page.evaluate("window.__shown") for name, page in pages.items()}
        for page in pages.values():
            page.close()
    for name, seen in shown.items():
        assert seen and int(seen[-1]["version"]) == newest, (name, seen[-3:])
        assert all(s["errors"] == 0 for s in seen), (name, [s for s in seen if s["errors"]][:3])
        for s in seen:  # a figure is always its version's own
            expected = raised_by_version[int(s["version"])]
            if s["fen"] is not None:
                assert int(s["fen"]) == expected, (name, s)
            elif not s["stale"]:
                assert s["text"] == fmt.yuan(expected), (name, s)
        for version, at_ms in published.items():  # each publication followed within 10 s
            followed = next((s["at"] for s in seen if int(s["version"]) >= version), None)
            assert followed is not None and followed - at_ms <= FOLLOW_S * 1000, (name, version, followed, at_ms)


def _last(page) -> dict | None:
    shown = page.evaluate("window.__shown")
    return shown[-1] if shown else None


def _raised_by_version(warehouse) -> dict[int, int]:
    """Each published version's total, from the `history` table ingest keeps."""
    from givingday import queries

    history = queries.reader(Warehouse(warehouse)).cursor().table("history").pl()
    return dict(zip(history["version"].to_list(), history["raised_fen"].to_list(), strict=True))
