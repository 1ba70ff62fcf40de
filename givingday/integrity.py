"""The integrity monitor: explainable detectors of patterns the event's rules forbid.

Each detector is a SQL file in `queries/staff/flag_*.sql` whose thresholds come from the
event folder (`[integrity]` in event.toml) as bound parameters. A flag names its detector,
the project or pseudonymous donor key, the time window and the figures that make the
evidence. Donor keys are pseudonymous; nicknames never appear here.
"""

from __future__ import annotations

import polars as pl

from givingday import output
from givingday.event import Event
from givingday.queries import VersionReader, internal_sql

# detector -> its query and which [integrity] thresholds feed which parameters
DETECTORS = {
    "apportionment": ("staff/flag_apportionment", {
        "window_minutes": "window_minutes", "min_donors": "apportionment_min_donors",
        "min_amount_fen": "apportionment_min_amount_fen", "min_share": "apportionment_min_share"}),
    "match_farming": ("staff/flag_match_farming", {
        "window_minutes": "window_minutes", "min_gifts": "farming_min_gifts", "max_donors": "farming_max_donors",
        "chain_min_gifts": "farming_chain_min_gifts", "gift_fen": "farming_gift_fen"}),
    "match_outlier": ("staff/flag_match_outliers", {
        "min_fen": "match_outlier_min_fen", "ratio": "match_outlier_ratio"}),
    "new_donor_rush": ("staff/flag_new_donor_rush", {
        "window_minutes": "window_minutes", "min_gifts": "new_donor_min_gifts", "min_share": "new_donor_min_share"}),
}
EVIDENCE_KEYS = ("detector", "project_id", "donor_key", "who", "window_start", "window_end")


def flags(reader: VersionReader, event: Event) -> list[dict]:
    """Every detector's flags on one version: detector, subject, window, figures."""
    thresholds = event.integrity
    found = []
    for detector, (name, parameters) in DETECTORS.items():
        query = internal_sql(name)
        given = {param: str(thresholds[key]) for param, key in parameters.items() if key in thresholds}
        frame: pl.DataFrame = reader.run_sql(query, query.bind(given))
        for row in output.records(frame):
            evidence = {k: v for k, v in row.items() if k not in EVIDENCE_KEYS}
            flag = {"detector": detector, "project_id": row.get("project_id"),
                    "donor_key": row.get("donor_key"), "who": row.get("who"),
                    "window_start": row.get("window_start"), "window_end": row.get("window_end"),
                    "evidence": evidence, "thresholds": given}
            found.append({**flag, "key": flag_key(flag)})
    return found


def flag_key(flag: dict) -> str:
    """What identifies a flag across versions: detector, subject, window."""
    return f"{flag['detector']}|{flag['project_id'] or flag['donor_key']}|{flag['window_start'] or ''}"


def with_reviews(found: list[dict], reviews: dict[str, dict]) -> list[dict]:
    """Each flag with its review mark (None, or who reviewed it, when, and the note)."""
    return [{**flag, "review": reviews.get(flag["key"])} for flag in found]


def concerning(found: list[dict], project_ids) -> list[dict]:
    """The flags about any of these projects: on the project itself, or a donor or invite tree
    whose outsized matches went (partly) to one of them."""
    wanted = set(project_ids)
    return [f for f in found
            if f["project_id"] in wanted or wanted & set(f["evidence"].get("projects") or ())]
