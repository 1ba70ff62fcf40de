"""Golden results for every named query on a small fixture inbox built here.

The fixture mixes every kind of input (good rows, bad rows, broken files, duplicates, a
conflict, a reversal, a newer projects snapshot) so the goldens pin what valid rows give.
Regenerate on purpose with `pytest tests/golden --regen-golden`, then read the diff.
"""

import json
from pathlib import Path

import polars as pl
import pytest

from givingday.queries import named_queries
from tests.helpers import at, credit, frame, gift, ingest, org, project, query, write

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

GOOD_GIFTS = [
    gift("D01", "P1", 10_000, at(27, 9, 59), "alice", name="张三"),
    gift("D02", "P1", 100, at(27, 10, 0, 30), "bob", "friend_assist", name=None, inviter="alice"),
    gift("D03", "P2", 52_000, at(27, 10, 1), "carol", name="山城小雨"),
    gift("D04", "P3", 666, at(27, 20, 15), "alice"),
    gift("D05", "P4", 1, at(28, 3, 0), "dave", name="Lily"),
    gift("D06", "P5", 88_800, at(28, 10, 0, 1), "erin", "coupon"),
    gift("D07", "P1", 500, at(29, 23, 59, 59), "bob"),
]
GOOD_MATCHES = [
    credit("M01", "P1", 77, at(27, 10, 0, 31), donation_id="D02"),
    credit("M02", "P1", 300, at(27, 10, 0, 32), kind="bonus_match", donation_id="D02"),
    credit("M03", "P2", 15_600, at(27, 10, 59, 59), "city", "ratio_match", participants=1),
    credit("M04", "P3", 500_000, at(27, 21), "steps", "step_match", participants=1200),
    credit("M05", "P5", 2_000, at(28, 10, 0, 6), "coupons", "coupon_match", donation_id="D06"),
    credit("M06", "P1", -77, at(27, 12), reverses="M01"),
]


def build_fixture_inbox(inbox: Path) -> None:
    write(inbox, "organizations", "organizations-20220426T120000.parquet", [
        org("O1"), org("O2", "social_org", 500000, credit_code="53500000MJP123456X"),
        org("O3", "volunteer_org", 500105), org("O4", "social_org", 500243)])
    write(inbox, "projects", "projects-20220426T120000.parquet", [project("P1"), project("P9")])
    write(inbox, "projects", "projects-20220427T000000.parquet", [
        project("P1", target_fen=50_000), project("P2", "O1", "elderly", 500102),
        project("P3", "O2", "education", 500105), project("P4", "O3", "relief", 500105),
        project("P5", "O2", "children", 500000), project("P6", "O4", "industry", 500243),
        project("P7", "O404", "industry", 500101)])  # unknown org: quarantined
    write(inbox, "donations", "donations-20220427T100000-000001.parquet", GOOD_GIFTS[:4] + [
        gift("D90", "P404", 100, at(27, 10)), gift("D91", "P1", 0, at(27, 10))])
    write(inbox, "donations", "donations-20220428T100000-000002.parquet", GOOD_GIFTS[2:] + [
        gift("D03", "P2", 1, at(27, 10, 1), "carol")])  # overlap, plus a conflicting D03
    write(inbox, "matches", "matches-20220427T100000-000001.parquet", GOOD_MATCHES + [
        credit("M90", "P1", 5, at(27, 10), pool_id="nobody"), credit("M91", "P1", -5, at(27, 10), reverses="M404")])
    (inbox / "donations" / "donations-20220428T110000-000003.parquet").write_bytes(b"truncated")
    write(inbox, "donations", "donations-20220428T120000-000004.parquet",
          frame("donations", [gift("D92", "P1", 100, at(28, 12))]).with_columns(pl.col("amount_fen").cast(pl.Float64)))


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
