"""The snapshot contract (../shared/spec/snapshot-contract.md) as declared schemas.

The one place where the inbox's table names, column names, types and row rules live.
Static rules are dataframely schemas; rules that depend on the event (category codes,
pools, adcodes) or on reference data (known organisations and projects) are added by
`row_schema`, which derives an event-bound schema from the static one.

File-level checks (`conform`) decide whether a file can be read as its table at all: a
missing column, a mistyped column or a naive timestamp makes the whole file broken.
Lossless differences are normalised instead of rejected: any integer width for an integer
column, any time unit, and any time zone for an aware timestamp (converted to the event's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import dataframely as dy
import polars as pl

TZ = "Asia/Shanghai"  # the inbox contract's zone (snapshot-contract.md); pages show the event's
FINAL_SUFFIX = ".parquet"

ORG_KINDS = ("district_charity", "social_org", "volunteer_org", "city_charity")
PROJECT_STATUSES = ("fundraising", "paused", "completed", "closed")
CHANNELS = ("direct", "friend_assist", "coupon")
MATCH_KINDS = ("random_match", "bonus_match", "ratio_match", "step_match", "coupon_match")

SNAPSHOT_TABLES = ("organizations", "projects")  # full state; the newest file wins
LEDGER_TABLES = ("donations", "matches")  # append-only batches
TABLES = SNAPSHOT_TABLES + LEDGER_TABLES
KEY_COLUMN = {"organizations": "org_id", "projects": "project_id",
              "donations": "donation_id", "matches": "match_id"}

FILE_NAME = {  # the contract's names: a .parquet file named otherwise is quarantined whole
    "organizations": re.compile(r"^organizations-(\d{8}T\d{6})\.parquet$"),
    "projects": re.compile(r"^projects-(\d{8}T\d{6})\.parquet$"),
    "donations": re.compile(r"^donations-(\d{8}T\d{6})-(\d+)\.parquet$"),
    "matches": re.compile(r"^matches-(\d{8}T\d{6})-(\d+)\.parquet$"),
}


def _one_of(values):
    return lambda column: column.is_in(list(values))


class Organizations(dy.Schema):
    org_id = dy.String(min_length=1)
    name = dy.String(min_length=1)
    kind = dy.String(check=_one_of(ORG_KINDS))
    district_adcode = dy.Int32()
    credit_code = dy.String(nullable=True, min_length=18, max_length=18)


class Projects(dy.Schema):
    project_id = dy.String(min_length=1)
    name = dy.String(min_length=1)
    org_id = dy.String(min_length=1)
    category = dy.String(min_length=1)
    district_adcode = dy.Int32()
    target_fen = dy.Int64(min_exclusive=0)
    status = dy.String(check=_one_of(PROJECT_STATUSES))
    launched_at = dy.Datetime(time_zone=TZ, time_unit="us")


class Donations(dy.Schema):
    donation_id = dy.String(min_length=1)
    donated_at = dy.Datetime(time_zone=TZ, time_unit="us")
    project_id = dy.String(min_length=1)
    amount_fen = dy.Int64(min_exclusive=0)
    donor_key = dy.String(min_length=1)
    donor_name = dy.String(nullable=True)
    channel = dy.String(check=_one_of(CHANNELS))
    inviter_key = dy.String(nullable=True)


class Matches(dy.Schema):
    match_id = dy.String(min_length=1)
    matched_at = dy.Datetime(time_zone=TZ, time_unit="us")
    pool_id = dy.String(min_length=1)
    project_id = dy.String(min_length=1)
    donation_id = dy.String(nullable=True)
    amount_fen = dy.Int64()
    kind = dy.String(check=_one_of(MATCH_KINDS))
    reverses_match_id = dy.String(nullable=True)
    participants = dy.Int32()

    @dy.rule()
    def non_zero_amount(cls) -> pl.Expr:
        return pl.col("amount_fen") != 0

    @dy.rule()
    def reversal_names_original(cls) -> pl.Expr:
        """A negative amount reverses an earlier credit and must name it."""
        return (pl.col("amount_fen") >= 0) | pl.col("reverses_match_id").is_not_null()


SCHEMAS: dict[str, type[dy.Schema]] = {
    "organizations": Organizations, "projects": Projects,
    "donations": Donations, "matches": Matches,
}

# What a broken rule is called in quarantine records and reports: (column, rule).
# dataframely names a column rule "<column>|<rule>"; schema-level rules by their name.
_COLUMN_RULE_NAMES = {"nullability": "missing", "min_length": "too_short", "max_length": "too_long",
                      "min_exclusive": "not_positive", "check": "unknown_value"}
_SCHEMA_RULES = {
    "non_zero_amount": ("amount_fen", "zero"),
    "reversal_names_original": ("reverses_match_id", "reversal_without_reverses_match_id"),
    "known_adcode": ("district_adcode", "unknown_district"),
    "known_category": ("category", "unknown_category"),
    "known_pool": ("pool_id", "unknown_pool"),
    "known_org": ("org_id", "unknown_org"),
    "known_project": ("project_id", "unknown_project"),
}


def describe_rule(rule: str) -> tuple[str, str]:
    """(column, readable rule) for a dataframely rule name."""
    if "|" in rule:
        column, name = rule.split("|", 1)
        return column, _COLUMN_RULE_NAMES.get(name, name)
    return _SCHEMA_RULES.get(rule, (rule, rule))


SOURCE_ROW = "source_row"  # 0-based row number in the inbox file, kept for quarantine records


@dataclass(frozen=True)
class KnownCodes:
    """What rows are checked against: the event's codes and the published snapshots."""
    adcodes: tuple[int, ...]
    categories: tuple[str, ...]
    pools: tuple[str, ...]
    org_ids: tuple[str, ...] = ()
    project_ids: tuple[str, ...] = ()


def _rule(expression_factory):
    return dy.rule()(lambda cls: expression_factory())


@cache
def row_schema(table: str, reference: KnownCodes) -> type[dy.Schema]:
    """The table's contract schema, plus event-bound rules and the source row number."""
    extra: dict = {SOURCE_ROW: dy.Int64()}
    if table in ("organizations", "projects"):
        adcodes = list(reference.adcodes)
        extra["known_adcode"] = _rule(lambda: pl.col("district_adcode").is_in(adcodes))
    if table == "projects":
        categories, org_ids = list(reference.categories), list(reference.org_ids)
        extra["known_category"] = _rule(lambda: pl.col("category").is_in(categories))
        extra["known_org"] = _rule(lambda: pl.col("org_id").is_in(org_ids))
    if table in ("donations", "matches"):
        project_ids = list(reference.project_ids)
        extra["known_project"] = _rule(lambda: pl.col("project_id").is_in(project_ids))
    if table == "matches":
        pools = list(reference.pools)
        extra["known_pool"] = _rule(lambda: pl.col("pool_id").is_in(pools))
    base = SCHEMAS[table]
    return type(f"{base.__name__}Rows", (base,), extra)


def contract_columns(table: str) -> dict[str, pl.DataType]:
    return {name: column.dtype for name, column in SCHEMAS[table].columns().items()}


class BrokenFile(Exception):
    """The file cannot be read as its table; `rule` names why, for the report."""

    def __init__(self, rule: str, detail: str, column: str | None = None):
        super().__init__(detail)
        self.rule, self.detail, self.column = rule, detail, column


def _conform_column(name: str, actual: pl.DataType, expected: pl.DataType) -> pl.Expr:
    column = pl.col(name)
    if isinstance(expected, pl.Datetime):
        if not isinstance(actual, pl.Datetime):
            raise BrokenFile("mistyped_column", f"{name} is {actual}, expected {expected}", name)
        if actual.time_zone is None:
            raise BrokenFile("naive_timestamp", f"{name} has no time zone", name)
        return column.dt.convert_time_zone(TZ).dt.cast_time_unit("us")
    if expected.is_integer():
        if not actual.is_integer():
            raise BrokenFile("mistyped_column", f"{name} is {actual}, expected {expected}", name)
        return column.cast(expected, strict=False)
    if expected == pl.String:
        if actual not in (pl.String, pl.Categorical) and not isinstance(actual, pl.Enum):
            if actual != pl.Null:
                raise BrokenFile("mistyped_column", f"{name} is {actual}, expected String", name)
        return column.cast(pl.String)
    raise AssertionError(f"contract type {expected} has no conforming rule")


def conform(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The contract's columns in order, normalised; raise BrokenFile if impossible."""
    expected = contract_columns(table)
    missing = [name for name in expected if name not in frame.columns]
    if missing:
        raise BrokenFile("missing_column", f"missing column(s) {', '.join(missing)}", missing[0])
    expressions = [
        _conform_column(name, frame.schema[name], dtype).alias(name)
        for name, dtype in expected.items()
    ]
    return frame.select(expressions)

