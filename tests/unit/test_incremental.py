"""Passes fold their rows into the published rollups. Proof that this is exact: an event's
inbox is delivered in many small batches, in several random orders (so files arrive late,
reversals and repeats arrive before or after what they refer to, and a projects snapshot
moves a project to another category midway). After every pass:

- every rollup table equals a from-scratch ingest of the rows that version publishes;
- every named query equals it too;
- the headline figures equal sums computed here, in polars, from those rows.
"""

import random
import shutil
from pathlib import Path

import polars as pl
import pytest

from givingday import cli, queries
from givingday.rollups import ROLLUPS
from givingday.warehouse import Warehouse
from tests.helpers import at, gift, ingest_ok, reference_inbox, rollup_tables, scratch_ingest_of_published_rows, write

pytestmark = pytest.mark.spread  # its passes share only a small simulated inbox
SCALE, SEED = "0.002", "11"


@pytest.fixture(scope="module")
def event_inbox(tmp_path_factory) -> Path:
    """A small simulated event plus the awkward cases a live platform delivers."""
    inbox = tmp_path_factory.mktemp("event") / "inbox"
    assert cli.main(["simulate", "--inbox", str(inbox), "--scale", SCALE, "--seed", SEED]) == 0
    first = pl.read_parquet(sorted((inbox / "donations").glob("*.parquet"))[10])
    write(inbox, "donations", "donations-20220428T120000-900001.parquet",  # repeats, identical and not
          pl.concat([first.head(5), first.slice(5, 3).with_columns(amount_fen=pl.col("amount_fen") + 1)]))
    write(inbox, "donations", "donations-20220427T000000-900002.parquet", [  # a late, early gift
        gift("LATE1", first["project_id"][0], 12_345, at(27, 0, 30), donor=first["donor_key"][0])])
    projects = sorted((inbox / "projects").glob("*.parquet"))
    moved = pl.read_parquet(projects[-1]).with_columns(
        category=pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("relief")).otherwise("category"))
    write(inbox, "projects", "projects-20220429T120000.parquet", moved)
    return inbox


def _deliveries(inbox: Path, seed: int) -> list[list[Path]]:
    """Reference snapshots first (a pass needs them to check rows), then every other file
    in a random order, in batches of five to sixteen files."""
    files = sorted(p for p in inbox.rglob("*.parquet"))
    first = [p for p in files if p.parent.name == "organizations"] + \
            [p for p in files if p.parent.name == "projects"][:1]
    rest = [p for p in files if p not in first]
    rng = random.Random(seed)
    rng.shuffle(rest)
    batches = [first]
    while rest:
        size = rng.randint(5, 16)
        batches.append(rest[:size])
        rest = rest[size:]
    return batches


def _named(warehouse: Path) -> dict[str, pl.DataFrame]:
    """Every named query with its defaults, and with the busiest project where it takes one."""
    reader = queries.reader(Warehouse(warehouse))
    busiest = reader.run("projects_leaderboard").row(0, named=True)["project_id"]
    results = {}
    for name, query in queries.named_queries().items():
        params = {"project": busiest} if "project" in query.params else {}
        results[name] = reader.run(name, params)
    return results


def _check_sums(warehouse: Path, rows: dict[str, pl.DataFrame]) -> None:
    gifts, matches = rows["donations"], rows["matches"]
    totals = queries.reader(Warehouse(warehouse)).run("totals").row(0, named=True)
    assert totals["public_fen"] == (gifts["amount_fen"].sum() or 0)
    assert totals["matched_fen"] == (matches["amount_fen"].sum() or 0)
    assert totals["donations"] == gifts.height
    assert totals["donors"] == gifts["donor_key"].n_unique()
    board = {r["project_id"]: r for r in queries.reader(Warehouse(warehouse))
             .run("projects_leaderboard", {}).iter_rows(named=True)}
    expected = gifts.group_by("project_id").agg(public_fen=pl.col("amount_fen").sum(),
                                                donors=pl.col("donor_key").n_unique())
    for project_id, public_fen, donors in expected.iter_rows():
        if project_id in board:
            assert (board[project_id]["public_fen"], board[project_id]["donors"]) == (public_fen, donors)


@pytest.mark.slow
@pytest.mark.parametrize("order", (1, 2, 3))
def test_batched_passes_equal_a_from_scratch_ingest_after_every_pass(event_inbox, tmp_path, order):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    passes = 0
    for batch in _deliveries(event_inbox, order):
        for path in batch:
            target = inbox / path.relative_to(event_inbox)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
        ingest_ok(inbox, warehouse)
        passes += 1
        scratch, rows = scratch_ingest_of_published_rows(warehouse, tmp_path / f"scratch-{passes}")
        batched, fresh = rollup_tables(warehouse), rollup_tables(scratch)
        for name in ROLLUPS:
            assert batched[name].equals(fresh[name]), f"pass {passes}: {name} differs from scratch"
        ours, theirs = _named(warehouse), _named(scratch)
        for case, frame in ours.items():
            if case.startswith("corrections"):
                continue  # the log of falls between versions; a single pass has none
            assert frame.equals(theirs[case]), f"pass {passes}: {case} differs from scratch"
        _check_sums(warehouse, rows)
        shutil.rmtree(scratch.parent)
    assert passes >= 12
    assert Warehouse(warehouse).current_version() == passes


def test_the_rows_of_every_file_count_once_however_they_arrive(tmp_path):
    """The donor register: a donor seen in an earlier pass is not new again; a late gift
    moves the donor's first minute earlier without counting them twice."""
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    reference_inbox(inbox)
    write(inbox, "donations", "donations-20220427T120000-000001.parquet",
          [gift("D1", "P1", 100, at(27, 12), "k1"), gift("D2", "P2", 100, at(27, 12, 5), "k2")])
    ingest_ok(inbox, warehouse)
    write(inbox, "donations", "donations-20220427T130000-000002.parquet",
          [gift("D3", "P1", 100, at(27, 13), "k1"), gift("D4", "P1", 100, at(27, 13), "k3")])
    ingest_ok(inbox, warehouse)
    write(inbox, "donations", "donations-20220427T090000-000003.parquet", [gift("D5", "P1", 100, at(27, 9), "k2")])
    ingest_ok(inbox, warehouse)
    reader = queries.reader(Warehouse(warehouse))
    assert reader.run("totals").row(0, named=True)["donors"] == 3
    minutes = {(r["minute"].hour, r["minute"].minute): r["new_donors"]
               for r in reader.cursor().table("rollup_minute").pl().iter_rows(named=True)}
    # k2 first gave at 9:00 now (no longer at 12:05), k1 at 12:00, k3 at 13:00
    assert minutes == {(9, 0): 1, (12, 0): 1, (12, 5): 0, (13, 0): 1}
    board = {r["project_id"]: r["donors"] for r in reader.run("projects_leaderboard").iter_rows(named=True)}
    assert (board["P1"], board["P2"]) == (3, 1)
