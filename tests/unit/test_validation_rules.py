"""One test per contract rule: the bad file or row is quarantined with its reason, the rest
is published, and the ingest exits 0."""

import polars as pl
import pytest

from tests.helpers import at, credit, frame, gift, ingest, org, project, query, reference_inbox, write

GOOD_GIFT = gift("D-good", "P1", 1000, at(27, 10))


def _quarantine(warehouse):
    import duckdb
    return duckdb.sql(f"select * from read_parquet('{warehouse}/tables/quarantine/*.parquet')").pl()


# -- whole files ------------------------------------------------------------------------


def _not_parquet(path):
    path.write_bytes(b"PAR1 this is not a parquet file")


def _truncated(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


BROKEN_FILES = {
    "unreadable-not-parquet": (_not_parquet, "unreadable"),
    "unreadable-truncated": (_truncated, "unreadable"),
    "missing_column": (lambda p: frame("donations", [GOOD_GIFT]).drop("channel").write_parquet(p), "missing_column"),
    "mistyped_column": (lambda p: frame("donations", [GOOD_GIFT]).with_columns(
        pl.col("amount_fen").cast(pl.Float64)).write_parquet(p), "mistyped_column"),
    "mistyped_string_column": (lambda p: frame("donations", [GOOD_GIFT]).with_columns(
        pl.col("project_id").cast(pl.Categorical).to_physical()).write_parquet(p), "mistyped_column"),
    "naive_timestamp": (lambda p: frame("donations", [GOOD_GIFT]).with_columns(
        pl.col("donated_at").dt.replace_time_zone(None)).write_parquet(p), "naive_timestamp"),
}


@pytest.mark.parametrize("case", BROKEN_FILES)
def test_broken_file_is_quarantined_whole_and_does_not_block_the_others(case, inbox, warehouse, capsys):
    reference_inbox(inbox)
    broken = write(inbox, "donations", "donations-20220427T100000-000001.parquet", [GOOD_GIFT])
    make_broken, rule = BROKEN_FILES[case]
    make_broken(broken)
    write(inbox, "donations", "donations-20220427T110000-000002.parquet", [gift("D2", "P1", 700, at(27, 11))])
    code, report = ingest(inbox, warehouse, capsys)
    assert code == 0
    assert [f["file"] for f in report["quarantined_files"]] == ["donations/donations-20220427T100000-000001.parquet"]
    assert report["quarantined_files"][0]["rule"] == rule
    assert query("totals", warehouse, capsys)[0]["public_fen"] == 700
    assert rule in _quarantine(warehouse)["rule"].to_list()


def test_lossless_type_differences_are_accepted(inbox, warehouse, capsys):
    """int64 adcodes, ms timestamps and a UTC zone are the same values; nothing is lost."""
    reference_inbox(inbox)
    data = frame("donations", [GOOD_GIFT]).with_columns(
        pl.col("donated_at").dt.convert_time_zone("UTC").dt.cast_time_unit("ms"))
    write(inbox, "donations", "donations-20220427T100000-000001.parquet", data)
    code, report = ingest(inbox, warehouse, capsys)
    assert code == 0 and report["files"]["quarantined"] == 0
    assert query("totals", warehouse, capsys)[0]["as_of"] == "2022-04-27T10:00:00+08:00"


# -- single rows ------------------------------------------------------------------------

ROW_CASES = {
    # table, bad row, column, rule
    "donation unknown project": ("donations", gift("D9", "PX", 100, at(27, 10)), "project_id", "unknown_project"),
    "donation zero amount": ("donations", gift("D9", "P1", 0, at(27, 10)), "amount_fen", "not_positive"),
    "donation negative amount": ("donations", gift("D9", "P1", -100, at(27, 10)), "amount_fen", "not_positive"),
    "donation unknown channel": ("donations", gift("D9", "P1", 100, at(27, 10), channel="wechat"), "channel", "unknown_value"),
    "donation empty id": ("donations", gift("", "P1", 100, at(27, 10)), "donation_id", "too_short"),
    "donation missing id": ("donations", gift(None, "P1", 100, at(27, 10)), "donation_id", "missing"),
    "donation missing donor": ("donations", gift("D9", "P1", 100, at(27, 10), donor=None), "donor_key", "missing"),
    "donation missing time": ("donations", gift("D9", "P1", 100, None), "donated_at", "missing"),
    "match unknown pool": ("matches", credit("M9", "P1", 100, at(27, 10), pool_id="other"), "pool_id", "unknown_pool"),
    "match unknown project": ("matches", credit("M9", "PX", 100, at(27, 10)), "project_id", "unknown_project"),
    "match zero amount": ("matches", credit("M9", "P1", 0, at(27, 10)), "amount_fen", "zero"),
    "match unknown kind": ("matches", credit("M9", "P1", 100, at(27, 10), kind="gift"), "kind", "unknown_value"),
    "match negative without reverses_match_id": ("matches", credit("M9", "P1", -100, at(27, 10)),
                                                 "reverses_match_id", "reversal_without_reverses_match_id"),
    "match reversal of an unknown match": ("matches", credit("M9", "P1", -100, at(27, 10), reverses="M404"),
                                           "reverses_match_id", "reversal_without_original"),
    "match missing participants": ("matches", credit("M9", "P1", 100, at(27, 10), participants=None),
                                   "participants", "missing"),
}


@pytest.mark.parametrize("case", ROW_CASES)
def test_bad_row_is_quarantined_with_file_row_column_rule_value(case, inbox, warehouse, capsys):
    table, bad, column, rule = ROW_CASES[case]
    reference_inbox(inbox)
    good = GOOD_GIFT if table == "donations" else credit("M1", "P1", 300, at(27, 10))
    name = f"{table}-20220427T100000-000001.parquet"
    write(inbox, table, name, [good, bad])
    code, report = ingest(inbox, warehouse, capsys)
    assert code == 0
    assert report["rows"][table]["published"] == 1
    assert report["rows"][table]["quarantined"] == 1
    assert report["rows"][table]["quarantined_by_reason"] == {f"{column}:{rule}": 1}
    record = _quarantine(warehouse).filter(pl.col("table") == table).row(0, named=True)
    assert (record["file"], record["row"], record["column"], record["rule"]) == (f"{table}/{name}", 1, column, rule)
    expected_value = bad[column]
    assert record["value"] == (None if expected_value is None else str(expected_value))


SNAPSHOT_CASES = {
    "org unknown kind": ("organizations", org("O9", kind="company"), "kind", "unknown_value"),
    "org adcode outside the region": ("organizations", org("O9", adcode=110101), "district_adcode", "unknown_district"),
    "org credit code not 18 characters": ("organizations", org("O9", credit_code="123"), "credit_code", "too_short"),
    "org empty name": ("organizations", org("O9", name=""), "name", "too_short"),
    "project unknown org": ("projects", project("P9", org_id="O404"), "org_id", "unknown_org"),
    "project unknown category": ("projects", project("P9", category="ecology"), "category", "unknown_category"),
    "project unknown status": ("projects", project("P9", status="draft"), "status", "unknown_value"),
    "project target not positive": ("projects", project("P9", target_fen=0), "target_fen", "not_positive"),
    "project adcode outside the region": ("projects", project("P9", adcode=500300), "district_adcode", "unknown_district"),
    "project repeated id": ("projects", project("P1"), "project_id", "duplicate_key"),
}


@pytest.mark.parametrize("case", SNAPSHOT_CASES)
def test_bad_snapshot_row_is_quarantined_and_the_rest_published(case, inbox, warehouse, capsys):
    table, bad, column, rule = SNAPSHOT_CASES[case]
    write(inbox, "organizations", "organizations-20220426T120000.parquet",
          [org("O1")] + ([bad] if table == "organizations" else []))
    write(inbox, "projects", "projects-20220426T120000.parquet",
          [project("P1")] + ([bad] if table == "projects" else []))
    code, report = ingest(inbox, warehouse, capsys)
    assert code == 0
    assert report["rows"][table]["published"] == 1
    assert report["rows"][table]["quarantined_by_reason"] == {f"{column}:{rule}": 1}
    assert query("totals", warehouse, capsys)[0]["projects"] == 1


def test_temporary_and_foreign_names_are_ignored(inbox, warehouse, capsys):
    reference_inbox(inbox)
    write(inbox, "donations", "donations-20220427T100000-000001.parquet.tmp", [GOOD_GIFT])
    write(inbox, "donations", "notes.txt", frame("donations", [GOOD_GIFT]))
    code, report = ingest(inbox, warehouse, capsys)
    assert code == 0
    assert report["files"]["quarantined"] == 0
    assert report["ignored_files"] == ["donations/notes.txt"]
    assert query("totals", warehouse, capsys)[0]["donations"] == 0
