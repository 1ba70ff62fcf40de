"""Alert rules for staff, with thresholds from the event folder (`[alerts]` in event.toml).

Each alert: its rule, the pool or project it concerns, the figures that raised it, when it
was first seen (in data time), and its state. Rules read the named queries, so an alert's
figures are the figures the public pages show.
"""

from __future__ import annotations

import datetime as dt

from givingday import output
from givingday.event import Event
from givingday.queries import VersionReader, internal_sql
from givingday.warehouse import Warehouse


def _alert(rule: str, first_seen, figures: dict, pool_id: str | None = None, project_id: str | None = None,
           severity: str = "warning") -> dict:
    return {"rule": rule, "severity": severity, "pool_id": pool_id, "project_id": project_id,
            "first_seen": first_seen, "figures": figures, "state": "open"}


def alerts(reader: VersionReader, event: Event, warehouse: Warehouse, now: dt.datetime | None = None) -> list[dict]:
    """Every alert that holds on this version (and, for freshness, at `now`)."""
    limits = event.alerts
    now = now or dt.datetime.now(event.tz)
    found: list[dict] = []
    totals = output.records(reader.run("totals"))[0]
    as_of = totals["as_of"] or event.start.isoformat()  # nothing published yet: the event's start

    for row in output.records(reader.run("pools")):
        if row["remaining_fen"] <= 0:
            found.append(_alert("pool_exhausted", as_of, {"budget_fen": row["budget_fen"],
                                                          "matched_fen": row["matched_fen"]}, row["pool_id"],
                                severity="critical"))
    within = limits.get("pool_runs_out_within_minutes", 60)
    for row in output.records(reader.run("pool_projection")):
        if row["minutes_left"] is not None and 0 < row["minutes_left"] <= within and row["left_fen"] > 100:
            found.append(_alert("pool_running_out", as_of, {
                "left_fen": row["left_fen"], "minutes_left": row["minutes_left"],
                "minutes_left_low": row["minutes_left_low"], "minutes_left_high": row["minutes_left_high"],
                "burn_fen_per_min_30": row["burn_fen_per_min_30"], "threshold_minutes": within}, row["pool_id"]))
    for row in output.records(reader.run("pool_daily_shares")):
        if row["opens_at"] is not None and row["opens_at"] <= as_of:
            found.append(_alert("share_opened", row["opens_at"], {"day": row["day"], "share_fen": row["share_fen"]},
                                row["pool_id"], severity="info"))
        if row["ran_out_at"] is not None:
            found.append(_alert("share_exhausted", row["ran_out_at"], {
                "day": row["day"], "share_fen": row["share_fen"], "matched_fen": row["matched_fen"]},
                row["pool_id"], severity="critical"))

    stalled_hours = limits.get("project_stalled_after_hours", 6)
    event_live = event.start.isoformat() <= as_of < event.end.isoformat() if as_of else False
    for row in output.records(reader.run("board_projects")):
        if row["raised_fen"] >= row["target_fen"]:
            found.append(_alert("target_reached", as_of, {"raised_fen": row["raised_fen"],
                                                          "target_fen": row["target_fen"]},
                                project_id=row["project_id"], severity="info"))
        last = row["last_gift_at"]
        if event_live and (last is None or dt.datetime.fromisoformat(as_of) - dt.datetime.fromisoformat(last)
                           > dt.timedelta(hours=stalled_hours)):
            found.append(_alert("project_stalled", last or as_of, {"last_gift_at": last,
                                                                   "threshold_hours": stalled_hours},
                                project_id=row["project_id"]))

    for row in output.records(reader.run("corrections")):
        found.append(_alert("total_fell", row["recorded_at"], {
            "previous_raised_fen": row["previous_raised_fen"], "raised_fen": row["raised_fen"],
            "change_fen": row["change_fen"], "reason": row["reason"]}, severity="critical"))

    spike = limits.get("quarantine_spike_rows_per_hour", 1000)
    query = internal_sql("staff/quarantine_per_hour")
    for row in output.records(reader.run_sql(query, {})):
        if row["rows"] >= spike:
            found.append(_alert("quarantine_spike", row["hour"], {"table": row["table"], "rows": row["rows"],
                                                                 "files": row["files"], "threshold_rows": spike}))

    manifest = warehouse.manifest(reader.version)
    stale_after = limits.get("stale_after_minutes", 10)
    if manifest and manifest.published_at and event.start <= now < event.end:
        age = (now - dt.datetime.fromisoformat(manifest.published_at)).total_seconds() / 60
        if age > stale_after:
            found.append(_alert("data_stale", manifest.published_at, {
                "minutes_since_publication": round(age, 1), "threshold_minutes": stale_after,
                "version": manifest.version}, severity="critical"))
    return found


def alert_key(alert: dict) -> str:
    return f"{alert['rule']}|{alert['pool_id'] or alert['project_id'] or ''}|{alert['first_seen']}"


def wecom_message(alert: dict, event: Event) -> dict:
    """企业微信 group-robot markdown message."""
    subject = alert["pool_id"] or alert["project_id"] or ""
    figures = "\n".join(f"> {k}: {v}" for k, v in alert["figures"].items())
    return {"msgtype": "markdown", "markdown": {"content":
            f"**{event.name_zh}** 提醒：<font color=\"warning\">{alert['rule']}</font> {subject}\n"
            f"> 首次出现：{alert['first_seen']}\n{figures}"}}


def deliver(found: list[dict], event: Event, url: str, delivered: dict, wecom: bool) -> list[str]:
    """POST each warning or critical alert not in `delivered` to the webhook, once; record
    each one sent in `delivered` (alert key -> when) and return the keys sent now."""
    import json
    import urllib.request

    sent_now = []
    for alert in found:
        key = alert_key(alert)
        if alert["severity"] == "info" or key in delivered:
            continue
        body = wecom_message(alert, event) if wecom else {"alert": alert}
        request = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False, default=str).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            if 200 <= response.status < 300:
                delivered[key] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
                sent_now.append(key)
    return sent_now
