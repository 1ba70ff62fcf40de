"""The store goes out of reach (an S3 endpoint that resets every connection): no viewer's
run waits for the look at the published version, and a read not made before is not tried
(each would wait out the client's retries, about 4.6 s over S3) but answered from its last
good result, marked with that result's version. Once a look gets through, the newest
version's own figures again."""

import threading

from givingday import queries
from givingday.ui import data
from tests.helpers import at, build_fixture_inbox, gift, ingest, write

WAIT_S = 30.0  # bounds for states that come at once; a failing test ends instead of hanging


def test_out_of_reach_no_run_waits_and_no_new_read_is_tried(monkeypatch, tmp_path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    build_fixture_inbox(inbox)
    assert ingest(inbox, warehouse)[0] == 0
    monkeypatch.setenv("GIVINGDAY_WAREHOUSE", str(warehouse))
    monkeypatch.setattr(data.st, "session_state", {})
    assert data.published_version() == 1
    totals_1, served = data.read("totals", 1)
    assert served == 1

    store = data._warehouse(str(data.resolve()))
    current, open_reader = store.current_version, queries.reader
    looking, back = threading.Event(), threading.Event()
    reads = []

    def reset():
        raise OSError("connection reset by peer")

    # the store is gone before version 2 is published, for the prefetch watcher too (it
    # held the store's own method): a watcher that saw version 1 and then version 2 before
    # the outage made version 2's totals, and the read below was served them, 2 not 1 (a
    # fresh run lost that race; pauses that let the watcher see both made it fail each time)
    monkeypatch.setattr(store, "current_version", reset)
    monkeypatch.setattr(data._watcher(str(data.resolve())), "_current", lambda: store.current_version())
    write(inbox, "donations", "donations-20220428T110000-000077.parquet", [gift("D-reach-1", "P1", 4_500, at(28, 11))])
    assert ingest(inbox, warehouse)[0] == 0

    def unreachable():
        looking.set()
        if not back.wait(WAIT_S):
            raise AssertionError("the store never came back")
        reset()

    def counted_reader(*args, **kwargs):
        reads.append(args)
        return open_reader(*args, **kwargs)

    monkeypatch.setattr(queries, "reader", counted_reader)
    data._CURRENT[str(data.resolve())].at -= data.CURRENT_TTL_S  # the look is due
    assert data.published_version() == 1 and not data.store_reached()  # the look that found it gone

    monkeypatch.setattr(store, "current_version", unreachable)
    data._CURRENT[str(data.resolve())].at -= data.CURRENT_TTL_S
    assert data.published_version() == 1  # answered while the look is still waiting on the store
    assert looking.wait(WAIT_S) and not back.is_set()
    frame, served = data.read("totals", 2)  # not read before: its last good result, not a try
    assert served == 1 and frame.equals(totals_1)
    assert data.stale_version() == 1
    assert reads == []

    monkeypatch.setattr(store, "current_version", current)
    back.set()
    assert _until(lambda: data.published_version() == 2)  # a look beside the runs gets through
    frame, served = data.read("totals", 2)
    assert served == 2 and frame["raised_fen"][0] == totals_1["raised_fen"][0] + 4_500
    assert reads  # read from the store again


def _until(state):
    """`state()` once it is truthy (the background look has answered), else None after WAIT_S."""
    pause = threading.Event()
    for _ in range(int(WAIT_S * 20)):
        if value := state():
            return value
        data._CURRENT[str(data.resolve())].at -= data.CURRENT_TTL_S  # the next look is due
        pause.wait(0.05)
    return None
