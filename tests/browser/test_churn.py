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

from givingday.browser import streamlit_server
from givingday.event import load_event
from givingday.ingest import Ingest
from givingday.warehouse import Warehouse
from tests.browser.screens import (
    assert_no_error_and_own_figures,
    followed_within,
    open_screens,
    raised_in_history,
    wait_until_all_show,
)
from tests.helpers import at, gift, query, write

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSES, EVERY_S, FOLLOW_S = 20, 2.0, 10.0


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
        pages = open_screens(browser, url)
        published, failed = {}, []
        publisher = threading.Thread(target=_publish, args=(inbox, warehouse, project, published, failed))
        publisher.start()
        while publisher.is_alive():  # keep the pages' event loops turning while the passes run
            for page in pages.values():
                page.wait_for_timeout(100)
        assert not failed, failed
        newest = max(published)
        # every pass's own figures, from the compact history (the versions themselves are reclaimed)
        raised_by_version.update(raised_in_history(warehouse))
        shown = wait_until_all_show(pages, newest, seconds=20)
    for name, seen in shown.items():
        assert seen and int(seen[-1]["version"]) == newest, (name, seen[-3:])
        assert_no_error_and_own_figures(name, seen, raised_by_version)
        late = {v: s for v, s in followed_within(seen, published).items() if s is None or s > FOLLOW_S}
        assert not late, (name, late)  # each publication followed within 10 s

