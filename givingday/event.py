"""Load an event folder `data/events/<id>/`: the reference data of one giving day.

The folder holds `event.toml` (names, dates, time zone, matching hours, categories, pools,
functional zones, alert thresholds), `districts.csv` and `boundaries.geojson`. A second
event is a second folder; nothing here is specific to Chongqing.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tomllib
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from givingday import event_schema

ROOT = Path(__file__).resolve().parents[1]
EVENTS_DIR = ROOT / "data" / "events"
DEFAULT_EVENT = "chongqing-2022"


class EventError(Exception):
    """The event folder is missing or inconsistent."""


@dataclass(frozen=True)
class Category:
    code: str
    name_zh: str
    name_en: str
    colour: str
    order: int


@dataclass(frozen=True)
class District:
    adcode: int
    name_zh: str
    name_en: str
    kind: str
    population: int


@dataclass(frozen=True)
class Zone:
    name_zh: str
    name_en: str
    host_adcode: int
    note: str


@dataclass(frozen=True)
class Pool:
    pool_id: str
    name_zh: str
    name_en: str
    sponsor_zh: str
    budget_fen: int
    rule_zh: str
    rule_en: str
    ratio: float | None = None
    daily_shares_fen: tuple[int, ...] = ()
    daily_opens_at: dt.time | None = None
    min_gift_fen: int = 0
    projects: int | None = None
    mechanism: str = ""
    eligible_org_kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Alerts:
    """[alerts]: the thresholds of the staff alert rules (and of "spent" on the big screen)."""
    stale_after_minutes: float = 10
    pool_runs_out_within_minutes: float = 60
    pool_empty_below_fen: int = 100   # less than this left: the pool (or day's share) is spent
    project_stalled_after_hours: float = 6
    quarantine_spike_rows_per_hour: int = 1000


@dataclass(frozen=True)
class MapView:
    """Where the district map opens ([map]; default: the middle of the boundaries)."""
    latitude: float
    longitude: float
    zoom: float


@dataclass(frozen=True)
class LightShow:
    """The evening show the countdown scene counts down to ([light_show])."""
    name_zh: str
    name_en: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place_zh: str = ""
    place_en: str = ""


@dataclass(frozen=True)
class BigScreen:
    """[bigscreen]: the kiosk's look and behaviour. Colours must pass WCAG AA on the
    background (AAA for `text`, the headline figures: event_schema checks); `milestone_every_fen
    = 0` turns the celebration cards off; `overscan_percent` is the default safe margin (a
    screen's URL may override it with ?overscan=)."""
    public_url: str = ""
    qr_page: str = "live"
    sponsors_zh: tuple[str, ...] = ()
    sponsors_en: tuple[str, ...] = ()
    stale_after_minutes: int = 5
    milestone_every_fen: int = 0
    celebrate_seconds: int = 20
    overscan_percent: float = 2.5
    title_zh: str = ""
    title_en: str = ""
    background: str = "#05080D"
    text: str = "#FFFFFF"
    muted: str = "#AEB7C2"
    accent: str = "#FFB000"
    up: str = "#3DDC97"
    down: str = "#FF8A8A"

    @classmethod
    def read(cls, table: dict) -> BigScreen:
        """From the [bigscreen] table (checked by event_schema: keys, types, contrast)."""
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in table.items()})


@dataclass(frozen=True)
class Event:
    id: str
    folder: Path
    name_zh: str
    name_en: str
    tz: ZoneInfo
    start: dt.datetime
    end: dt.datetime
    matching_opens_at: dt.time
    region_adcode: int
    region_name_zh: str
    region_name_en: str
    light_show_start: dt.datetime | None
    light_show_end: dt.datetime | None
    categories: tuple[Category, ...]
    districts: tuple[District, ...]
    zones: tuple[Zone, ...]
    pools: tuple[Pool, ...]
    alerts: Alerts = field(default_factory=Alerts)
    light_show: LightShow | None = None
    organiser_zh: str = ""
    organiser_en: str = ""
    platform_zh: str = ""
    platform_en: str = ""
    licence: str = "CC BY 4.0"
    bigscreen: BigScreen = field(default_factory=BigScreen)
    integrity: dict = field(default_factory=dict)   # [integrity] thresholds, checked by event_schema
    frame_ancestors: tuple[str, ...] = ("*",)       # [embed]: who may frame the embed cards
    region_level_zh: str = "市级"                    # the label of region-wide (not district) bodies
    region_level_en: str = "City-wide"
    map_view: MapView | None = None
    raw: dict = field(default_factory=dict, repr=False)

    @property
    def days(self) -> list[dt.date]:
        """Event days in local time."""
        first, last = self.start.date(), (self.end - dt.timedelta(microseconds=1)).date()
        return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]

    @property
    def category_codes(self) -> list[str]:
        return [c.code for c in self.categories]

    @property
    def pool_ids(self) -> list[str]:
        return [p.pool_id for p in self.pools]

    @property
    def valid_adcodes(self) -> list[int]:
        """Adcodes a project or organisation may name: every district and the region."""
        return [d.adcode for d in self.districts] + [self.region_adcode]

    def pool(self, pool_id: str) -> Pool:
        return next(p for p in self.pools if p.pool_id == pool_id)

    def pools_by_mechanism(self, mechanism: str) -> list[Pool]:
        return [p for p in self.pools if p.mechanism == mechanism]

    def simulation(self) -> dict:
        """The simulator's calibration for this event (simulation.toml), if any."""
        path = self.folder / "simulation.toml"
        if not path.is_file():
            raise EventError(f"event folder {self.folder} has no simulation.toml")
        return tomllib.loads(path.read_text(encoding="utf-8"))

    @property
    def boundaries_path(self) -> Path:
        return self.folder / "boundaries.geojson"

    def matching_opens(self) -> list[dt.datetime]:
        """The moments Tencent-style daily matching opens, one per event day."""
        return [dt.datetime.combine(day, self.matching_opens_at, self.tz) for day in self.days]


def _time(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def _aware(text: str, tz: ZoneInfo) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise EventError(f"timestamp {text!r} in event.toml has no offset")
    return moment.astimezone(tz)


def _read_districts(path: Path) -> tuple[District, ...]:
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return tuple(
        District(int(r["district_adcode"]), r["name_zh"], r["name_en"], r["kind"],
                 int(r["population_2020"]))
        for r in rows
    )


def _read_pool(entry: dict) -> Pool:
    opens = entry.get("daily_opens_at")
    return Pool(
        pool_id=entry["pool_id"], name_zh=entry["name_zh"], name_en=entry["name_en"],
        sponsor_zh=entry.get("sponsor_zh", ""), budget_fen=int(entry["budget_fen"]),
        rule_zh=entry.get("rule_zh", ""), rule_en=entry.get("rule_en", ""),
        ratio=entry.get("ratio"), daily_shares_fen=tuple(entry.get("daily_shares_fen", ())),
        daily_opens_at=_time(opens) if opens else None,
        min_gift_fen=int(entry.get("min_gift_fen", 0)), projects=entry.get("projects"),
        mechanism=entry.get("mechanism", ""),
        eligible_org_kinds=tuple(entry.get("eligible_org_kinds", ())),
    )


def load_event(event_id: str | None = None, events_dir: Path | None = None) -> Event:
    """Load and check an event folder; raise EventError with one clear sentence if invalid."""
    event_id = event_id or os.environ.get("GIVINGDAY_EVENT") or DEFAULT_EVENT
    folder = Path(events_dir or os.environ.get("GIVINGDAY_EVENTS_DIR") or EVENTS_DIR) / event_id
    return _load_folder(_resolved(str(folder), os.getcwd()))


@lru_cache(maxsize=64)
def _resolved(folder: str, cwd: str) -> Path:
    """The folder's real path (a page asks for the event several times a run, and resolving
    it each time was 15% of a crowd's script threads: py-spy, 150 overview viewers)."""
    return Path(cwd, folder).resolve()


@cache
def _load_folder(folder: Path) -> Event:
    found = event_schema.problems(folder)
    if found:
        raise EventError(f"event folder {folder} has {len(found)} problem(s):\n" + "\n".join(found))
    raw = tomllib.loads((folder / "event.toml").read_text(encoding="utf-8"))
    tz = ZoneInfo(raw["time_zone"])
    light = raw.get("light_show", {})
    view = raw.get("map", {})
    return Event(
        id=raw["id"], folder=folder, name_zh=raw["name_zh"], name_en=raw["name_en"], tz=tz,
        start=_aware(raw["start"], tz), end=_aware(raw["end"], tz),
        matching_opens_at=_time(raw["matching_opens_at"]),
        region_adcode=int(raw["region_adcode"]),
        region_name_zh=raw["region_name_zh"], region_name_en=raw["region_name_en"],
        light_show_start=_aware(light["starts_at"], tz) if light else None,
        light_show_end=_aware(light["ends_at"], tz) if light else None,
        categories=tuple(Category(c["code"], c["name_zh"], c["name_en"], c["colour"], i)
                         for i, c in enumerate(raw["categories"])),
        districts=_read_districts(folder / "districts.csv"),
        zones=tuple(Zone(z["name_zh"], z["name_en"], int(z["host_adcode"]), z.get("note", ""))
                    for z in raw.get("zones", [])),
        pools=tuple(sorted((_read_pool(p) for p in raw["pools"]), key=lambda p: p.pool_id)),
        alerts=Alerts(**raw.get("alerts", {})),
        light_show=LightShow(light["name_zh"], light["name_en"], _aware(light["starts_at"], tz),
                             _aware(light["ends_at"], tz), light.get("place_zh", ""),
                             light.get("place_en", "")) if light else None,
        organiser_zh=raw.get("organiser_zh", ""), organiser_en=raw.get("organiser_en", ""),
        platform_zh=raw.get("platform_zh", ""), platform_en=raw.get("platform_en", ""),
        licence=raw.get("licence", "CC BY 4.0").split(" (")[0],
        bigscreen=BigScreen.read(raw.get("bigscreen", {})),
        integrity=dict(raw.get("integrity", {})),
        frame_ancestors=tuple(raw.get("embed", {}).get("frame_ancestors", ["*"])),
        region_level_zh=raw.get("region_level_zh", "市级"), region_level_en=raw.get("region_level_en", "City-wide"),
        map_view=MapView(view["latitude"], view["longitude"], view.get("zoom", 6)) if "latitude" in view else None,
        raw=raw,
    )


