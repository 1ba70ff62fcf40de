"""What `chaos` and the browser tests judge the screens' records by, and when chaos strikes."""

from givingday.chaos import _schedule, after_the_store_returned
from givingday.screens import falls_without_note, followed_within, mislabelled, with_errors
from givingday.ui import format as fmt

RAISED = {1: 1_000, 2: 2_000, 3: 1_500}


def _kiosk(version: int, fen: int, at: int, note: bool = False, errors: int = 0) -> dict:
    return {"version": str(version), "fen": str(fen), "text": None, "updating": False, "note": note,
            "errors": errors, "at": at}


def _overview(version: int, text: str, at: int, stale: bool = False, note: bool = False) -> dict:
    return {"version": str(version), "fen": None, "text": text, "stale": stale, "note": note, "errors": 0, "at": at}


def test_a_figure_under_another_versions_number_is_mislabelled_and_a_stale_one_is_not():
    seen = [_kiosk(1, 1_000, 0), _kiosk(2, 1_000, 1), _overview(2, fmt.yuan(2_000), 2),
            _overview(3, fmt.yuan(2_000), 3, stale=True), _overview(3, fmt.yuan(2_000), 4)]
    assert mislabelled(seen, RAISED) == [seen[1], seen[4]]


def test_a_total_that_falls_needs_a_correction_note():
    rising = [_kiosk(1, 1_000, 0), _kiosk(2, 2_000, 1)]
    assert falls_without_note(rising, RAISED) == []
    assert falls_without_note([*rising, _kiosk(3, 1_500, 2)], RAISED) == [_kiosk(3, 1_500, 2)]
    assert falls_without_note([*rising, _kiosk(3, 1_500, 2, note=True)], RAISED) == []


def test_followed_within_counts_from_each_publication_to_the_first_record_of_it_or_newer():
    seen = [_kiosk(1, 1_000, 1_000), _kiosk(3, 1_500, 9_000, errors=1)]
    assert followed_within(seen, {2: 2_000, 3: 4_000, 4: 5_000}) == {2: 7.0, 3: 5.0, 4: None}
    assert with_errors(seen) == [seen[1]]


def test_the_schedule_strikes_at_its_periods_and_puts_each_outage_between_its_ends():
    events = _schedule(1_200, 300, 420, 2, 30)
    assert [t for t, what in events if what == "replica"] == [300, 600, 900, 1200]
    assert [t for t, what in events if what == "ingest"] == [420, 840]
    assert [(t, what) for t, what in events if what.startswith("store")] == [
        (400, "store down"), (430, "store up"), (800, "store down"), (830, "store up")]
    assert events == sorted(events)
    assert _schedule(60, 0, 0, 0, 30) == []


def test_a_version_published_just_before_an_outage_is_also_timed_from_the_store_return():
    # the store is down from 100 s to 130 s; version 2 was published 2 s before, version 3
    # 50 s before (long enough to be read), version 4 after the return
    published = {2: 98_000, 3: 50_000, 4: 140_000}
    delays = {2: 35.0, 3: 3.0, 4: 4.0, 5: None}
    assert after_the_store_returned(delays, {**published, 5: 99_000}, [(100_000, 130_000)]) == {2: 3.0}
