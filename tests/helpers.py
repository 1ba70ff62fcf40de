"""Small inboxes built in the tests, written to the contract, and ways to run the CLI."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl

from givingday import cli, contract
from givingday.event import load_event

ROOT = Path(__file__).resolve().parents[1]
TZ = load_event().tz  # the default event's zone


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """A moment of April 2022 in event-local time."""
    return dt.datetime(2022, 4, day, hour, minute, second, tzinfo=TZ)


def frame(table: str, rows: list[dict]) -> pl.DataFrame:
    """Rows as a contract-typed frame (missing nullable fields become null)."""
    columns = contract.contract_columns(table)
    return pl.DataFrame([{name: row.get(name) for name in columns} for row in rows], schema=columns)


def write(inbox: Path, table: str, name: str, data: pl.DataFrame | list[dict]) -> Path:
    if isinstance(data, list):
        data = frame(table, data)
    path = Path(inbox) / table / name
    path.parent.mkdir(parents=True, exist_ok=True)
    data.write_parquet(path)
    return path


def org(org_id: str, kind: str = "district_charity", adcode: int = 500101, **extra) -> dict:
    return {"org_id": org_id, "name": f"机构{org_id}", "kind": kind, "district_adcode": adcode,
            "credit_code": None, **extra}


def project(project_id: str, org_id: str = "O1", category: str = "industry", adcode: int = 500101,
            target_fen: int = 1_000_000, **extra) -> dict:
    return {"project_id": project_id, "name": f"项目{project_id}", "org_id": org_id, "category": category,
            "district_adcode": adcode, "target_fen": target_fen, "status": "fundraising",
            "launched_at": at(25, 9), **extra}


def gift(donation_id: str, project_id: str, amount_fen: int, when: dt.datetime, donor: str = "k1",
         channel: str = "direct", name: str | None = "张三", inviter: str | None = None) -> dict:
    return {"donation_id": donation_id, "donated_at": when, "project_id": project_id,
            "amount_fen": amount_fen, "donor_key": donor, "donor_name": name, "channel": channel,
            "inviter_key": inviter}


def credit(match_id: str, project_id: str, amount_fen: int, when: dt.datetime, pool_id: str = "tencent",
           kind: str = "random_match", donation_id: str | None = None, reverses: str | None = None,
           participants: int = 1) -> dict:
    return {"match_id": match_id, "matched_at": when, "pool_id": pool_id, "project_id": project_id,
            "donation_id": donation_id, "amount_fen": amount_fen, "kind": kind,
            "reverses_match_id": reverses, "participants": participants}


def reference_inbox(inbox: Path) -> None:
    """Three organisations and five projects, the reference data most tests share."""
    write(inbox, "organizations", "organizations-20220426T120000.parquet", [
        org("O1"), org("O2", "social_org", 500000, credit_code="53500000MJP123456X"),
        org("O3", "volunteer_org", 500105)])
    write(inbox, "projects", "projects-20220426T120000.parquet", [
        project("P1"), project("P2", "O1", "elderly", 500102), project("P3", "O2", "education", 500105),
        project("P4", "O3", "relief", 500105), project("P5", "O2", "children", 500000)])


def ingest(inbox: Path, warehouse: Path, capsys=None) -> tuple[int, dict]:
    """Run `ingest` in-process; return its exit code and JSON report."""
    report_path = Path(warehouse).parent / f"report-{Path(warehouse).name}.json"
    code = cli.main(["ingest", "--inbox", str(inbox), "--warehouse", str(warehouse),
                     "--report", str(report_path)])
    if capsys is not None:
        capsys.readouterr()
    report = json.loads(report_path.read_text()) if report_path.exists() else {}
    return code, report


def query(name: str, warehouse: Path, capsys, **params) -> list[dict]:
    args = ["query", name, "--warehouse", str(warehouse), "--format", "json"]
    for key, value in params.items():
        args += ["--param", f"{key}={value}"]
    code = cli.main(args)
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def run_cli(*args: str, env: dict | None = None, timeout: float = 300,
            input_text: str | None = None) -> subprocess.CompletedProcess:
    """The command line in a child process, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "givingday", *args], cwd=ROOT, capture_output=True,
                          text=True, env=env, timeout=timeout, input=input_text)


def ingest_ok(inbox: Path, warehouse: Path) -> None:
    assert cli.main(["ingest", "--inbox", str(inbox), "--warehouse", str(warehouse)]) == 0


def rollup_tables(warehouse: Path) -> dict[str, pl.DataFrame]:
    """Every rollup of the published version, rows sorted, to compare two warehouses."""
    from givingday import queries
    from givingday.rollups import ROLLUPS
    from givingday.warehouse import Warehouse

    cursor = queries.reader(Warehouse(warehouse)).cursor()
    tables = {}
    for name in ROLLUPS:
        frame = cursor.table(name).pl()
        tables[name] = frame.sort(frame.columns, nulls_last=True)
    return tables


def scratch_ingest_of_published_rows(warehouse: Path, workdir: Path) -> tuple[Path, dict[str, pl.DataFrame]]:
    """The rows the published version holds, written as a fresh inbox (one file a table) and
    ingested in one pass into a new warehouse: what a from-scratch computation gives."""
    from givingday import queries
    from givingday.warehouse import Warehouse

    cursor = queries.reader(Warehouse(warehouse)).cursor()
    inbox, scratch = workdir / "inbox", workdir / "warehouse"
    names = {"organizations": "organizations-20220426T000000.parquet",
             "projects": "projects-20220426T000000.parquet",
             "donations": "donations-20220426T000000-000001.parquet",
             "matches": "matches-20220426T000000-000001.parquet"}
    rows = {}
    for table, name in names.items():
        rows[table] = cursor.table(table).pl()
        write(inbox, table, name, rows[table])
    ingest_ok(inbox, scratch)
    return scratch, rows


def open_page(monkeypatch, warehouse: Path, page: str, **params):
    """A page run through the app's router in Streamlit's AppTest, with these URL parameters."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("GIVINGDAY_WAREHOUSE", str(warehouse))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    app.switch_page(page)
    return app.run()


def lazy_tab_sets(app) -> dict[str, list[str]]:
    """Every lazy tab set on the page (tables.lazy_tabs): its key, and its tabs' labels."""
    found = {}

    def walk(node) -> None:
        if getattr(node, "type", None) == "tab_container":
            key = node.proto.tab_container.id.split("-", 2)[-1]  # "$$ID-<hash>-<key>"
            if key in app.session_state:
                found[key] = [tab.label for tab in node.children.values()]
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app.main)
    return found


def every_tab_open(app):
    """`app` run again with the second, then the third… tab of every lazy tab set open
    (tables.lazy_tabs runs only the open tab: a chart's table, or the boards' organisations and
    districts, is on the page only for a viewer who opened it). Yields each run."""
    sets = lazy_tab_sets(app)
    for position in range(1, max(map(len, sets.values()), default=1)):
        for key, labels in sets.items():
            app.session_state[key] = labels[min(position, len(labels) - 1)]
        yield app.run()


def milestone_event(tmp_path: Path, every_fen: int) -> Path:
    """A copy of the event folder with a milestone every `every_fen`; returns the folder of
    events to point GIVINGDAY_EVENTS_DIR at."""
    source = load_event().folder
    folder = tmp_path / "events" / source.name
    shutil.copytree(source, folder)
    toml = (folder / "event.toml").read_text(encoding="utf-8")
    (folder / "event.toml").write_text(toml.replace("milestone_every_fen = 5_000_000_000",
                                                    f"milestone_every_fen = {every_fen}"), encoding="utf-8")
    return tmp_path / "events"


def staff_files(tmp_path: Path, monkeypatch, settings: str = "", **accounts: str) -> dict:
    """A secrets file with these accounts (name=password, role staff) and a state folder,
    for this process and, as the returned environment, for the server."""
    from givingday import staff

    env = {"GIVINGDAY_SECRETS": str(tmp_path / "secrets.toml"), "GIVINGDAY_STAFF_STATE": str(tmp_path / "staff")}
    (tmp_path / "secrets.toml").write_text(settings)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    for name, password in accounts.items():
        staff.add_user(name, password, "staff")
    return env


# -- the fixture inbox every AppTest and golden test reads ---------------------------------

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
