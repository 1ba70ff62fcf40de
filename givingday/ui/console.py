"""The staff console's rooms, each a function of one `Console` (who, which version, when):
freshness and ingest health, alerts, integrity flags, the quarantine, drill-down of a
project, an organisation or a district, and the audit log.

Everything here runs after sign-in only (pages/staff.py is the gate). Donor keys are
pseudonymous; nicknames are fetched only for the auditor role.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import altair as alt
import polars as pl
import streamlit as st

from givingday import alerts as alert_rules
from givingday import integrity, output, staff
from givingday.event import Event, load_event
from givingday.flag_scanner import FlagScanner
from givingday.ui import blocks, charts, data, tables, url
from givingday.ui import format as fmt
from givingday.ui.i18n import both

TABS = {"fresh": both("staff.freshness"), "alerts": both("staff.alerts"), "flags": both("staff.integrity"),
        "quarantine": both("staff.quarantine"), "drill": both("staff.drill_down"), "director": both("staff.director"), "audit": both("staff.audit_log")}
TAB_KEY = "staff_tab"
SCOPES = {"project": both("staff.project"), "org": both("staff.organisation"), "district": both("staff.district")}
SEVERITY = {"critical": f":red-background[{both('staff.critical')}]",
            "warning": f":orange-background[{both('staff.warning')}]", "info": f":blue-background[{both('staff.info')}]"}
INFO_ALERTS_SHOWN = 20


@dataclass(frozen=True)
class Console:
    user: dict
    version: int
    event: Event
    now: dt.datetime

    @property
    def auditor(self) -> bool:
        return self.user["role"] == "auditor"

    def query(self, name: str, **params) -> pl.DataFrame:
        return data.query(name, self.version, **params)


@st.cache_resource
def flag_scanner() -> FlagScanner:
    """This server's one scanner of the warehouse the pages read."""
    return FlagScanner(data.warehouse)


@st.fragment(run_every=3)
def await_flags(shown: int | None) -> None:
    """Re-render once the background scan has finished a newer version than the one shown."""
    done, _ = flag_scanner().latest(shown or 0)
    if done is not None and done != shown:
        st.rerun(scope="app")


def open_drill_down(scope: str, subject) -> None:
    """A button's callback: show this project, organisation or district on the drill-down tab."""
    st.session_state["drill_scope"] = scope
    st.session_state[f"drill_{scope}"] = subject
    st.session_state[TAB_KEY] = TABS["drill"]


def _table(frame: pl.DataFrame, height: int | str = "auto") -> None:
    tables.show(output.with_iso_times(frame), height=height)


# -- freshness -------------------------------------------------------------------------

def freshness(console: Console) -> None:
    manifest = data.manifest(console.version)
    published = dt.datetime.fromisoformat(manifest.published_at)
    totals = console.query("totals").row(0, named=True)
    blocks.tiles([(both("staff.version"), str(console.version)),
                  (both("staff.as_of"), fmt.local_time(totals["as_of"], console.event.tz)),
                  (both("staff.published"), fmt.local_time(published, console.event.tz)),
                  (both("staff.lag"), fmt.age(published, console.now))])
    report = data.warehouse().report(console.version) or {}
    if report:
        st.markdown(f"**{both('staff.last_ingest_report')}**")
        files = report.get("files", {})
        st.caption(" · ".join(f"{k}: {v}" for k, v in files.items() if not isinstance(v, (list, dict))))
        rows = pl.DataFrame([{"table": table, **{k: v for k, v in counts.items() if not isinstance(v, dict)}}
                             for table, counts in report.get("rows", {}).items()])
        if rows.height:
            _table(rows)
        with st.expander(both("staff.full_report_json")):
            st.json(report, expanded=False)
    st.markdown(f"**{both('staff.files_and_rows_per')}**")
    _table(console.query("staff/ingest_per_hour"), height=220)
    per_hour = console.query("staff/quarantine_per_hour")
    if per_hour.height:
        st.markdown(f"**{both('staff.quarantined_per_hour')}**")
        _table(per_hour, height=180)


# -- alerts ------------------------------------------------------------------------------

@st.cache_data(max_entries=4, show_spinner=False)
def _version_alerts(version: int) -> list[dict]:
    """The data rules read several queries (about 0.3 s at scale 1): once per version."""
    return alert_rules.version_alerts(data.reader(version), load_event())


def current_alerts(console: Console) -> list[dict]:
    """This version's alerts and the freshness rule now, each with its state."""
    found = _version_alerts(console.version) + alert_rules.freshness_alerts(
        data.manifest(console.version), console.event, console.now)
    return alert_rules.with_state(found, staff.acknowledgements())


def alerts(console: Console, found: list[dict]) -> None:
    important = [a for a in found if a["severity"] != "info"]
    info = [a for a in found if a["severity"] == "info"]
    if not found:
        st.caption(both("staff.no_alerts"))
    for alert in important + info[:INFO_ALERTS_SHOWN]:
        key = alert["key"]
        subject = alert["pool_id"] or alert["project_id"] or ""
        with st.container(border=True):
            left, right = st.columns([5, 1])
            left.markdown(f"{SEVERITY.get(alert['severity'], alert['severity'])} **`{alert['rule']}`** {subject} · "
                          + both("staff.first_seen", time=fmt.local_time(alert["first_seen"], console.event.tz)))
            left.caption(json.dumps(alert["figures"], ensure_ascii=False, default=str))
            if alert["state"] == "acknowledged":
                right.caption(f"✓ {alert['acknowledged_by']} · {alert['acknowledged_at']}")
            elif right.button(both("staff.ack"), key=f"ack-{key}"):
                staff.acknowledge(key, console.user["name"])
                st.rerun()
            if alert["project_id"]:
                right.button(both("staff.details"), key=f"alert-drill-{key}", on_click=open_drill_down,
                             args=("project", alert["project_id"]))
    if len(info) > INFO_ALERTS_SHOWN:
        st.caption(both("staff.more_info_alerts", n=len(info) - INFO_ALERTS_SHOWN)
                   + " (python -m givingday alerts --format json)")


# -- integrity flags ---------------------------------------------------------------------

def flag_list(console: Console, found: list[dict], key_prefix: str) -> None:
    """Each flag with its evidence, its review mark, and a way to the drill-down."""
    for flag in found:
        key, review = flag["key"], flag["review"]
        subject = flag["project_id"] or f"{flag['who'] or 'donor'} {flag['donor_key']}"
        with st.container(border=True):
            window = (f" · {fmt.local_time(flag['window_start'], console.event.tz)}–"
                      f"{fmt.clock(flag['window_end'], console.event.tz)}") if flag["window_start"] else ""
            st.markdown(f"**`{flag['detector']}`** {subject}{window}")
            st.caption(both("staff.evidence") + json.dumps(flag["evidence"], ensure_ascii=False, default=str)
                       + both("staff.thresholds") + json.dumps(flag["thresholds"], ensure_ascii=False))
            projects = [flag["project_id"]] if flag["project_id"] else list(flag["evidence"].get("projects") or [])
            if projects:
                columns = st.columns(min(len(projects), 5) + 1)
                for column, project_id in zip(columns, projects[:5], strict=False):
                    column.button(both("staff.details_of", id=project_id), key=f"{key_prefix}-drill-{key}-{project_id}",
                                  on_click=open_drill_down, args=("project", project_id))
            if review:
                st.caption("✓ " + both("staff.reviewed_by", who=review["by"]) + f" · {review['at']}: {review['note']}")
                continue
            with st.form(f"{key_prefix}-review-{key}", border=False):
                note = st.text_input(both("staff.review_note"), key=f"{key_prefix}-note-{key}")
                if st.form_submit_button(both("staff.mark_reviewed")):
                    staff.review(key, console.user["name"], note)
                    st.rerun()


def flags(console: Console, found: list[dict], of_version: int | None) -> None:
    if of_version is None:
        st.info(both("staff.the_integrity_scan_of"))
        return
    if of_version != console.version:
        st.caption(f"Flags of version {of_version}; version {console.version} is being scanned.")
    if not found:
        st.caption(both("staff.no_flags"))
        return
    open_count = sum(f["review"] is None for f in found)
    st.caption(f"{len(found)} flags, {open_count} not reviewed · thresholds in event.toml [integrity] · "
               "python -m givingday flags --format json")
    flag_list(console, found, "flags")


# -- quarantine --------------------------------------------------------------------------

def quarantine(console: Console) -> None:
    summary = console.query("staff/quarantine_summary")
    if not summary.height:
        st.caption(both("staff.nothing_quarantined"))
        return
    _table(summary, height=min(38 + 35 * summary.height, 260))
    left, middle, right = st.columns(3)
    chosen_tables = left.multiselect(both("staff.table"), sorted(summary["table"].unique().to_list()))
    chosen_rules = middle.multiselect(both("staff.rule"), sorted(summary["rule"].unique().to_list()))
    file_part = right.text_input(both("staff.file_name_contains")).strip()
    records = console.query("staff/quarantine_records", tables=",".join(chosen_tables) or None,
                            rules=",".join(chosen_rules) or None, file=file_part or None)
    st.caption(f"{records.height:,} records shown (newest first, at most 5,000)")
    _table(records, height=360)
    tables.downloads(records, f"staff_quarantine_v{console.version}", "zh", key="staff-quarantine")


# -- drill-down --------------------------------------------------------------------------

def _labelled(frame: pl.DataFrame, id_column: str, name_column: str = "name") -> dict:
    return {i: f"{i} · {n}" for i, n in zip(frame[id_column], frame[name_column], strict=True)}


def _subjects(console: Console, scope: str) -> dict:
    """Subject id -> label, for the chosen scope."""
    if scope == "project":
        return _labelled(console.query("board_projects").sort("project_id"), "project_id")
    if scope == "org":
        return _labelled(console.query("board_orgs").sort("org_id"), "org_id")
    region = console.event  # projects of region-level bodies benefit the whole region
    return {region.region_adcode: f"{region.region_adcode} · {region.region_level_zh} {region.region_level_en}"} \
        | _labelled(console.query("districts"), "district_adcode")


def _choose_subject(console: Console) -> tuple[str, object]:
    for scope in SCOPES:  # a shared link: /staff?tab=drill&org=O0060
        if scope in st.query_params and "drill_scope" not in st.session_state:
            st.session_state["drill_scope"] = scope
            raw = st.query_params[scope]
            st.session_state[f"drill_{scope}"] = int(raw) if scope == "district" and raw.isdigit() else raw
    left, right = st.columns([2, 3])
    with left:
        scope = st.segmented_control(both("staff.scope"), list(SCOPES), format_func=SCOPES.get, key="drill_scope",
                                     default="project", required=True)
    subjects = _subjects(console, scope)
    key = f"drill_{scope}"
    if st.session_state.get(key) not in subjects:
        st.session_state.pop(key, None)
    with right:
        subject = st.selectbox(both("staff.subject"), list(subjects), format_func=subjects.get, key=key, index=None,
                               placeholder=both("staff.type_an_id_or"))
    for other in SCOPES:
        if other != scope:
            url.keep(other, None)
    url.keep(scope, subject)
    return scope, subject


def _gift_brackets_chart(brackets: pl.DataFrame) -> alt.Chart:
    """How big are the gifts, and through which channel? Gifts per bracket, by channel."""
    rows = brackets.filter(pl.col("bracket_yuan") != "all")
    chart = alt.Chart(rows).mark_bar().encode(
        x=alt.X("bracket_yuan:N", title=both("staff.yuan"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("gifts:Q", title=both("staff.gifts_2")),
        color=alt.Color("channel:N", scale=alt.Scale(scheme="tableau10"), legend=alt.Legend(orient="bottom"),
                        title=both("channel")),
        tooltip=[alt.Tooltip("bracket_yuan:N", title=both("staff.yuan")), alt.Tooltip("channel:N", title=both("channel")),
                 alt.Tooltip("gifts:Q", format=",", title=both("staff.gifts")),
                 alt.Tooltip("donors:Q", format=",", title=both("staff.donors")),
                 alt.Tooltip("public_fen:Q", format=",", title=both("staff.public") + " (fen)")],
    ).properties(height=240)
    return charts.named(chart, both("staff.about_brackets"))


def drill_down(console: Console, found: list[dict]) -> None:
    scope, subject = _choose_subject(console)
    if subject is None:
        st.caption(both("staff.choose_a_project_an"))
        return
    projects = console.query("board_projects", **{scope: subject})
    if not projects.height:
        st.info(both("staff.no_projects_here_in"))
        return
    ids = projects["project_id"].to_list()
    listed = ",".join(ids)
    stem = f"staff_{scope}_{subject}_v{console.version}"
    brackets = console.query("staff/gifts_by_bracket", projects=listed)
    everyone = brackets.filter(pl.col("bracket_yuan") == "all").row(0, named=True)
    raised = int(projects["raised_fen"].sum())
    target = int(projects["target_fen"].sum())
    blocks.tiles([(both("staff.raised"), fmt.yuan_exact(raised)),
                  (both("staff.public"), fmt.yuan_exact(int(projects["public_fen"].sum()))),
                  (both("staff.matched"), fmt.yuan_exact(int(projects["matched_fen"].sum()))),
                  (both("staff.gifts"), f"{everyone['gifts']:,}"), (both("staff.donors"), f"{everyone['donors']:,}"),
                  (both("staff.projects"), str(len(ids))), (both("staff.of_target"), f"{raised / target:.0%}" if target else "—")])

    concerning = integrity.concerning(found, ids)
    st.markdown(f"**{both('staff.flags_count', n=len(concerning))}**")
    if concerning:
        flag_list(console, concerning, "drill")
    else:
        st.caption(both("staff.no_flags"))

    timeline = console.query("project_timeline", projects=listed)
    st.markdown(f"**{both('staff.timeline')}**")
    if timeline.height:
        st.vega_lite_chart(charts.project_growth(timeline, console.event, "zh", str(subject)), width="stretch")
    with st.expander(both("staff.timeline_table")):
        _table(timeline, height=240)
    tables.downloads(timeline, f"{stem}_timeline", "zh", key="staff-timeline")

    if scope != "project":
        st.markdown(f"**{both('staff.projects_count', n=len(ids))}**")
        _table(projects.select("rank", "project_id", "name", "category", "district_name", "org_name", "target_fen",
                               "raised_fen", "public_fen", "matched_fen", "donations", "donors", "pct_of_target",
                               "momentum_fen", "last_gift_at"), height=280)
        tables.downloads(projects, f"{stem}_projects", "zh", key="staff-projects")

    st.markdown(f"**{both('staff.gifts_by_amount_bracket')}**")
    st.altair_chart(_gift_brackets_chart(brackets), width="stretch")
    _table(brackets)
    tables.downloads(brackets, f"{stem}_brackets", "zh", key="staff-brackets")

    st.markdown(f"**{both('staff.matches_by_pool')}**")
    pools = console.query("project_pools", projects=listed)
    _table(pools)
    tables.downloads(pools, f"{stem}_pools", "zh", key="staff-pools")

    names = "yes" if console.auditor else "no"  # nicknames are personal data: auditors only
    st.markdown(f"**{both('staff.latest_gifts')}** (" + (both("staff.with_nicknames_auditor") if console.auditor
                                                         else both("staff.pseudonymous_keys")) + ")")
    latest = console.query("staff/scope_latest_gifts", projects=listed, names=names)
    if not console.auditor:
        latest = latest.drop("donor_name")
    _table(latest, height=280)
    tables.downloads(latest, f"{stem}_latest_gifts", "zh", key="staff-latest")


# -- audit log ---------------------------------------------------------------------------

def audit_log(console: Console) -> None:
    entries = staff.audit_log(limit=500)
    if not entries:
        st.caption(both("staff.the_audit_log_is"))
        return
    rows = pl.DataFrame([{"at": e["at"], "event": e["event"], "user": e.get("user"),
                          "detail": json.dumps(e.get("detail", {}), ensure_ascii=False)} for e in entries])
    _table(rows, height=360)
