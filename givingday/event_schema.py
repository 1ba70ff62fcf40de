"""The format of an event folder, and every problem a folder has, one sentence each.

`problems(folder)` reads `event.toml`, `districts.csv` and `boundaries.geojson` and lists
all it finds (missing or unknown keys, wrong types, a category without a colour, an unknown
pool mechanism, dates out of order, an adcode missing from districts.csv, boundaries that do
not cover the districts, ...) instead of stopping at the first. `python -m givingday event
check DIR` prints them and exits 2; the app refuses such a folder with the same lines.
The keys and their meaning are documented in docs/event-folder.md (a test keeps the two in step).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MECHANISMS = ("ratio", "coupons", "steps", "daily_random")
ORG_KINDS = ("district_charity", "social_org", "volunteer_org", "city_charity")
COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
VOCABULARY_LISTS = ("surnames", "given_names", "nickname_heads", "nickname_tails", "social_org_names",
                    "volunteer_org_names")
DISTRICT_COLUMNS = ("district_adcode", "name_zh", "name_en", "kind", "population_2020")

# key -> (type, required); a type of "time" is an ISO 8601 moment with an offset,
# "clock" a local HH:MM, "colour" #RRGGBB, "adcode" a six-digit division code.
TOP = {
    "id": ("str", True), "name_zh": ("str", True), "name_en": ("str", True),
    "organiser_zh": ("str", False), "organiser_en": ("str", False),
    "platform_zh": ("str", False), "platform_en": ("str", False),
    "time_zone": ("zone", True), "start": ("time", True), "end": ("time", True),
    "matching_opens_at": ("clock", True), "region_adcode": ("adcode", True),
    "region_name_zh": ("str", True), "region_name_en": ("str", True),
    "region_level_zh": ("str", False), "region_level_en": ("str", False),
    "licence": ("str", False),
    "light_show": ("table", False), "alerts": ("table", False), "categories": ("tables", True),
    "colours": ("table", False), "zones": ("tables", False), "pools": ("tables", True),
    "bigscreen": ("table", False), "integrity": ("table", False), "embed": ("table", False),
    "map": ("table", False),
}
TABLES = {
    "light_show": {"name_zh": ("str", True), "name_en": ("str", True), "place_zh": ("str", False),
                   "place_en": ("str", False), "starts_at": ("time", True), "ends_at": ("time", True),
                   "latitude": ("number", False), "longitude": ("number", False),
                   "district_adcode": ("adcode", False)},
    "alerts": {"stale_after_minutes": ("number", False), "pool_runs_out_within_minutes": ("number", False),
               "pool_empty_below_fen": ("int", False), "project_stalled_after_hours": ("number", False),
               "quarantine_spike_rows_per_hour": ("int", False)},
    "categories": {"code": ("str", True), "name_zh": ("str", True), "name_en": ("str", True),
                   "colour": ("colour", True)},
    "colours": {"matched": ("colour", False), "public": ("colour", False)},
    "zones": {"name_zh": ("str", True), "name_en": ("str", True), "host_adcode": ("adcode", True),
              "note": ("str", False)},
    "pools": {"pool_id": ("str", True), "mechanism": ("str", True), "name_zh": ("str", True),
              "name_en": ("str", True), "sponsor_zh": ("str", False), "budget_fen": ("int", True),
              "ratio": ("number", False), "eligible_org_kinds": ("list", False), "rule_zh": ("str", False),
              "rule_en": ("str", False), "projects": ("int", False), "daily_shares_fen": ("list", False),
              "daily_opens_at": ("clock", False), "rollover": ("bool", False), "min_gift_fen": ("int", False)},
    "bigscreen": {"public_url": ("str", False), "qr_page": ("str", False), "sponsors_zh": ("list", False),
                  "sponsors_en": ("list", False), "stale_after_minutes": ("number", False),
                  "milestone_every_fen": ("int", False), "celebrate_seconds": ("int", False),
                  "overscan_percent": ("number", False), "title_zh": ("str", False), "title_en": ("str", False),
                  "background": ("colour", False), "text": ("colour", False), "muted": ("colour", False),
                  "accent": ("colour", False), "up": ("colour", False), "down": ("colour", False)},
    "integrity": {"window_minutes": ("int", False), "apportionment_min_donors": ("int", False),
                  "apportionment_min_amount_fen": ("int", False), "apportionment_min_share": ("number", False),
                  "farming_min_gifts": ("int", False), "farming_max_donors": ("int", False),
                  "farming_chain_min_gifts": ("int", False), "farming_gift_fen": ("int", False),
                  "match_outlier_min_fen": ("int", False), "match_outlier_ratio": ("number", False),
                  "new_donor_min_gifts": ("int", False), "new_donor_min_share": ("number", False)},
    "embed": {"frame_ancestors": ("list", False)},
    "map": {"latitude": ("number", False), "longitude": ("number", False), "zoom": ("number", False)},
}


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two #RRGGBB colours (1 to 21)."""
    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


BIGSCREEN_COLOURS = {"background": "#05080D", "text": "#FFFFFF", "muted": "#AEB7C2", "accent": "#FFB000",
                     "up": "#3DDC97", "down": "#FF8A8A"}  # the defaults of event.BigScreen


def _bigscreen(table: dict) -> list[str]:
    """Colours a viewer 30 m away can read: AA for every colour on the background, AAA for text."""
    colours = {**BIGSCREEN_COLOURS, **{k: v for k, v in table.items() if k in BIGSCREEN_COLOURS}}
    if not all(isinstance(v, str) and COLOUR.match(v) for v in colours.values()):
        return []  # reported as a type problem
    found = [f"[bigscreen]: {name} {colours[name]} is under 4.5:1 on {colours['background']}"
             for name in ("muted", "accent", "up", "down") if contrast(colours[name], colours["background"]) < 4.5]
    if contrast(colours["text"], colours["background"]) < 7:
        found.append(f"[bigscreen]: text {colours['text']} is under 7:1 (AAA) on {colours['background']}")
    overscan = table.get("overscan_percent", 0)
    if isinstance(overscan, int | float) and not 0 <= overscan <= 10:
        found.append(f"[bigscreen]: overscan_percent {overscan} is outside 0-10")
    if isinstance(table.get("milestone_every_fen"), int) and table["milestone_every_fen"] < 0:
        found.append("[bigscreen]: milestone_every_fen must be 0 (no milestones) or more")
    return found


def _type_problem(where: str, value, kind: str) -> str | None:
    ok = {
        "str": isinstance(value, str), "int": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "bool": isinstance(value, bool), "list": isinstance(value, list), "table": isinstance(value, dict),
        "tables": isinstance(value, list) and all(isinstance(v, dict) for v in value),
        "colour": isinstance(value, str) and bool(COLOUR.match(value)),
        "clock": isinstance(value, str) and bool(CLOCK.match(value)),
        "adcode": isinstance(value, int) and 100000 <= value <= 999999,
    }
    if kind == "time":
        try:
            return None if dt.datetime.fromisoformat(value).tzinfo else f"{where}: {value!r} has no UTC offset"
        except (TypeError, ValueError):
            return f"{where}: {value!r} is not an ISO 8601 time"
    if kind == "zone":
        try:
            ZoneInfo(value)
            return None
        except (ZoneInfoNotFoundError, TypeError, ValueError):
            return f"{where}: {value!r} is not a time zone"
    if not ok[kind]:
        wanted = {"colour": "a colour #RRGGBB", "clock": "a local time HH:MM", "adcode": "a six-digit adcode",
                  "tables": "a list of tables ([[...]])"}.get(kind, f"a {kind}")
        return f"{where}: {value!r} is not {wanted}"
    return None


def _keys(where: str, table: dict, schema: dict) -> list[str]:
    found = [f"{where}: unknown key {key!r}" for key in table if key not in schema]
    for key, (kind, required) in schema.items():
        if key not in table:
            if required:
                found.append(f"{where}: missing key {key!r}")
            continue
        problem = _type_problem(f"{where}.{key}" if where != "event.toml" else key, table[key], kind)
        if problem:
            found.append(problem)
    return found


def _districts(folder: Path) -> tuple[list[str], dict[int, dict]]:
    path = folder / "districts.csv"
    if not path.is_file():
        return [f"{path.name}: missing"], {}
    found, rows = [], {}
    with open(path, encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in DISTRICT_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            return [f"districts.csv: missing column(s) {', '.join(missing)}"], {}
        for number, row in enumerate(reader, start=2):
            try:
                adcode = int(row["district_adcode"])
                int(row["population_2020"])
            except ValueError:
                found.append(f"districts.csv line {number}: adcode and population_2020 must be whole numbers")
                continue
            if adcode in rows:
                found.append(f"districts.csv line {number}: adcode {adcode} is listed twice")
            if not row["name_zh"] or not row["name_en"]:
                found.append(f"districts.csv line {number}: district {adcode} needs name_zh and name_en")
            rows[adcode] = row
    if not rows and not found:
        found.append("districts.csv: no districts")
    return found, rows


def _boundaries(folder: Path, districts: dict[int, dict]) -> list[str]:
    path = folder / "boundaries.geojson"
    if not path.is_file():
        return ["boundaries.geojson: missing"]
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        covered = {int(f["properties"]["adcode"]) for f in features if f.get("geometry")}
    except (ValueError, KeyError, TypeError) as exc:
        return [f"boundaries.geojson: not a FeatureCollection with properties.adcode ({exc})"]
    found = [f"boundaries.geojson: no boundary for district {adcode}" for adcode in sorted(set(districts) - covered)]
    found += [f"boundaries.geojson: boundary {adcode} is not in districts.csv" for adcode in sorted(covered - set(districts))]
    return found


def _pools(pools: list[dict], days: int | None) -> list[str]:
    found, seen = [], set()
    for i, pool in enumerate(pools):
        where = f"pools[{i}] ({pool.get('pool_id', '?')})"
        found += _keys(where, pool, TABLES["pools"])
        if pool.get("pool_id") in seen:
            found.append(f"{where}: pool_id repeated")
        seen.add(pool.get("pool_id"))
        mechanism = pool.get("mechanism")
        if isinstance(mechanism, str) and mechanism not in MECHANISMS:
            found.append(f"{where}: unknown mechanism {mechanism!r} (one of {', '.join(MECHANISMS)})")
        if mechanism == "ratio" and not isinstance(pool.get("ratio"), int | float):
            found.append(f"{where}: a ratio pool needs ratio")
        unknown_kinds = [k for k in pool.get("eligible_org_kinds", []) if k not in ORG_KINDS]
        if unknown_kinds:
            found.append(f"{where}: unknown organisation kind(s) {', '.join(map(str, unknown_kinds))}")
        shares = pool.get("daily_shares_fen")
        if mechanism == "daily_random" and not shares:
            found.append(f"{where}: a daily_random pool needs daily_shares_fen and daily_opens_at")
        if isinstance(shares, list) and shares:
            if isinstance(pool.get("budget_fen"), int) and sum(shares) != pool["budget_fen"]:
                found.append(f"{where}: daily_shares_fen add up to {sum(shares)}, not budget_fen {pool['budget_fen']}")
            if days is not None and len(shares) != days:
                found.append(f"{where}: {len(shares)} daily shares for {days} event days")
    return found


def problems(folder: Path) -> list[str]:
    """Every problem of an event folder, one sentence each (empty: the folder is good)."""
    folder = Path(folder)
    toml_path = folder / "event.toml"
    if not toml_path.is_file():
        return [f"{folder}: no event.toml"]
    try:
        raw = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        return [f"event.toml: not valid TOML ({exc})"]
    found = _keys("event.toml", raw, TOP)
    for name, schema in TABLES.items():
        value = raw.get(name)
        if isinstance(value, dict):
            found += _keys(f"[{name}]", value, schema)
        elif isinstance(value, list) and name not in ("pools",):
            for i, entry in enumerate(value):
                if isinstance(entry, dict):
                    found += _keys(f"{name}[{i}]", entry, schema)
    if isinstance(raw.get("bigscreen"), dict):
        found += _bigscreen(raw["bigscreen"])
    days = None
    try:
        start, end = dt.datetime.fromisoformat(raw["start"]), dt.datetime.fromisoformat(raw["end"])
        if end <= start:
            found.append(f"end {raw['end']} is not after start {raw['start']}")
        else:
            days = ((end - dt.timedelta(microseconds=1)).date() - start.date()).days + 1
        show = raw.get("light_show") or {}
        if "starts_at" in show and "ends_at" in show:
            show_start, show_end = dt.datetime.fromisoformat(show["starts_at"]), dt.datetime.fromisoformat(show["ends_at"])
            if show_end <= show_start:
                found.append("[light_show]: ends_at is not after starts_at")
            if not start <= show_start < end:
                found.append("[light_show]: starts_at is outside the event")
    except (KeyError, TypeError, ValueError):
        pass  # reported above as a missing or malformed key
    categories = [c for c in raw.get("categories", []) if isinstance(c, dict)]
    codes = [c.get("code") for c in categories]
    if not categories:
        found.append("categories: at least one [[categories]] is needed")
    found += [f"categories: code {code!r} repeated" for code in sorted({c for c in codes if codes.count(c) > 1}, key=str)]
    if isinstance(raw.get("pools"), list):
        found += _pools([p for p in raw["pools"] if isinstance(p, dict)], days)
    district_problems, districts = _districts(folder)
    found += district_problems
    if districts:
        found += _boundaries(folder, districts)
        known = set(districts) | ({raw["region_adcode"]} if isinstance(raw.get("region_adcode"), int) else set())
        for i, zone in enumerate(z for z in raw.get("zones", []) if isinstance(z, dict)):
            if isinstance(zone.get("host_adcode"), int) and zone["host_adcode"] not in known:
                found.append(f"zones[{i}]: host_adcode {zone['host_adcode']} is not in districts.csv")
        show = raw.get("light_show") or {}
        if isinstance(show.get("district_adcode"), int) and show["district_adcode"] not in known:
            found.append(f"[light_show]: district_adcode {show['district_adcode']} is not in districts.csv")
    if not found and (folder / "simulation.toml").is_file():
        found += _simulation(folder / "simulation.toml", codes)
    return found


def _simulation(path: Path, codes: list[str]) -> list[str]:
    """The simulator's calibration must name the event's categories (and only those)."""
    try:
        calibration = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        return [f"simulation.toml: not valid TOML ({exc})"]
    found = []
    for table in ("category_projects", "category_raised_share"):
        named = set(calibration.get(table, {}))
        if named != set(codes):
            found.append(f"simulation.toml [{table}]: names {sorted(named)}, the event's categories are {codes}")
    vocabulary = calibration.get("vocabulary", {})
    for key in VOCABULARY_LISTS:
        if not isinstance(vocabulary.get(key), list) or not vocabulary[key]:
            found.append(f"simulation.toml [vocabulary]: {key} needs a non-empty list")
    for key in ("district_charity_suffix", "project_suffix"):
        if not isinstance(vocabulary.get(key), str):
            found.append(f"simulation.toml [vocabulary]: {key} needs a text")
    themes = vocabulary.get("project_themes", {})
    found += [f"simulation.toml [vocabulary.project_themes]: no themes for category {code!r}"
              for code in codes if not themes.get(code)]
    return found
