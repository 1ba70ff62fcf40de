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


def _alert(rule: str, first_seen, figures: dict, pool_id: str | None = None, project_id: str | None = None,
           severity: str = "warning", episode: str = "") -> dict:
    """One alert. Its key (rule, subject, episode) stays the same from version to version
    while the condition lasts, so an acknowledgement or a delivery is made once per alert."""
    key = "|".join((rule, pool_id or project_id or "", episode))
    return {"rule": rule, "severity": severity, "pool_id": pool_id, "project_id": project_id,
            "first_seen": first_seen, "figures": figures, "state": "open", "key": key}


def alerts(reader: VersionReader, event: Event, now: dt.datetime | None = None) -> list[dict]:
    """Every alert that holds on this version (and, for freshness, at `now`)."""
    return version_alerts(reader, event) + freshness_alerts(reader.manifest, event, now)


def version_alerts(reader: VersionReader, event: Event) -> list[dict]:
    """The alerts that depend on the data of one version only (so they can be cached by version).
    first_seen is in data time: when the data shows the condition began."""
    limits = event.alerts
    found: list[dict] = []
    totals = output.records(reader.run("totals"))[0]
    as_of = totals["as_of"] or event.start.isoformat()  # nothing published yet: the event's start

    ran_out = {}
    for row in output.records(reader.run("pool_burndown", {"grain": "minute"})):
        if row["remaining_fen"] <= 0:
            ran_out.setdefault(row["pool_id"], row["bucket_start"])
    for row in output.records(reader.run("pools")):
        if row["remaining_fen"] <= 0:
            found.append(_alert("pool_exhausted", ran_out.get(row["pool_id"], as_of), {
                "budget_fen": row["budget_fen"], "matched_fen": row["matched_fen"]}, row["pool_id"],
                severity="critical"))
    within = limits.pool_runs_out_within_minutes
    for row in output.records(reader.run("pool_projection")):
        if row["minutes_left"] is not None and 0 < row["minutes_left"] <= within and row["left_fen"] >= limits.pool_empty_below_fen:
            found.append(_alert("pool_running_out", as_of, {
                "left_fen": row["left_fen"], "minutes_left": row["minutes_left"],
                "minutes_left_low": row["minutes_left_low"], "minutes_left_high": row["minutes_left_high"],
                "burn_fen_per_min_30": row["burn_fen_per_min_30"], "threshold_minutes": within}, row["pool_id"],
                episode=as_of[:10]))  # one alert per pool and day
    for row in output.records(reader.run("pool_daily_shares")):
        if row["opens_at"] is not None and row["opens_at"] <= as_of:
            found.append(_alert("share_opened", row["opens_at"], {"day": row["day"], "share_fen": row["share_fen"]},
                                row["pool_id"], severity="info", episode=str(row["day"])))
        if row["ran_out_at"] is not None:
            found.append(_alert("share_exhausted", row["ran_out_at"], {
                "day": row["day"], "share_fen": row["share_fen"], "matched_fen": row["matched_fen"]},
                row["pool_id"], severity="critical", episode=str(row["day"])))

    reached = {row["project_id"]: row["reached_at"]
               for row in output.records(reader.run_sql(internal_sql("staff/targets_reached"), {}))}
    stalled_hours = limits.project_stalled_after_hours
    event_live = event.start.isoformat() <= as_of < event.end.isoformat() if as_of else False
    for row in output.records(reader.run("board_projects")):
        if row["raised_fen"] >= row["target_fen"]:
            found.append(_alert("target_reached", reached.get(row["project_id"], as_of), {
                "raised_fen": row["raised_fen"], "target_fen": row["target_fen"]},
                project_id=row["project_id"], severity="info"))
        last = row["last_gift_at"]
        quiet_since = last or event.start.isoformat()
        if event_live and dt.datetime.fromisoformat(as_of) - dt.datetime.fromisoformat(quiet_since) \
                > dt.timedelta(hours=stalled_hours):
            stalled_at = dt.datetime.fromisoformat(quiet_since) + dt.timedelta(hours=stalled_hours)
            found.append(_alert("project_stalled", stalled_at.isoformat(), {
                "last_gift_at": last, "threshold_hours": stalled_hours},
                project_id=row["project_id"], episode=quiet_since))  # a new stall is a new alert

    for row in output.records(reader.run("corrections")):
        found.append(_alert("total_fell", row["recorded_at"], {
            "previous_raised_fen": row["previous_raised_fen"], "raised_fen": row["raised_fen"],
            "change_fen": row["change_fen"], "reason": row["reason"]}, severity="critical",
            episode=row["recorded_at"]))

    spike = limits.quarantine_spike_rows_per_hour
    query = internal_sql("staff/quarantine_per_hour")
    for row in output.records(reader.run_sql(query, {})):
        if row["rows"] >= spike:
            found.append(_alert("quarantine_spike", row["hour"], {"table": row["table"], "rows": row["rows"],
                                                                 "files": row["files"], "threshold_rows": spike},
                                episode=f"{row['table']}|{row['hour']}"))
    return found


def minutes_stale(manifest, event: Event, now: dt.datetime, limit_minutes: float | None = None) -> float | None:
    """Minutes since this version was published, when that is more than the limit (default:
    `[alerts] stale_after_minutes`) while the event runs; None when fresh, outside the event or
    unknown. The one definition of "stale" for the public stamp, the big screen and staff."""
    limit = event.alerts.stale_after_minutes if limit_minutes is None else limit_minutes
    if not (manifest and manifest.published_at and event.start <= now < event.end):
        return None
    age = (now - dt.datetime.fromisoformat(manifest.published_at)).total_seconds() / 60
    return age if age > limit else None


def freshness_alerts(manifest, event: Event, now: dt.datetime | None = None) -> list[dict]:
    """Data stale: no version published for too long while the event runs (depends on `now`)."""
    age = minutes_stale(manifest, event, now or dt.datetime.now(event.tz))
    if age is None:
        return []
    return [_alert("data_stale", manifest.published_at, {
        "minutes_since_publication": round(age, 1), "threshold_minutes": event.alerts.stale_after_minutes,
        "version": manifest.version}, severity="critical", episode=manifest.published_at)]


def with_state(found: list[dict], acknowledgements: dict[str, dict]) -> list[dict]:
    """Each alert with its state: open, or acknowledged by whom and when."""
    stated = []
    for alert in found:
        ack = acknowledgements.get(alert["key"])
        stated.append({**alert, "state": "acknowledged" if ack else "open",
                       "acknowledged_by": ack["by"] if ack else None, "acknowledged_at": ack["at"] if ack else None})
    return stated
