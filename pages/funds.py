"""配捐进度 Match funds: what is left in each pool, how fast it goes, and the rules."""

import datetime as dt

import polars as pl
import streamlit as st

from givingday.ui import blocks, charts, chrome, tables
from givingday.ui import format as fmt
from givingday.ui.i18n import pick

page = chrome.start("nav.funds")
chrome.stamp(page)


def _projection_text(page: chrome.Page, row: dict) -> str:
    if row["minutes_left"] is None:
        return "目前没有支出。" if page.lang == "zh" else "Nothing is being paid out right now."
    enough = blocks.outlasts(row, page.lang)
    if enough:
        rate = fmt.yuan(row["burn_fen_per_min_30"], page.lang)
        return page.t("funds.pace_enough").format(rate=rate, enough=enough)
    as_of = row["as_of"]
    at = as_of + dt.timedelta(minutes=row["minutes_left"])
    low = as_of + dt.timedelta(minutes=row["minutes_left_low"] or row["minutes_left"])
    high = as_of + dt.timedelta(minutes=row["minutes_left_high"] or row["minutes_left"])
    rate = fmt.yuan(row["burn_fen_per_min_30"], page.lang)
    if page.lang == "zh":
        return (f"近30分钟每分钟支出约{rate}；按此速度约{fmt.local_time(at, page.event.tz)}用完"
                f"（{fmt.local_time(low, page.event.tz)}–{fmt.local_time(high, page.event.tz)}之间）。")
    return (f"About {rate} a minute over the last 30 minutes; at that pace it runs out around "
            f"{fmt.local_time(at, page.event.tz, 'en')} (between {fmt.local_time(low, page.event.tz, 'en')} "
            f"and {fmt.local_time(high, page.event.tz, 'en')}).")


@chrome.section
def pool(page: chrome.Page, pool_row: dict, burndown: pl.DataFrame, projection: dict) -> None:
    name = pick(pool_row["name"], pool_row["name_en"], page.lang)
    event_pool = page.event.pool(pool_row["pool_id"])
    st.subheader(f"{name}还剩多少？" if page.lang == "zh" else f"{name}: how much is left?")
    blocks.tiles([(page.t("budget"), fmt.yuan(pool_row["budget_fen"], page.lang)),
                  (page.t("matched"), fmt.yuan(pool_row["matched_fen"], page.lang)),
                  (page.t("remaining"), fmt.yuan(pool_row["remaining_fen"], page.lang))])
    st.caption(pick(event_pool.rule_zh, event_pool.rule_en, page.lang))
    if event_pool.daily_shares_fen:
        _daily(page, pool_row["pool_id"], projection)
    else:
        st.caption(_projection_text(page, projection))
    rows = burndown.filter(pl.col("pool_id") == pool_row["pool_id"])
    if rows.height:
        start = pl.DataFrame({"pool_id": [pool_row["pool_id"]], "bucket_start": [page.event.start],
                              "remaining_fen": [pool_row["budget_fen"]]}).with_columns(
            pl.col("bucket_start").dt.convert_time_zone(str(page.event.tz)).dt.cast_time_unit("us"))
        series = pl.concat([start, rows.select("pool_id", "bucket_start", "remaining_fen").with_columns(
            pl.col("bucket_start").dt.convert_time_zone(str(page.event.tz)))], how="vertical_relaxed")
        shown = tables.money_columns(rows, {"bucket_start": page.t("time"), "matched_fen": page.t("matched"),
                                            "remaining_fen": page.t("remaining")}, page.lang)
        ran_out = []
        if event_pool.daily_shares_fen:
            shares = page.query("pool_daily_shares").filter(pl.col("pool_id") == pool_row["pool_id"])
            ran_out = [m for m in shares["ran_out_at"] if m is not None]
        tables.chart_and_table(charts.burndown(series, page.event, page.lang, ran_out=ran_out), shown,
                               rows, f"pool_burndown_{pool_row['pool_id']}", page.lang,
                               "python -m givingday query pool_burndown --param grain=hour --format csv", height=300)


def _daily(page: chrome.Page, pool_id: str, projection: dict) -> None:
    shares = page.query("pool_daily_shares").filter(pl.col("pool_id") == pool_id)
    lines = []
    for row in shares.iter_rows(named=True):
        day = f"{row['day'].month}月{row['day'].day}日" if page.lang == "zh" else row["day"].strftime("%-d %b")
        if row["ran_out_at"] is not None:
            lines.append(f"{day}：{fmt.clock(row['ran_out_at'], page.event.tz)} 用完" if page.lang == "zh"
                         else f"{day}: ran out at {fmt.clock(row['ran_out_at'], page.event.tz)}")
        else:
            lines.append(f"{day}：剩余 {fmt.yuan(row['remaining_fen'])}" if page.lang == "zh"
                         else f"{day}: {fmt.yuan(row['remaining_fen'], 'en')} left")
    st.markdown(" · ".join(lines))
    if projection.get("opens_at") and projection["as_of"] < projection["opens_at"]:
        st.caption((f"今天的额度将于 {fmt.clock(projection['opens_at'], page.event.tz)} 开启。") if page.lang == "zh"
                   else f"Today's share opens at {fmt.clock(projection['opens_at'], page.event.tz)}.")
    elif projection.get("share_fen") is not None:
        left = fmt.yuan(max(projection["left_fen"], 0), page.lang)
        st.caption((f"今日额度剩余 {left}。" if page.lang == "zh" else f"Today's share: {left} left. ")
                   + _projection_text(page, projection))
    tables.show(pl.DataFrame({
        page.t("time"): [f"{d.month}月{d.day}日" if page.lang == "zh" else d.strftime("%-d %b") for d in shares["day"]],
        page.t("budget"): [fmt.yuan(v, page.lang) for v in shares["share_fen"]],
        page.t("matched"): [fmt.yuan(v, page.lang) for v in shares["matched_fen"]],
        page.t("remaining"): [fmt.yuan(max(v, 0), page.lang) for v in shares["remaining_fen"]],
        ("用完时间" if page.lang == "zh" else "Ran out"): [
            fmt.clock(v, page.event.tz) if v is not None else "—" for v in shares["ran_out_at"]],
    }), hide_index=True, width="stretch")


@chrome.section
def all_pools(page: chrome.Page) -> None:
    st.caption("配捐是企业和基金会按规则加到项目上的钱，不是捐款人自己的钱；撤回的配捐会从总额中扣除。"
               if page.lang == "zh" else
               "Match money is added to projects by companies and foundations under published rules; it is "
               "not the donors' own money. Reversed match credits are deducted.")
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
