"""Golden results for every named query on the small fixture inbox (tests/helpers.py).

The fixture mixes every kind of input (good rows, bad rows, broken files, duplicates, a
conflict, a reversal, a newer projects snapshot) so the goldens pin what valid rows give.
Regenerate on purpose with `pytest tests/golden --regen-golden`, then read the diff.
"""

import json
from pathlib import Path

import pytest

from givingday.queries import named_queries
from tests.helpers import GOOD_GIFTS, GOOD_MATCHES, build_fixture_inbox, ingest, query

EXPECTED = Path(__file__).parent / "expected"
CASES = [("totals", {}), ("projects_leaderboard", {}), ("orgs_leaderboard", {}), ("categories", {}),
         ("districts", {}), ("pools", {}), ("timeline", {}), ("timeline", {"grain": "minute"}),
         ("board_projects", {}), ("board_projects", {"category": "industry"}), ("board_projects", {"search": "P3"}),
         ("board_projects", {"district": "500105"}), ("board_orgs", {}), ("board_orgs", {"category": "children"}),
         ("category_timeline", {}), ("category_leaders", {}), ("pool_burndown", {"grain": "hour"}),
         ("pool_daily_shares", {}), ("pool_projection", {}), ("project_timeline", {"project": "P1"}),
         ("project_pools", {"project": "P1"}), ("board_projects", {"org": "O2"}),
         ("project_timeline", {"projects": "P3,P5"}), ("project_pools", {"projects": "P1,P2,P3"}), ("latest_gifts", {"project": "P1"}), ("corrections", {}),
         ("pace", {}), ("latest_gifts_all", {}), ("latest_gifts_all", {"top": "2"})]

@pytest.fixture(scope="module")
def golden_warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("golden")
    build_fixture_inbox(root / "inbox")
    code, report = ingest(root / "inbox", root / "warehouse")
    assert code == 0
    return root / "warehouse", report


@pytest.mark.parametrize("name,params", CASES, ids=[f"{n}-{'-'.join(p.values()) or 'default'}" for n, p in CASES])
def test_named_query_matches_its_golden_result(name, params, golden_warehouse, capsys, regen_golden):
    warehouse, _ = golden_warehouse
    result = query(name, warehouse, capsys, **params)
    path = EXPECTED / f"{name}{''.join('-' + v for v in params.values())}.json"
    if regen_golden:
        path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    assert result == json.loads(path.read_text())


def test_every_named_query_has_a_golden_case():
    assert {name for name, _ in CASES} == set(named_queries())


def test_figures_equal_what_the_valid_rows_give(golden_warehouse, capsys):
    """Independent of the goldens: sums computed here from the valid rows of the fixture."""
    warehouse, report = golden_warehouse
    public = sum(g["amount_fen"] for g in GOOD_GIFTS)
    matched = sum(m["amount_fen"] for m in GOOD_MATCHES)
    totals = query("totals", warehouse, capsys)[0]
    assert totals == {"raised_fen": public + matched, "public_fen": public, "matched_fen": matched,
                      "donations": 7, "donors": 5, "projects": 6, "as_of": "2022-04-29T23:59:59+08:00"}
    board = {row["project_id"]: row for row in query("projects_leaderboard", warehouse, capsys)}
    assert board["P1"]["raised_fen"] == 10_000 + 100 + 500 + 300
    assert board["P1"]["donors"] == 2 and board["P6"]["raised_fen"] == 0
    assert [row["rank"] for row in board.values()] == sorted(row["rank"] for row in board.values())
    categories = query("categories", warehouse, capsys)
    assert [c["category"] for c in categories] == ["industry", "elderly", "education", "talent", "children", "relief"]
    assert sum(c["raised_fen"] for c in categories) == public + matched
    districts = query("districts", warehouse, capsys)
    assert len(districts) == 38
    # P5 is a city-level project (500000): in no district
    assert sum(d["raised_fen"] for d in districts) == public + matched - board["P5"]["raised_fen"]
    pools = {p["pool_id"]: p for p in query("pools", warehouse, capsys)}
    assert pools["tencent"]["matched_fen"] == 300 and pools["steps"]["remaining_fen"] == 2_243_000_000 - 500_000
    orgs = {o["org_id"]: o for o in query("orgs_leaderboard", warehouse, capsys)}
    assert orgs["O2"]["raised_fen"] == board["P3"]["raised_fen"] + board["P5"]["raised_fen"]
    assert orgs["O2"]["projects"] == 2
    timeline = query("timeline", warehouse, capsys)
    assert timeline[-1]["cumulative_raised_fen"] == public + matched
    reasons = report["rows"]["donations"]["quarantined_by_reason"]
    assert reasons == {"project_id:unknown_project": 1, "amount_fen:not_positive": 1,
                       "donation_id:conflicting_duplicate": 1}
    assert {f["rule"] for f in report["quarantined_files"]} == {"unreadable", "mistyped_column"}
