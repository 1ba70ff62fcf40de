"""Match funds: what is left in each pool, how fast it goes, and the rules."""

import datetime as dt
import functools

import polars as pl
import streamlit as st

from givingday.ui import blocks, charts, chrome, tables
from givingday.ui import format as fmt
from givingday.ui.i18n import pick
from givingday.ui.memo import memoized

page = chrome.start("nav.funds")
chrome.stamp(page)


def _projection_text(page: chrome.Page, row: dict) -> str:
    if row["minutes_left"] is None:
        return page.t("funds.nothing_is_being_paid")
    enough = blocks.outlasts(row, page.lang)
    if enough:
        rate = fmt.yuan(row["burn_fen_per_min_30"], page.lang)
        return page.t("funds.pace_enough").format(rate=rate, enough=enough)
    as_of = row["as_of"]
    at = as_of + dt.timedelta(minutes=row["minutes_left"])
    low = as_of + dt.timedelta(minutes=row["minutes_left_low"] or row["minutes_left"])
    high = as_of + dt.timedelta(minutes=row["minutes_left_high"] or row["minutes_left"])
    rate = fmt.yuan(row["burn_fen_per_min_30"], page.lang)
    return page.t("funds.pace_runs_out").format(
        rate=rate, at=fmt.local_time(at, page.event.tz, page.lang), low=fmt.local_time(low, page.event.tz, page.lang),
        high=fmt.local_time(high, page.event.tz, page.lang))


@chrome.section
def pool(page: chrome.Page, pool_row: dict, burndown: pl.DataFrame, projection: dict) -> None:
    name = pick(pool_row["name"], pool_row["name_en"], page.lang)
    event_pool = page.event.pool(pool_row["pool_id"])
    st.header(page.t("funds.how_much_is_left").format(v0=name), anchor=False)
    blocks.tiles([(page.t("budget"), fmt.yuan(pool_row["budget_fen"], page.lang)),
                  (page.t("matched"), fmt.yuan(pool_row["matched_fen"], page.lang)),
                  (page.t("remaining"), fmt.yuan(pool_row["remaining_fen"], page.lang))])
    st.caption(pick(event_pool.rule_zh, event_pool.rule_en, page.lang))
    if event_pool.daily_shares_fen:
        _daily(page, pool_row["pool_id"], projection)
    else:
        st.caption(_projection_text(page, projection))
    rows = _pool_rows(burndown, pool_row["pool_id"])
    if rows.height:
        series = _remaining_series(rows, pool_row["pool_id"], pool_row["budget_fen"], page.event)
        shown = functools.partial(tables.money_columns, rows, {"bucket_start": page.t("time"), "matched_fen": page.t("matched"),
                                            "remaining_fen": page.t("remaining")}, page.lang)
        ran_out = []
        if event_pool.daily_shares_fen:
            shares = page.query("pool_daily_shares").filter(pl.col("pool_id") == pool_row["pool_id"])
            ran_out = [m for m in shares["ran_out_at"] if m is not None]
        tables.chart_and_table(charts.burndown(series, page.event, page.lang, name, ran_out=ran_out), shown,
                               rows, f"pool_burndown_{pool_row['pool_id']}", page.lang,
                               "python -m givingday query pool_burndown --param grain=hour --format csv", height=300)


@memoized
def _pool_rows(burndown: pl.DataFrame, pool_id: str) -> pl.DataFrame:
    return burndown.filter(pl.col("pool_id") == pool_id)


@memoized
def _remaining_series(rows: pl.DataFrame, pool_id: str, budget_fen: int, event) -> pl.DataFrame:
    """What is left of the pool from the event's start (the whole budget) through each minute."""
    start = pl.DataFrame({"pool_id": [pool_id], "bucket_start": [event.start], "remaining_fen": [budget_fen]}).with_columns(
        pl.col("bucket_start").dt.convert_time_zone(str(event.tz)).dt.cast_time_unit("us"))
    return pl.concat([start, rows.select("pool_id", "bucket_start", "remaining_fen").with_columns(
        pl.col("bucket_start").dt.convert_time_zone(str(event.tz)))], how="vertical_relaxed")


def _daily(page: chrome.Page, pool_id: str, projection: dict) -> None:
    shares = page.query("pool_daily_shares").filter(pl.col("pool_id") == pool_id)
    lines = []
    for row in shares.iter_rows(named=True):
        day = fmt.day(row["day"], page.lang)
        if row["ran_out_at"] is not None:
            lines.append(page.t("funds.ran_out_at").format(v0=day, v1=fmt.clock(row['ran_out_at'], page.event.tz)))
        else:
            lines.append(page.t("funds.left").format(day=day, left=fmt.yuan(row["remaining_fen"], page.lang)))
    st.markdown(" · ".join(lines))
    if projection.get("opens_at") and projection["as_of"] < projection["opens_at"]:
        st.caption(page.t("funds.today_s_share_opens").format(v0=fmt.clock(projection['opens_at'], page.event.tz)))
    elif projection.get("share_fen") is not None:
        left = fmt.yuan(max(projection["left_fen"], 0), page.lang)
        st.caption((page.t("funds.today_s_share_left").format(v0=left))
                   + _projection_text(page, projection))
    tables.show(pl.DataFrame({
        page.t("time"): [fmt.day(d, page.lang) for d in shares["day"]],
        page.t("budget"): [fmt.yuan(v, page.lang) for v in shares["share_fen"]],
        page.t("matched"): [fmt.yuan(v, page.lang) for v in shares["matched_fen"]],
        page.t("remaining"): [fmt.yuan(max(v, 0), page.lang) for v in shares["remaining_fen"]],
        (page.t("funds.ran_out")): [
            fmt.clock(v, page.event.tz) if v is not None else "—" for v in shares["ran_out_at"]],
    }), hide_index=True, width="stretch")


@chrome.section
def all_pools(page: chrome.Page) -> None:
    st.caption(page.t("funds.match_money_is_added"))
    pools = page.query("pools")
    burndown = page.query("pool_burndown", grain="minute")
    projections = {row["pool_id"]: row for row in page.query("pool_projection").iter_rows(named=True)}
    daily = {p.pool_id for p in page.event.pools if p.daily_shares_fen}  # pools with daily shares lead
    order = sorted(pools.iter_rows(named=True), key=lambda r: (r["pool_id"] not in daily, r["pool_id"]))
    for row in order:
        pool(page, row, burndown, projections.get(row["pool_id"], {}))
    tables.downloads(pools, "pools", page.lang)
    tables.reproduce("python -m givingday query pools --format csv", page.lang)


all_pools(page)
chrome.finish(page)
