"""AppTest of the app on a fixture warehouse: the live totals line equals `query totals`."""

import pytest
from streamlit.testing.v1 import AppTest

from givingday.ui import format as fmt
from tests.golden.test_named_queries import build_fixture_inbox
from tests.helpers import ROOT, ingest, query


@pytest.fixture(scope="module")
def fixture_warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("app")
    build_fixture_inbox(root / "inbox")
    ingest(root / "inbox", root / "warehouse")
    return root / "warehouse"


def _app(monkeypatch, warehouse) -> AppTest:
    monkeypatch.setenv("GIVINGDAY_WAREHOUSE", str(warehouse))
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()


def test_overview_shows_the_totals_of_the_named_query(monkeypatch, fixture_warehouse, capsys):
    app = _app(monkeypatch, fixture_warehouse)
    assert not app.exception
    totals = query("totals", fixture_warehouse, capsys)[0]
    shown = [metric.value for metric in app.metric]
    assert shown[0] == fmt.yuan(totals["raised_fen"])
    assert shown[1] == fmt.count(totals["donations"], "人次")
    assert "数据截至" in app.caption[0].value


def test_empty_warehouse_says_no_data_yet(monkeypatch, tmp_path):
    app = _app(monkeypatch, tmp_path / "nothing")
    assert not app.exception
    assert "暂无数据" in app.info[0].value


def test_money_formatting():
    assert fmt.yuan(37_900_000_000) == "3.79亿"
    assert fmt.yuan(5_054_000_000) == "5,054万"
    assert fmt.yuan(37_900_000_000, "en") == "¥379.0M"
    assert fmt.yuan(123_456) == "1,234.56元"
    assert fmt.yuan(123_400) == "1,234元"
    assert fmt.count(2_340_000, "人次") == "2,340,000人次"
    assert fmt.yuan_exact(123_456_789) == "1,234,567.89元"
