"""`python -m givingday bench [--scale F]`: figures, not a timed test.

Simulates an event at the given scale, ingests it in a child process (throughput and peak
RSS of that process), then times every named query on the pinned version (median of N
runs) and, in the same run, the same totals + project leaderboard computed two naive ways
from the raw inbox files: pandas reading the Parquet, and a DuckDB scan of raw donations.
Ratios against the named queries are what to compare across machines.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from givingday import queries
from givingday.event import load_event
from givingday.measure import folder_mb
from givingday.simulate import simulate
from givingday.warehouse import Warehouse

TARGETS = {"query_ms": 50, "pandas_ratio": 50, "ingest_rows_per_s": 500_000, "ingest_rss_gb": 4}
QUERY_CASES = [(name, {}) for name in queries.named_queries()] + [("timeline", {"grain": "minute"})]


def _timed(function, repeats: int) -> tuple[float, object]:
    """Median wall time in ms over `repeats` runs, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def _ingest_in_child(inbox: Path, warehouse: Path) -> tuple[float, float, dict]:
    report = warehouse.parent / "bench-report.json"
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "givingday", "ingest", "--inbox", str(inbox),
                              "--warehouse", str(warehouse), "--report", str(report)],
                             stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("givingday: bench ingest failed")
    return seconds, usage.ru_maxrss / 1024 / 1024, json.loads(report.read_text())


def _pandas_way(inbox: Path) -> tuple[int, int]:
    import pandas as pd

    donations = pd.read_parquet(inbox / "donations", columns=["donation_id", "project_id", "amount_fen", "donor_key"])
    matches = pd.read_parquet(inbox / "matches", columns=["project_id", "amount_fen"])
    projects = pd.read_parquet(sorted((inbox / "projects").glob("*.parquet"))[-1])
    raised = int(donations["amount_fen"].sum() + matches["amount_fen"].sum())
    gifts = donations.groupby("project_id").agg(public_fen=("amount_fen", "sum"), donations=("donation_id", "count"),
                                                donors=("donor_key", "nunique"))
    matched = matches.groupby("project_id")["amount_fen"].sum().rename("matched_fen")
    board = projects[["project_id"]].merge(gifts, on="project_id", how="left").merge(matched, on="project_id", how="left")
    board = board.fillna(0)
    board["raised_fen"] = board["public_fen"] + board["matched_fen"]
    board = board.sort_values(["raised_fen", "project_id"], ascending=[False, True])
    return raised, int(board["raised_fen"].iloc[0])


def _duckdb_raw_way(inbox: Path) -> tuple[int, int]:
    con = queries.new_connection()
    con.read_parquet(str(inbox / "donations" / "*.parquet")).create_view("raw_donations")
    con.read_parquet(str(inbox / "matches" / "*.parquet")).create_view("raw_matches")
    con.read_parquet(str(sorted((inbox / "projects").glob("*.parquet"))[-1])).create_view("raw_projects")
    totals = con.sql(queries.internal_sql("bench/raw_totals").sql).fetchall()[0]
    board = con.sql(queries.internal_sql("bench/raw_leaderboard").sql).fetchall()
    con.close()
    return int(totals[0]), int(board[0][1])


def _named_way(reader) -> tuple[int, int]:
    totals = reader.run("totals")
    board = reader.run("projects_leaderboard")
    return int(totals["raised_fen"][0]), int(board["raised_fen"][0])


def _staff_room(reader, warehouse: Warehouse, repeats: int) -> None:
    """What the staff console computes: the detectors and alerts (once per version, cached)
    and a drill-down of the district with the most projects (cached per version and subject)."""
    from givingday import alerts, integrity

    event = load_event()
    base_ms, _ = _timed(lambda: reader.run("totals"), repeats)
    board = reader.run("board_projects")
    district = board.group_by("district_adcode").len().sort(["len", "district_adcode"], descending=True).row(0)
    ids = ",".join(reader.run("board_projects", {"district": str(district[0])})["project_id"])
    cases = [("integrity flags (4 detectors)", lambda: integrity.flags(reader, event)),
             ("alerts (all rules)", lambda: alerts.alerts(reader, event))]
    for name in ("project_timeline", "project_pools", "staff/gifts_by_bracket", "staff/scope_latest_gifts"):
        query = queries.internal_sql(name) if "/" in name else queries.named_query(name)
        bound = query.bind({"projects": ids})
        cases.append((f"drill-down {name}", lambda query=query, bound=bound: reader.run_sql(query, bound)))
    print(f"staff console (median of {max(1, repeats // 5)} runs; district {district[0]}, {district[1]} projects), "
          f"against totals {base_ms:.2f} ms:")
    for label, function in cases:
        median, _ = _timed(function, max(1, repeats // 5))
        print(f"  {label:<40} {median:9.1f} ms  {median / base_ms:8,.0f}x totals")


def bench(scale: float, workdir: Path | None, repeats: int, keep: bool, passes: int = 5,
          page_seconds: float = 30, api_seconds: float = 10, hot_passes: int = 0,
          baseline: str | None = None) -> int:
    root = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="givingday-bench-"))
    inbox, warehouse_dir = root / "inbox", root / "warehouse"
    for folder in (inbox, warehouse_dir):
        shutil.rmtree(folder, ignore_errors=True)
    print(f"bench at scale {scale:g} in {root} ({platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, DuckDB {duckdb.__version__})", flush=True)
    started = time.perf_counter()
    made = simulate(load_event(), inbox, scale=scale)
    print(f"simulate: {made['donations']:,} donations, {made['matches']:,} matches "
          f"in {time.perf_counter() - started:.1f} s", flush=True)

    seconds, rss_gb, report = _ingest_in_child(inbox, warehouse_dir)
    rate = made["donations"] / seconds
    rows = made["donations"] + made["matches"]
    print(f"ingest: {seconds:.1f} s, {rate:,.0f} donations/s ({rows / seconds:,.0f} rows/s all tables), "
          f"peak RSS {rss_gb:.2f} GB  [targets: >= {TARGETS['ingest_rows_per_s']:,} donations/s, "
          f"<= {TARGETS['ingest_rss_gb']} GB]", flush=True)
    assert report["rows"]["donations"]["published"] == made["donations"]

    reader = queries.reader(Warehouse(warehouse_dir))
    print(f"named queries on version {reader.version} (median of {repeats} runs, first run in brackets):")
    worst = 0.0
    for name, params in QUERY_CASES:
        first, _ = _timed(lambda name=name, params=params: reader.run(name, params), 1)
        median, frame = _timed(lambda name=name, params=params: reader.run(name, params), repeats)
        worst = max(worst, median)
        label = name + "".join(f" {k}={v}" for k, v in params.items())
        print(f"  {label:<28} {median:8.2f} ms  ({first:.1f} ms)  {frame.height} rows")
    print(f"  slowest named query: {worst:.2f} ms  [target: <= {TARGETS['query_ms']} ms]")

    _staff_room(reader, Warehouse(warehouse_dir), repeats)

    named_ms, named = _timed(lambda: _named_way(reader), repeats)
    raw_ms, raw = _timed(lambda: _duckdb_raw_way(inbox), max(1, repeats // 5))
    pandas_ms, naive = _timed(lambda: _pandas_way(inbox), 1)
    if not (named == raw == naive):
        print(f"  WARNING: the three ways disagree: named {named}, duckdb raw {raw}, pandas {naive}")
    print("totals + project leaderboard, same figures three ways:")
    print(f"  named queries (rollups)   {named_ms:10.2f} ms   1x")
    print(f"  DuckDB scan of raw files  {raw_ms:10.2f} ms   {raw_ms / named_ms:,.0f}x slower")
    print(f"  pandas on raw Parquet     {pandas_ms:10.2f} ms   {pandas_ms / named_ms:,.0f}x slower"
          f"  [target: >= {TARGETS['pandas_ratio']}x]")
    _small_passes(inbox, warehouse_dir, passes, seconds)
    if hot_passes:
        hot_minute(inbox, warehouse_dir, hot_passes)
    serving(warehouse_dir, page_seconds, api_seconds, baseline)
    if not keep and not workdir:
        shutil.rmtree(root, ignore_errors=True)
    return 0


def _live_gifts(inbox: Path, passes: int, same_minute: bool):
    """Write, per pass, one file of 2,000 gifts (half from new donors) and one of 200 matches,
    an hour after the event's last file; each pass a minute later, or all into one minute."""
    import polars as pl

    gifts = pl.read_parquet(sorted((inbox / "donations").glob("*.parquet"))[-2]).head(2000)
    credits = pl.read_parquet(sorted((inbox / "matches").glob("*.parquet"))[-2]).filter(
        pl.col("amount_fen") > 0).head(200)
    for number in range(1, passes + 1):
        def later(column: str, number=number) -> pl.Expr:  # an hour on; then a minute a pass, or one minute
            moved = pl.col(column).min().dt.truncate("1m") if same_minute else pl.col(column)
            return moved + pl.duration(hours=1, minutes=0 if same_minute else number)
        gifts.with_columns(donation_id=pl.lit(f"BENCH{number}-") + pl.col("donation_id"), donated_at=later("donated_at"),
                           donor_key=pl.when(pl.int_range(pl.len()) % 2 == 0)
                           .then(pl.lit(f"new{number}-") + pl.col("donor_key")).otherwise("donor_key")) \
            .write_parquet(inbox / "donations" / f"donations-20220430T01{number:04d}-9{number:05d}.parquet")
        credits.with_columns(match_id=pl.lit(f"BENCH{number}-") + pl.col("match_id"), matched_at=later("matched_at")) \
            .write_parquet(inbox / "matches" / f"matches-20220430T01{number:04d}-9{number:05d}.parquet")
        yield number


def _small_passes(inbox: Path, warehouse_dir: Path, passes: int, full_seconds: float) -> None:
    """Live passes on top of the full warehouse, each bringing one file of 2,000 gifts (half
    from new donors) and one of 200 matches, timed in one process as `ingest --watch` runs."""
    from givingday.ingest import Ingest

    if passes <= 0:
        return
    ingest = Ingest(load_event(), inbox, Warehouse(warehouse_dir))
    size_before = folder_mb(warehouse_dir)
    times, rollups = [], []
    for _ in _live_gifts(inbox, passes, same_minute=False):
        report = ingest.run_once()
        times.append(report["duration_s"])
        rollups.append(report["seconds"].get("rollups", 0.0))
    warm = times[1:] or times
    print(f"live passes of 2,000 gifts + 200 matches on this warehouse ({passes}, one process):")
    print(f"  first {times[0]:.2f} s; then median {statistics.median(warm):.2f} s, max {max(warm):.2f} s "
          f"(rollups median {statistics.median(rollups[1:] or rollups):.2f} s); "
          f"1/{full_seconds / statistics.median(warm):,.0f} of the full ingest  [target: <= 1 s at scale 1, "
          f"<= 2 s at scale 20]")
    print(f"  warehouse {size_before:.0f} MB before, {folder_mb(warehouse_dir):.0f} MB after "
          f"(+{(folder_mb(warehouse_dir) - size_before) / passes:.2f} MB a pass, none reclaimed yet)")


def hot_minute(inbox: Path, warehouse_dir: Path, passes: int, keep_minutes: float = 1.0) -> dict:
    """`passes` passes of 2,000 gifts + 200 matches all into one minute (the hot bucket every
    pass rewrites), as `ingest --watch` runs them: pass times, first 20 against last 20, and
    each phase's median over the first and the last 20 (what grows)."""
    from givingday.ingest import Ingest

    ingest = Ingest(load_event(), inbox, Warehouse(warehouse_dir), keep_minutes)
    reports = []
    for _ in _live_gifts(inbox, passes, same_minute=True):
        reports.append(ingest.run_once())
    times = [r["duration_s"] for r in reports]
    window = min(20, max(1, passes // 2))
    first, last = times[:window], times[-window:]
    phases = sorted({phase for r in reports for phase in r["seconds"]})
    growth = {phase: (statistics.median(r["seconds"].get(phase, 0.0) for r in reports[:window]),
                      statistics.median(r["seconds"].get(phase, 0.0) for r in reports[-window:])) for phase in phases}
    print(f"{passes} passes of 2,000 gifts + 200 matches into one minute (retention {keep_minutes:g} min):")
    print(f"  median {statistics.median(times):.2f} s, max {max(times):.2f} s; first {window} median "
          f"{statistics.median(first):.2f} s, last {window} median {statistics.median(last):.2f} s "
          f"(x{statistics.median(last) / statistics.median(first):.2f})  [target: median <= 1.5 s, last 20 <= 1.3x first 20]")
    for phase, (early, late) in growth.items():
        print(f"  {phase:<16} first {early:6.3f} s  last {late:6.3f} s")
    return {"times": times, "growth": growth}


def serving(warehouse_dir: Path, page_seconds: float, api_seconds: float, baseline: str | None = None) -> int:
    """The web process's figures on a warehouse: each page's CPU (beside `baseline`), the open data."""
    if page_seconds:
        from givingday.bench_pages import page_costs
        page_costs(warehouse_dir, page_seconds, baseline)
    if api_seconds:
        from givingday.bench_api import api_throughput
        api_throughput(warehouse_dir, api_seconds)
    return 0
