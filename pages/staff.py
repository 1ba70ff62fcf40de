"""工作台 Staff console (/staff, not in the public menu): freshness and ingest health, alerts,
integrity flags, the quarantine, drill-down. Nothing on it exists before sign-in."""

import datetime as dt
import json

import polars as pl
import streamlit as st

from givingday import alerts as alert_rules
from givingday import integrity, output, queries, staff
from givingday.event import load_event
from givingday.ui import data, tables
from givingday.ui import format as fmt

event = load_event()


def signed_in() -> dict | None:
    user = st.session_state.get("staff_user")
    if user and dt.datetime.now(dt.UTC) - user["since"] > dt.timedelta(minutes=staff.settings()["session_minutes"]):
        staff.audit("session_expired", user["name"])
        st.session_state.pop("staff_user")
        return None
    return user


def oidc_user() -> dict | None:
    """A user signed in through the OpenID Connect provider (st.login) and on the allow-list."""
    if not staff.oidc_configured() or not getattr(st.user, "is_logged_in", False):
        return None
    email = st.user.get("email")
    role = staff.oidc_allowed(email)
    if role is None:
        staff.audit("sign_in_refused_not_allowed", email)
        st.session_state["oidc_refused"] = email
        st.logout()
        return None
    staff.audit("sign_in_oidc", email, {"role": role})
    return {"name": email, "role": role, "since": dt.datetime.now(dt.UTC)}


def sign_in_form() -> None:
    st.title("工作台登录 Staff sign-in")
    if staff.oidc_configured():
        if st.button("单点登录 Sign in with the organisation's account", type="primary"):
            st.login()
        if st.session_state.get("oidc_refused"):
            st.error("这个账户没有工作台权限。This account may not open the console.")
    with st.form("sign-in"):
        name = st.text_input("用户名 Name")
        password = st.text_input("密码 Password", type="password")
        submitted = st.form_submit_button("登录 Sign in")
    if submitted:
        result = staff.sign_in(name.strip(), password)
        if result.ok:
            st.session_state["staff_user"] = {"name": result.user, "role": result.role,
                                              "since": dt.datetime.now(dt.UTC)}
            st.rerun()
        st.error("登录失败：" + ("账户已锁定，请稍后再试。" if result.message.startswith("locked") else "用户名或密码错误。"))


@st.cache_data(max_entries=4, show_spinner=False)
def flags_of(version: int) -> list[dict]:
    """The detectors scan raw gifts (seconds at full scale): once per version, for all staff."""
    return integrity.flags(queries.reader(data.warehouse(), version), event)


user = signed_in()
if user is None and (user := oidc_user()) is not None:
    st.session_state["staff_user"] = user
if user is None:
    sign_in_form()
    st.stop()

version = data.published_version()
st.title("工作台 Staff console")
left, right = st.columns([3, 1])
left.caption(f"{user['name']} · {user['role']}")
if right.button("退出 Sign out"):
    staff.audit("sign_out", user["name"])
    st.session_state.pop("staff_user")
    if getattr(st.user, "is_logged_in", False):
        st.logout()
    st.rerun()
if version is None:
    st.info("暂无数据 No data yet")
    st.stop()
reader = queries.reader(data.warehouse(), version)
manifest = data.warehouse().manifest(version)
now = dt.datetime.now(event.tz)

st.subheader("数据新鲜度 Freshness")
totals = data.query("totals", version).row(0, named=True)
published = dt.datetime.fromisoformat(manifest.published_at)
lag = (now - published).total_seconds() / 60
stale = event.start <= now < event.end and lag > event.alerts.get("stale_after_minutes", 10)
if stale:
    st.warning(f"数据已 {lag:.0f} 分钟未更新 · no new version for {lag:.0f} min")
st.markdown(f"version **{version}** · as of **{fmt.local_time(totals['as_of'], event.tz)}** · published "
            f"{fmt.local_time(published, event.tz)} ({fmt.age(published, now)})")
report = data.warehouse().report(version) or {}
if report:
    st.caption("Last ingest: " + json.dumps(report.get("files", {})) + " · " + json.dumps(
        {t: {"published": c["published"], "quarantined": c["quarantined"]} for t, c in report.get("rows", {}).items()}))
ingested = reader.run_sql(queries.internal_sql("staff/ingest_per_hour"), {})
st.dataframe(output.with_iso_times(ingested), hide_index=True, width="stretch", height=200)
per_hour = reader.run_sql(queries.internal_sql("staff/quarantine_per_hour"), {})
if per_hour.height:
    st.dataframe(output.with_iso_times(per_hour), hide_index=True, width="stretch", height=160)

st.subheader("提醒 Alerts")
found = alert_rules.alerts(reader, event, data.warehouse(), now=now)
acks_path = staff.state_dir() / "acks.json"
acks = json.loads(acks_path.read_text()) if acks_path.is_file() else {}
important = [a for a in found if a["severity"] != "info"]
for alert in important + [a for a in found if a["severity"] == "info"][:20]:
    key = alert_rules.alert_key(alert)
    ack = acks.get(key)
    cols = st.columns([5, 1])
    subject = alert["pool_id"] or alert["project_id"] or ""
    cols[0].markdown(f"**{alert['severity']}** · `{alert['rule']}` {subject} · {alert['first_seen']} · "
                     f"{json.dumps(alert['figures'], ensure_ascii=False)}"
                     + (f" · ✓ {ack['by']} {ack['at']}" if ack else ""))
    if not ack and cols[1].button("确认 Ack", key=f"ack-{key}"):
        acks[key] = {"by": user["name"], "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        acks_path.write_text(json.dumps(acks))
        staff.audit("alert_acknowledged", user["name"], {"alert": key})
        st.rerun()

st.subheader("合规监测 Integrity flags")
reviews_path = staff.state_dir() / "reviews.json"
reviews = json.loads(reviews_path.read_text()) if reviews_path.is_file() else {}
flags_found = flags_of(version)
if not flags_found:
    st.caption("没有发现可疑模式 No flags")
for flag in flags_found:
    key = f"{flag['detector']}|{flag['project_id'] or flag['donor_key']}|{flag['window_start']}"
    review = reviews.get(key)
    st.markdown(f"`{flag['detector']}` {flag['project_id'] or flag['donor_key']} · {flag['window_start'] or ''} · "
                f"{json.dumps(flag['evidence'], ensure_ascii=False)}"
                + (f" · ✓ {review['by']}: {review['note']}" if review else ""))
    if not review:
        with st.form(f"review-{key}", border=False):
            note = st.text_input("备注 Note", key=f"note-{key}", label_visibility="collapsed",
                                 placeholder="审核备注 review note")
            if st.form_submit_button("已审核 Reviewed"):
                reviews[key] = {"by": user["name"], "note": note,
                                "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
                reviews_path.write_text(json.dumps(reviews, ensure_ascii=False))
                staff.audit("flag_reviewed", user["name"], {"flag": key, "note": note})
                st.rerun()

st.subheader("隔离区 Quarantine")
quarantine = reader.run_sql(queries.internal_sql("staff/quarantine_records"), {"table": None, "rule": None})
if quarantine.height:
    rules = sorted(quarantine["rule"].unique().to_list())
    chosen = st.multiselect("规则 Rule", rules)
    shown = quarantine.filter(pl.col("rule").is_in(chosen)) if chosen else quarantine
    st.dataframe(output.with_iso_times(shown), hide_index=True, width="stretch", height=260)
else:
    st.caption("隔离区为空 Nothing quarantined")

st.subheader("项目详情 Drill-down")
board = data.query("board_projects", version)
project = st.selectbox("项目 Project", board["project_id"].to_list(),
                       format_func=lambda p: f"{p} · {board.filter(pl.col('project_id') == p)['name'][0]}")
if project:
    timeline = data.query("project_timeline", version, project=project)
    st.line_chart(timeline.select("bucket_start", "cumulative_raised_fen"), x="bucket_start")
    pools = data.query("project_pools", version, project=project)
    st.dataframe(pools, hide_index=True, width="stretch")
    brackets = reader.run_sql(queries.internal_sql("staff/gifts_by_bracket"), {"project": project})
    st.dataframe(brackets, hide_index=True, width="stretch")
    tables.downloads(brackets, f"staff_{project}_brackets", "zh", key="staff-dl-brackets")
    tables.downloads(timeline, f"staff_{project}_timeline", "zh", key="staff-dl")
    if user["role"] == "auditor":  # nicknames are personal data: auditors only
        named = reader.run_sql(queries.internal_sql("staff/latest_gifts_named"), {"project": project})
        st.dataframe(output.with_iso_times(named), hide_index=True, width="stretch")
