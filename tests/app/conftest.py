"""Fixtures of the AppTest suites."""

import pytest
from altair.utils import schemapi

from givingday.ui import charts
from tests.helpers import build_fixture_inbox, ingest


@pytest.fixture(autouse=True)
def charts_checked_against_the_schema(monkeypatch):
    """Every chart a page makes here is checked against the Vega-Lite schema (a server skips
    the check: charts.CHECK_AGAINST_SCHEMA)."""
    monkeypatch.setattr(charts, "CHECK_AGAINST_SCHEMA", True)
    with schemapi.debug_mode(True):
        yield


@pytest.fixture(scope="module")
def fixture_warehouse(tmp_path_factory):
    """The golden fixture inbox, ingested: a small warehouse every page can be checked on."""
    root = tmp_path_factory.mktemp("pages")
    build_fixture_inbox(root / "inbox")
    ingest(root / "inbox", root / "warehouse")
    return root / "warehouse"
