"""Fixtures of the AppTest suites."""

import pytest

from tests.helpers import build_fixture_inbox, ingest


@pytest.fixture(scope="module")
def fixture_warehouse(tmp_path_factory):
    """The golden fixture inbox, ingested: a small warehouse every page can be checked on."""
    root = tmp_path_factory.mktemp("pages")
    build_fixture_inbox(root / "inbox")
    ingest(root / "inbox", root / "warehouse")
    return root / "warehouse"
