"""A pool's run-out projection never lands past the pool's own end: "enough for today" instead,
by one rule (the query's `lasts`) on /funds and on the big screen."""

from givingday import queries
from givingday.event import load_event
from givingday.ui import bigscreen, blocks
from givingday.warehouse import Warehouse
from tests.helpers import at, credit, gift, ingest_ok, reference_inbox, write


def _tencent(tmp_path, fen_a_minute: int) -> dict:
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    reference_inbox(inbox)
    write(inbox, "donations", "donations-20220427T103000-000001.parquet",
          [gift(f"D{i}", "P1", 1_000, at(27, 10, i)) for i in range(30)])
    write(inbox, "matches", "matches-20220427T103000-000001.parquet",
          [credit(f"M{i}", "P1", fen_a_minute, at(27, 10, i), donation_id=f"D{i}") for i in range(30)])
    ingest_ok(inbox, warehouse)
    rows = queries.reader(Warehouse(warehouse)).run("pool_projection").rows(named=True)
    return next(r for r in rows if r["pool_id"] == "tencent")


def test_a_slow_pool_is_enough_for_today_not_a_date_months_away(tmp_path):
    projection = _tencent(tmp_path, 100)  # 1 yuan a minute against a daily share of millions
    assert projection["minutes_left"] > 24 * 60 and projection["lasts"]
    assert blocks.outlasts(projection, "zh") == "今日额度充足"
    assert bigscreen._fund_status(projection, load_event(), "en") == "enough for today"


def test_a_pool_running_out_today_still_gets_its_time(tmp_path):
    share = load_event().pool("tencent").daily_shares_fen[0]
    projection = _tencent(tmp_path, share // 31)  # nearly the whole share in 30 minutes
    assert projection["minutes_left"] is not None and not projection["lasts"]
    assert blocks.outlasts(projection, "zh") is None
    assert "用完" in bigscreen._fund_status(projection, load_event(), "zh")
