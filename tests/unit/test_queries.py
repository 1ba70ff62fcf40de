"""The named queries as a public interface: documented, parameterised, all present."""

import pytest

from givingday.queries import QueryError, named_queries

SPEC_COLUMNS = {
    "totals": ["raised_fen", "public_fen", "matched_fen", "donations", "donors", "projects", "as_of"],
    "projects_leaderboard": ["rank", "project_id", "name", "org_id", "category", "district_adcode", "target_fen",
                             "raised_fen", "public_fen", "matched_fen", "donations", "donors"],
    "orgs_leaderboard": ["rank", "org_id", "name", "kind", "raised_fen", "donations", "projects"],
    "categories": ["category", "name", "raised_fen", "public_fen", "matched_fen", "donations", "projects"],
    "districts": ["district_adcode", "name", "raised_fen", "donations", "projects"],
    "pools": ["pool_id", "name", "budget_fen", "matched_fen", "remaining_fen"],
    "timeline": ["bucket_start", "public_fen", "matched_fen", "donations", "cumulative_raised_fen"],
}


def test_every_query_of_the_spec_exists():
    assert set(SPEC_COLUMNS) <= set(named_queries())


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_every_query_has_a_header_saying_what_a_row_is(name):
    query = named_queries()[name]
    assert query.summary.lower().startswith("one row"), query.summary
    assert len(query.description) > 40  # units and caveats


def test_query_columns_start_with_the_spec_columns(tmp_path, capsys):
    from tests.helpers import build_fixture_inbox, ingest, query

    build_fixture_inbox(tmp_path / "inbox")
    ingest(tmp_path / "inbox", tmp_path / "warehouse", capsys)
    for name, columns in SPEC_COLUMNS.items():
        rows = query(name, tmp_path / "warehouse", capsys)
        assert list(rows[0])[: len(columns)] == columns, name


def test_parameters_are_declared_and_checked():
    timeline = named_queries()["timeline"]
    assert timeline.bind({}) == {"grain": "hour"}
    assert timeline.bind({"grain": "minute"}) == {"grain": "minute"}
    with pytest.raises(QueryError):
        timeline.bind({"grain": "'; drop table x; --"})
    with pytest.raises(QueryError):
        named_queries()["totals"].bind({"grain": "hour"})


def test_no_sql_text_outside_the_queries_folder():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"[\"'][ \t]*(select|with)[ \t]+[a-z_*]", re.IGNORECASE)  # per line, like the hook
    offenders = [str(p) for folder in ("givingday", "pages") for p in (root / folder).rglob("*.py")
                 if pattern.search(p.read_text(encoding="utf-8"))]
    offenders += [str(root / "app.py")] if pattern.search((root / "app.py").read_text(encoding="utf-8")) else []
    assert offenders == []
