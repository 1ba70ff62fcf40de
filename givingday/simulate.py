"""A realistic synthetic giving day, written to the inbox exactly as the contract says.

    python -m givingday simulate --inbox DIR [--scale F] [--seed N] [--live --speed X]

Calibration lives in the event folder (`simulation.toml`), so another event simulates with
no code change. What is modelled, per simulated hour (the unit of generation, seeded by
(seed, hour) so the same seed always writes the same files):

- gifts: a minute-level intensity (quiet nights, a rush when matching opens, an evening
  peak, a spike during the light show), gift sizes from buckets of typical amounts (most
  1-10 yuan, a long tail), projects by popularity (log-normal within a category, categories
  by their published share), repeat donors, friend-assist chains (the inviter is the
  previous giver to the same project), coupon gifts on coupon projects;
- match money by pool mechanism: `daily_random` (random and bonus matches from a daily
  share opening at the pool's hour, stopping exactly when the share is spent), `ratio`
  (hourly 配套 at the pool's ratio for eligible organisation kinds), `coupons` (a coupon
  credit per coupon gift), `steps` (bulk step credits with their walkers), and a few
  reversals of random matches;
- project snapshots: a new projects file at each day boundary with updated statuses.

Scale multiplies the number of gifts. Below scale 1 the pools shrink in proportion (a
miniature event keeps the real shape); at scale 1 and above the real budgets apply, so a
bigger crowd exhausts them sooner. Money reversed is not re-spent (an assumption).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from givingday import contract
from givingday.event import Event

MINUTE_US = 60_000_000
HOUR_US = 60 * MINUTE_US

ELIGIBLE_KINDS_DEFAULT = ("district_charity", "social_org", "volunteer_org")


# ---------------------------------------------------------------------------------------
# small vectorised helpers


def _mix64(values: np.ndarray, salt: int) -> np.ndarray:
    """splitmix64: a well-spread 64-bit hash of integers (pseudonymous, stable per seed)."""
    z = values.astype(np.uint64) + np.uint64((0x9E3779B97F4A7C15 * (salt + 1)) % 2**64)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def _hex_strings(values: np.ndarray) -> pl.Series:
    """16-character lower-case hex of uint64 values, vectorised."""
    shifts = np.arange(60, -4, -4, dtype=np.uint64)
    digits = _HEX[((values[:, None] >> shifts) & np.uint64(15)).astype(np.intp)]
    return pl.Series(np.ascontiguousarray(digits).view("S16").ravel()).cast(pl.String)


def _prefixed_ids(prefix: str, start: int, count: int, width: int = 10) -> pl.Series:
    numbers = pl.int_range(start, start + count, eager=True, dtype=pl.Int64)
    return (prefix + numbers.cast(pl.String).str.zfill(width)).alias("id")


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _timestamps(epoch_us: np.ndarray) -> pl.Series:
    return (pl.Series(epoch_us.astype(np.int64)).cast(pl.Datetime("us", "UTC"))
            .dt.convert_time_zone(contract.TZ))


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Split an integer total in proportion to weights, exactly."""
    raw = weights / weights.sum() * total
    parts = np.floor(raw).astype(np.int64)
    short = total - parts.sum()
    if short:
        parts[np.argsort(-(raw - parts))[:short]] += 1
    return parts


# ---------------------------------------------------------------------------------------
# reference data: organisations and projects


@dataclass
class SimulatedWorld:
    organizations: pl.DataFrame
    projects: pl.DataFrame
    popularity: np.ndarray           # probability of each project receiving a gift
    coupon_project: np.ndarray       # bool per project
    ratio_eligible: np.ndarray       # bool per project: its organisation kind gets 配套


def _organisations(event: Event, calib: dict, rng: np.random.Generator) -> pl.DataFrame:
    counts = calib["organisations"]
    rows = []
    bodies = [(d.name_zh, d.adcode) for d in event.districts]
    bodies += [(z.name_zh, z.host_adcode) for z in event.zones]
    words = calib["vocabulary"]
    for name, adcode in bodies[: counts["district_charity"]]:
        rows.append((name + words["district_charity_suffix"], "district_charity", adcode))
    district_codes = [d.adcode for d in event.districts]
    taken = {row[0] for row in rows}
    for kind, names, n in (("social_org", words["social_org_names"], counts["social_org"]),
                           ("volunteer_org", words["volunteer_org_names"], counts["volunteer_org"])):
        for i in range(n):
            while True:  # a place and a kind of body not taken yet
                city_level = rng.random() < 0.3
                adcode = event.region_adcode if city_level else int(rng.choice(district_codes))
                place = event.region_name_zh if city_level else \
                    next(d.name_zh for d in event.districts if d.adcode == adcode)
                name = f"{place}{names[(i + int(rng.integers(len(names)))) % len(names)]}"
                if name not in taken:
                    break
            taken.add(name)
            rows.append((name, kind, adcode))
    n = len(rows)
    alphabet = np.array(list("0123456789ABCDEFGHJKLMNPQRTUWXY"))
    codes = ["53" + "".join(rng.choice(alphabet, 16)) for _ in range(n)]
    codes = [c if rng.random() > 0.05 else None for c in codes]
    return pl.DataFrame({
        "org_id": [f"O{i + 1:04d}" for i in range(n)],
        "name": [r[0] for r in rows],
        "kind": [r[1] for r in rows],
        "district_adcode": pl.Series([r[2] for r in rows], dtype=pl.Int32),
        "credit_code": pl.Series(codes, dtype=pl.String),
    })


def build_reference(event: Event, calib: dict, rng: np.random.Generator,
                    budget_factor: float = 1.0) -> SimulatedWorld:
    orgs = _organisations(event, calib, rng)
    per_category = calib["category_projects"]
    shares = calib["category_raised_share"]
    n_projects = sum(per_category.values())
    # every organisation gets at least one project; the rest go by a skewed draw
    org_of = list(range(orgs.height)) + [int(o) for o in
        rng.choice(orgs.height, n_projects - orgs.height,
                   p=_normalised(rng.lognormal(0, 0.6, orgs.height)))]
    rng.shuffle(org_of)
    categories = [code for code in event.category_codes for _ in range(per_category[code])]
    populations = np.array([d.population for d in event.districts], dtype=float)
    district_codes = [d.adcode for d in event.districts]
    org_kind, org_adcode = orgs["kind"].to_list(), orgs["district_adcode"].to_list()
    rows, weights = [], np.zeros(n_projects)
    sigma = calib["donors"]["project_popularity_sigma"]
    for i, (org, category) in enumerate(zip(org_of, categories, strict=True)):
        adcode = org_adcode[org]
        if adcode == event.region_adcode:
            adcode = int(rng.choice(district_codes, p=populations / populations.sum()))
        place = next(d.name_zh for d in event.districts if d.adcode == adcode)
        themes = calib["vocabulary"]["project_themes"][category]
        rows.append((f"P{i + 1:04d}", f"{place}{themes[i % len(themes)]}{calib['vocabulary']['project_suffix']}",
                     orgs["org_id"][org], category, adcode))
        weights[i] = rng.lognormal(0, sigma)
    category_arr = np.array(categories)
    for code in event.category_codes:
        in_category = category_arr == code
        weights[in_category] *= shares[code] / weights[in_category].sum()
    popularity = weights / weights.sum()
    expected = popularity * calib["targets"]["raised_fen"] * budget_factor
    target = np.maximum((expected * rng.uniform(0.5, 1.8, n_projects)) // 100 * 100, 10_000)
    launched = event.start - dt.timedelta(days=2)
    projects = pl.DataFrame({
        "project_id": [r[0] for r in rows], "name": [r[1] for r in rows],
        "org_id": [r[2] for r in rows], "category": [r[3] for r in rows],
        "district_adcode": pl.Series([r[4] for r in rows], dtype=pl.Int32),
        "target_fen": target.astype(np.int64), "status": ["fundraising"] * n_projects,
        "launched_at": _timestamps(np.full(n_projects, _epoch_us(launched))
                                   + rng.integers(0, 86_400, n_projects) * 1_000_000),
    })
    coupons = event.pools_by_mechanism("coupons")
    n_coupon = coupons[0].projects if coupons and coupons[0].projects else 0
    coupon_project = np.zeros(n_projects, dtype=bool)
    coupon_project[rng.choice(n_projects, n_coupon, replace=False)] = True
    ratio_pools = event.pools_by_mechanism("ratio")
    eligible_kinds = ratio_pools[0].eligible_org_kinds if ratio_pools else ()
    eligible_kinds = eligible_kinds or ELIGIBLE_KINDS_DEFAULT
    ratio_eligible = np.array([org_kind[o] in eligible_kinds for o in org_of])
    return SimulatedWorld(orgs, projects, popularity, coupon_project, ratio_eligible)


def _normalised(values: np.ndarray) -> np.ndarray:
    return values / values.sum()


def _epoch_us(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


# ---------------------------------------------------------------------------------------
# time profile


def minute_intensity(event: Event, calib: dict) -> np.ndarray:
    """Expected share of all gifts in each minute of the event window (sums to 1)."""
    times = calib["time"]
    minutes = int((event.end - event.start).total_seconds() // 60)
    local = [event.start + dt.timedelta(minutes=m) for m in range(minutes)]
    hour_profile = np.array(times["hour_profile"], dtype=float)
    intensity = np.array([hour_profile[t.hour] for t in local])
    day_index = np.array([(t.date() - event.start.date()).days for t in local])
    for opens in event.matching_opens():
        since = np.array([(t - opens).total_seconds() / 60 for t in local])
        rush = (since >= 0) & (since < times["matching_rush_minutes"] * 3)
        intensity[rush] *= 1 + times["matching_rush"] * np.exp(-since[rush] / times["matching_rush_minutes"])
    if event.light_show_start:
        during = np.array([event.light_show_start <= t < event.light_show_end for t in local])
        intensity[during] *= times["light_show_multiplier"]
    day_weights = np.array(times["day_weights"], dtype=float)
    for day in range(len(day_weights)):
        in_day = day_index == day
        intensity[in_day] *= day_weights[day] / intensity[in_day].sum()
    return intensity / intensity.sum()


# ---------------------------------------------------------------------------------------
# the simulation: state carried from hour to hour


@dataclass
class HourBatch:
    start: dt.datetime
    end: dt.datetime
    donations: pl.DataFrame
    matches: pl.DataFrame


@dataclass
class _State:
    donors_seen: int = 0
    donations_made: int = 0
    matches_made: int = 0
    share_left: dict = field(default_factory=dict)      # (pool_id, day) -> fen
    pool_left: dict = field(default_factory=dict)       # pool_id -> fen
    pending_reversals: list = field(default_factory=list)
    raised: np.ndarray | None = None


class Simulation:
    def __init__(self, event: Event, scale: float = 1.0, seed: int = 2022, anomalies: bool = False):
        self.event, self.scale, self.seed, self.anomalies = event, scale, seed, anomalies
        self.calib = event.simulation()
        self.budget_factor = min(scale, 1.0)
        self.reference = build_reference(event, self.calib, np.random.default_rng([seed, 0]),
                                         self.budget_factor)
        self.intensity = minute_intensity(event, self.calib)
        self.state = _State(raised=np.zeros(self.reference.projects.height, dtype=np.int64))
        for pool in event.pools:
            self.state.pool_left[pool.pool_id] = int(pool.budget_fen * self.budget_factor)
            for day, share in enumerate(pool.daily_shares_fen):
                self.state.share_left[(pool.pool_id, day)] = int(share * self.budget_factor)
        self.step_plan = self._plan_steps()

    @property
    def hours(self) -> int:
        return len(self.intensity) // 60

    def hour_start(self, hour: int) -> dt.datetime:
        return self.event.start + dt.timedelta(hours=hour)

    def projects_snapshot(self) -> pl.DataFrame:
        """Projects with statuses as of now: completed once the target is reached."""
        reached = self.state.raised >= self.reference.projects["target_fen"].to_numpy()
        return self.reference.projects.with_columns(
            status=pl.when(pl.Series(reached)).then(pl.lit("completed")).otherwise(pl.col("status")))

    def run(self) -> Iterator[HourBatch]:
        for hour in range(self.hours):
            yield self._hour(hour)

    # -- gifts ------------------------------------------------------------------------

    def _hour(self, hour: int) -> HourBatch:
        rng = np.random.default_rng([self.seed, 1, hour])
        start = self.hour_start(hour)
        expected = self.intensity[hour * 60:(hour + 1) * 60] * self.calib["targets"]["donations"] * self.scale
        per_minute = rng.poisson(expected)
        donations = self._gifts(rng, start, per_minute)
        if self.anomalies:
            donations = self._plant_anomalies(start, donations)
        matches = self._matches(rng, hour, start, donations)
        project_index = donations["project_index"].to_numpy()
        np.add.at(self.state.raised, project_index, donations["amount_fen"].to_numpy())
        if matches.height:
            idx = matches.join(self._project_index_frame(), on="project_id")
            np.add.at(self.state.raised, idx["project_index"].to_numpy(), idx["amount_fen"].to_numpy())
        return HourBatch(start, start + dt.timedelta(hours=1),
                         donations.drop("project_index").select(list(contract.contract_columns("donations"))),
                         matches.select(list(contract.contract_columns("matches"))))

    # -- planted patterns for the integrity monitor (--inject-anomalies) ---------------

    PLANTED = (  # (pattern, event day, hour, project index, gifts, amount fen, minutes)
        ("apportionment", 1, 15, 40, 80, 5000, 10),   # a workplace told to give 50 yuan each
        ("match_farming", 1, 16, 80, 25, 100, 20),    # one donor, 1-yuan gifts again and again
        ("match_outlier", 0, 11, 120, 30, 30000, 50),  # one donor drawing far more match money
        ("new_donor_rush", 2, 2, 160, 60, 2000, 5),    # a night burst of brand-new donors
        ("invite_chain", 1, 11, 200, 24, 100, 15),     # one inviter's friends, 1 yuan each, for matches
    )

    def _plant_anomalies(self, start: dt.datetime, gifts: pl.DataFrame) -> pl.DataFrame:
        """Append each planted pattern in its hour; the rest of the event is untouched."""
        day = (start.date() - self.event.start.date()).days
        planted = [p for p in self.PLANTED if (p[1], p[2]) == (day, start.hour)]
        for pattern, _, _, project, count, amount, minutes in planted:
            n = [p[0] for p in self.PLANTED].index(pattern)
            one_donor = pattern in ("match_farming", "match_outlier")
            first = 10**12 + n * 10**4  # donor numbers no ordinary donor has: brand-new people
            donors = (np.full(count, first) if one_donor else first + np.arange(count)).astype(np.uint64)
            chain = pattern == "invite_chain"
            inviter = _hex_strings(_mix64(np.array([first - 1], dtype=np.uint64), self.seed + 99 + n))[0]
            offsets = np.linspace(0, minutes * MINUTE_US - 1, count).astype(np.int64)
            frame = pl.DataFrame({
                "donation_id": _prefixed_ids("X", self.state.donations_made, count),
                "donated_at": _timestamps(_epoch_us(start) + 5 * MINUTE_US + offsets),
                "project_index": np.full(count, project, dtype=np.int64),
                "project_id": self.reference.projects["project_id"].gather([project] * count),
                "amount_fen": np.full(count, amount, dtype=np.int64),
                "donor_key": _hex_strings(_mix64(donors, self.seed + 99 + n)),
                "donor_name": pl.Series([None] * count, dtype=pl.String),
                "channel": "friend_assist" if chain else "direct",
                "inviter_key": pl.Series([inviter if chain else None] * count, dtype=pl.String),
            })
            self.state.donations_made += count
            gifts = pl.concat([gifts, frame.select(gifts.columns)]).sort("donated_at", maintain_order=True)
        return gifts

    def _project_index_frame(self) -> pl.DataFrame:
        return self.reference.projects.select("project_id").with_row_index("project_index").with_columns(
            pl.col("project_index").cast(pl.Int64))

    def _gifts(self, rng: np.random.Generator, start: dt.datetime, per_minute: np.ndarray) -> pl.DataFrame:
        n = int(per_minute.sum())
        minute = np.repeat(np.arange(len(per_minute)), per_minute)
        epoch = _epoch_us(start) + minute * MINUTE_US + rng.integers(0, MINUTE_US, n)
        epoch.sort()
        projects = rng.choice(len(self.reference.popularity), n, p=self.reference.popularity)
        donors = self._donors(rng, n)
        donor_cfg = self.calib["donors"]
        channel_draw = rng.random(n)
        friend = channel_draw < donor_cfg["channel_friend_assist"]
        coupon = (channel_draw > 1 - donor_cfg["channel_coupon"]) & self.reference.coupon_project[projects]
        channel = np.where(friend, "friend_assist", np.where(coupon, "coupon", "direct"))
        amounts = self._amounts(rng, n)
        keys = _hex_strings(_mix64(donors, self.seed))
        ids = _prefixed_ids("D", self.state.donations_made, n)
        self.state.donations_made += n
        frame = pl.DataFrame({
            "donation_id": ids, "donated_at": _timestamps(epoch),
            "project_index": projects.astype(np.int64),
            "project_id": self.reference.projects["project_id"].gather(projects),
            "amount_fen": amounts, "donor_key": keys,
            "donor_name": self._names(rng, donors), "channel": channel,
            "donor_index": donors,
        })
        # friend-assist chains: the inviter is the previous giver to the same project
        previous = pl.col("donor_key").shift(1).over("project_index", order_by="donated_at")
        fallback = _hex_strings(_mix64(rng.integers(0, max(self.state.donors_seen, 1), n), self.seed))
        return frame.with_columns(
            inviter_key=pl.when(pl.col("channel") == "friend_assist")
            .then(pl.coalesce(previous, fallback)).otherwise(None),
        ).drop("donor_index")

    def _donors(self, rng: np.random.Generator, n: int) -> np.ndarray:
        new = rng.random(n) < self.calib["donors"]["new_donor_share"]
        if self.state.donors_seen == 0:
            new[:] = True
        new_ids = self.state.donors_seen + np.arange(new.sum())
        donors = np.empty(n, dtype=np.uint64)
        donors[new] = new_ids
        donors[~new] = rng.integers(0, max(self.state.donors_seen, 1), (~new).sum())
        self.state.donors_seen += int(new.sum())
        return donors

    def _names(self, rng: np.random.Generator, donors: np.ndarray) -> pl.Series:
        """Stable nickname per donor, missing for some: real-name-like or playful."""
        h = _mix64(donors, self.seed + 7)
        words = self.calib["vocabulary"]

        def part(key: str, shift: int) -> pl.Series:
            choices = words[key]
            return pl.Series(choices).gather(((h >> np.uint64(shift)) % np.uint64(len(choices))).astype(np.int64))
        surname, given = part("surnames", 0), part("given_names", 8)
        head, tail = part("nickname_heads", 16), part("nickname_tails", 24)
        style = (h >> np.uint64(32)) % np.uint64(100)
        missing = ((h >> np.uint64(40)) % np.uint64(1000)) < int(self.calib["donors"]["name_missing_share"] * 1000)
        names = pl.select(pl.when(pl.Series(style < 40)).then(surname + given).otherwise(head + tail)).to_series()
        return names.scatter(np.flatnonzero(missing), None).alias("donor_name")

    def _amounts(self, rng: np.random.Generator, n: int) -> np.ndarray:
        buckets = self.calib["gifts"]
        shares = np.array([b["share"] for b in buckets])
        which = rng.choice(len(buckets), n, p=shares / shares.sum())
        amounts = np.empty(n, dtype=np.int64)
        for i, bucket in enumerate(buckets):
            chosen = which == i
            amounts[chosen] = rng.choice(np.array(bucket["amounts"], dtype=np.int64), chosen.sum())
        return amounts

    # -- match money ------------------------------------------------------------------

    def _matches(self, rng, hour: int, start: dt.datetime, gifts: pl.DataFrame) -> pl.DataFrame:
        parts = []
        for pool in self.event.pools:
            if pool.mechanism == "daily_random":
                parts.append(self._random_matches(rng, pool, start, gifts))
            elif pool.mechanism == "coupons":
                parts.append(self._coupon_matches(rng, pool, gifts))
            elif pool.mechanism == "ratio":
                parts.append(self._ratio_matches(pool, start, gifts))
            elif pool.mechanism == "steps":
                parts.append(self._step_matches(rng, pool, hour, start))
        parts.append(self._due_reversals(start + dt.timedelta(hours=1)))
        frame = pl.concat([p for p in parts if p.height], how="vertical") if any(p.height for p in parts) \
            else _empty_matches()
        frame = frame.sort("matched_at", maintain_order=True)
        ids = _prefixed_ids("M", self.state.matches_made, frame.height)
        self.state.matches_made += frame.height
        frame = frame.with_columns(match_id=ids)
        self._schedule_reversals(rng, frame, start)
        return frame

    def _random_matches(self, rng, pool, start: dt.datetime, gifts: pl.DataFrame) -> pl.DataFrame:
        day = (start.date() - self.event.start.date()).days
        opens = dt.datetime.combine(start.date(), pool.daily_opens_at, self.event.tz)
        left = self.state.share_left.get((pool.pool_id, day), 0)
        if left <= 0 or start + dt.timedelta(hours=1) <= opens:
            return _empty_matches()
        cfg = self.calib["matching"]
        eligible = (pl.col("amount_fen") >= pool.min_gift_fen) & (pl.col("donated_at") >= opens)
        candidates = gifts.filter(eligible)
        n = candidates.height
        lucky = rng.random(n) < cfg["random_probability"]
        fraction = rng.uniform(*cfg["random_fraction"], n)
        random_amount = np.minimum(np.maximum((candidates["amount_fen"].to_numpy() * fraction).astype(np.int64), 1),
                                   cfg["random_cap_fen"])
        bonus = (candidates["channel"].to_numpy() == "friend_assist") & (rng.random(n) < cfg["bonus_probability"])
        bonus_amount = rng.integers(cfg["bonus_fen"][0], cfg["bonus_fen"][1] + 1, n)
        base = candidates.select("donated_at", "project_id", "donation_id")
        offers = pl.concat([
            base.filter(pl.Series(lucky)).with_columns(amount_fen=pl.Series(random_amount[lucky]),
                                                       kind=pl.lit("random_match")),
            base.filter(pl.Series(bonus)).with_columns(amount_fen=pl.Series(bonus_amount[bonus]),
                                                       kind=pl.lit("bonus_match")),
        ]).sort("donated_at", maintain_order=True)
        paid = _pay_until_spent(offers["amount_fen"].to_numpy(), left)
        offers = offers.head(len(paid)).with_columns(amount_fen=pl.Series(paid, dtype=pl.Int64))
        self.state.share_left[(pool.pool_id, day)] = left - int(paid.sum())
        self.state.pool_left[pool.pool_id] -= int(paid.sum())
        delay = pl.duration(seconds=pl.Series(rng.integers(1, 30, offers.height)))
        return _as_matches(offers.with_columns(matched_at=pl.col("donated_at") + delay), pool.pool_id)

    def _coupon_matches(self, rng, pool, gifts: pl.DataFrame) -> pl.DataFrame:
        offers = gifts.filter(pl.col("channel") == "coupon").select("donated_at", "project_id", "donation_id")
        values = rng.choice(np.array(self.calib["matching"]["coupon_values_fen"]), offers.height)
        paid = _pay_until_spent(values, self.state.pool_left[pool.pool_id])
        self.state.pool_left[pool.pool_id] -= int(paid.sum())
        offers = offers.head(len(paid)).with_columns(amount_fen=pl.Series(paid, dtype=pl.Int64),
                                                     kind=pl.lit("coupon_match"))
        return _as_matches(offers.with_columns(matched_at=pl.col("donated_at") + pl.duration(seconds=5)),
                           pool.pool_id)

    def _ratio_matches(self, pool, start: dt.datetime, gifts: pl.DataFrame) -> pl.DataFrame:
        eligible_ids = self.reference.projects.filter(pl.Series(self.reference.ratio_eligible))["project_id"]
        hourly = (gifts.filter(pl.col("project_id").is_in(eligible_ids.implode()))
                  .group_by("project_id").agg(public=pl.col("amount_fen").sum(), participants=pl.len())
                  .sort("project_id"))
        due = (hourly["public"].to_numpy() * pool.ratio).astype(np.int64)
        paid = _pay_until_spent(due, self.state.pool_left[pool.pool_id])
        self.state.pool_left[pool.pool_id] -= int(paid.sum())
        credits = hourly.head(len(paid)).with_columns(
            amount_fen=pl.Series(paid, dtype=pl.Int64), kind=pl.lit("ratio_match"),
            donation_id=pl.lit(None, dtype=pl.String),
            matched_at=pl.lit(start + dt.timedelta(minutes=59, seconds=59)).dt.convert_time_zone(contract.TZ),
        ).filter(pl.col("amount_fen") > 0)
        return _as_matches(credits, pool.pool_id, participants=pl.col("participants"))

    def _plan_steps(self) -> dict[int, int]:
        """The steps pool spread over daytime hours, exactly its (scaled) budget."""
        pools = self.event.pools_by_mechanism("steps")
        if not pools:
            return {}
        first, last = self.calib["matching"]["step_hours"]
        profile = self.calib["time"]["hour_profile"]
        hours = [h for h in range(self.hours) if first <= self.hour_start(h).hour < last]
        weights = np.array([profile[self.hour_start(h).hour] for h in hours], dtype=float)
        budget = int(pools[0].budget_fen * self.budget_factor)
        return dict(zip(hours, _largest_remainder(budget, weights).tolist(), strict=True))

    def _step_matches(self, rng, pool, hour: int, start: dt.datetime) -> pl.DataFrame:
        amount = self.step_plan.get(hour, 0)
        if amount <= 0:
            return _empty_matches()
        credits = 12
        projects = rng.choice(len(self.reference.popularity), credits, p=self.reference.popularity)
        amounts = _largest_remainder(amount, rng.dirichlet(np.ones(credits)))
        total_walkers = self.calib["matching"]["step_walkers"] * self.budget_factor
        walkers = np.maximum((amounts / max(pool.budget_fen * self.budget_factor, 1) * total_walkers)
                             .astype(np.int64), 1)
        minutes = np.sort(rng.integers(0, 60, credits))
        frame = pl.DataFrame({
            "matched_at": _timestamps(_epoch_us(start) + minutes * MINUTE_US),
            "project_id": self.reference.projects["project_id"].gather(projects),
            "donation_id": pl.Series([None] * credits, dtype=pl.String),
            "amount_fen": amounts.astype(np.int64), "kind": "step_match",
            "participants": walkers.astype(np.int32),
        })
        return _as_matches(frame, pool.pool_id, participants=pl.col("participants"))

    def _schedule_reversals(self, rng, frame: pl.DataFrame, start: dt.datetime) -> None:
        share = self.calib["matching"]["reversal_share"]
        random = frame.filter(pl.col("kind") == "random_match")
        chosen = random.filter(pl.Series(rng.random(random.height) < share))
        delays = rng.integers(HOUR_US, 6 * HOUR_US, chosen.height)
        last = _epoch_us(self.event.end) - 1_000_000
        for row, delay in zip(chosen.iter_rows(named=True), delays, strict=True):
            due = min(_epoch_us(row["matched_at"]) + int(delay), last)
            self.state.pending_reversals.append((due, row))

    def _due_reversals(self, until: dt.datetime) -> pl.DataFrame:
        cutoff = _epoch_us(until)
        due = [(t, r) for t, r in self.state.pending_reversals if t < cutoff]
        self.state.pending_reversals = [(t, r) for t, r in self.state.pending_reversals if t >= cutoff]
        if not due:
            return _empty_matches()
        frame = pl.DataFrame({
            "matched_at": _timestamps(np.array([t for t, _ in due])),
            "pool_id": [r["pool_id"] for _, r in due],
            "project_id": [r["project_id"] for _, r in due],
            "donation_id": pl.Series([r["donation_id"] for _, r in due], dtype=pl.String),
            "amount_fen": pl.Series([-r["amount_fen"] for _, r in due], dtype=pl.Int64),
            "kind": [r["kind"] for _, r in due],
            "reverses_match_id": [r["match_id"] for _, r in due],
        })
        for _, r in due:
            self.state.pool_left[r["pool_id"]] += r["amount_fen"]
        return _as_matches(frame)


def _pay_until_spent(amounts: np.ndarray, left: int) -> np.ndarray:
    """Pay offers in order until `left` is spent; the last one gets what remains."""
    if left <= 0 or len(amounts) == 0:
        return np.zeros(0, dtype=np.int64)
    running = np.cumsum(amounts)
    full = int(np.searchsorted(running, left, side="right"))
    paid = amounts[:full].astype(np.int64)
    spent = int(paid.sum())
    if full < len(amounts) and spent < left:
        paid = np.append(paid, left - spent)
    return paid


_MATCH_COLUMNS = contract.contract_columns("matches")


def _empty_matches() -> pl.DataFrame:
    return pl.DataFrame(schema=_MATCH_COLUMNS)


def _as_matches(frame: pl.DataFrame, pool_id: str | None = None,
                participants: pl.Expr | None = None) -> pl.DataFrame:
    """Complete a frame of credits to the contract's match columns (ids come later)."""
    if frame.height == 0:
        return _empty_matches()
    defaults = {"match_id": pl.lit(""), "reverses_match_id": pl.lit(None, dtype=pl.String)}
    return frame.with_columns(
        *[value.alias(name) for name, value in defaults.items() if name not in frame.columns],
        *([pl.lit(pool_id).alias("pool_id")] if pool_id else []),
        participants=(participants if participants is not None else pl.lit(1)).cast(pl.Int32),
    ).select(_MATCH_COLUMNS.keys()).cast(_MATCH_COLUMNS)


# ---------------------------------------------------------------------------------------
# writing the inbox


class InboxWriter:
    """Writes contract files: a temporary name first, then an atomic rename."""

    def __init__(self, inbox: Path):
        self.inbox = Path(inbox)
        self.sequence = 0
        for table in contract.TABLES:
            (self.inbox / table).mkdir(parents=True, exist_ok=True)

    def _write(self, table: str, name: str, frame: pl.DataFrame) -> Path:
        expected = contract.contract_columns(table)
        assert frame.schema == pl.Schema(expected), f"{table} frame differs from the contract"
        final = self.inbox / table / name
        temporary = final.with_name(final.name + ".tmp")
        frame.write_parquet(temporary, compression="zstd", statistics=True)
        os.replace(temporary, final)
        return final

    def snapshot(self, table: str, at: dt.datetime, frame: pl.DataFrame) -> Path:
        return self._write(table, f"{table}-{_stamp(at)}.parquet", frame)

    def batch(self, table: str, at: dt.datetime, frame: pl.DataFrame) -> Path | None:
        if frame.height == 0:
            return None
        self.sequence += 1
        return self._write(table, f"{table}-{_stamp(at)}-{self.sequence:06d}.parquet", frame)


def simulate(event: Event, inbox: Path, scale: float = 1.0, seed: int = 2022, live: bool = False,
             speed: float = 60.0, live_from: dt.datetime | None = None,
             on_write=None, anomalies: bool = False) -> dict:
    """Write a whole simulated event to `inbox`; with `live`, replay in compressed time.

    Before `live_from` (default: the event start) hours are written at once, one file per
    table and hour; after it, one file per table and simulated minute, paced so that
    `speed` simulated seconds pass per real second.
    """
    simulation = Simulation(event, scale, seed, anomalies)
    writer = InboxWriter(inbox)
    snapshot_at = event.start - dt.timedelta(hours=12)
    writer.snapshot("organizations", snapshot_at, simulation.reference.organizations)
    writer.snapshot("projects", snapshot_at, simulation.projects_snapshot())
    live_from = (live_from or event.start).astimezone(event.tz).replace(second=0, microsecond=0)
    clock_start = time.monotonic()
    totals = {"donations": 0, "matches": 0, "public_fen": 0, "matched_fen": 0}
    for batch in simulation.run():
        if batch.start.hour == 0 and batch.start > event.start:
            writer.snapshot("projects", batch.start, simulation.projects_snapshot())
        totals["donations"] += batch.donations.height
        totals["matches"] += batch.matches.height
        totals["public_fen"] += int(batch.donations["amount_fen"].sum())
        totals["matched_fen"] += int(batch.matches["amount_fen"].sum())
        if not live or batch.end <= live_from:
            writer.batch("donations", batch.end, batch.donations)
            writer.batch("matches", batch.end, batch.matches)
        else:
            _write_minutes(writer, batch, live_from, speed, clock_start)
        if on_write:
            on_write(batch)
    return totals


def _write_minutes(writer: InboxWriter, batch: HourBatch, live_from: dt.datetime, speed: float,
                   clock_start: float) -> None:
    """Write one hour minute by minute, each minute when its simulated time has come."""
    moment = max(live_from, batch.start)
    if moment > batch.start:  # the part of the hour before the live start, at once
        _write_window(writer, batch, batch.start, moment)
    while moment < batch.end:
        end = min(moment + dt.timedelta(minutes=1), batch.end)
        due = clock_start + (end - live_from).total_seconds() / speed
        time.sleep(max(0.0, due - time.monotonic()))
        # the hour's last window is open-ended: a match can be paid seconds after the hour
        _write_window(writer, batch, moment, end if end < batch.end else None, stamp=end)
        moment = end


def _write_window(writer: InboxWriter, batch: HourBatch, begin: dt.datetime, end: dt.datetime | None,
                  stamp: dt.datetime | None = None) -> None:
    for table, frame, column in (("donations", batch.donations, "donated_at"),
                                 ("matches", batch.matches, "matched_at")):
        inside = pl.col(column) >= begin
        if end is not None:
            inside &= pl.col(column) < end
        writer.batch(table, stamp or end, frame.filter(inside))
