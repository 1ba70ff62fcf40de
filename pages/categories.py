"""Categories: every category of the event, with its share, growth and leaders."""

import functools

import polars as pl
import streamlit as st

from givingday.ui import blocks, charts, chrome, tables
from givingday.ui import format as fmt
from givingday.ui.i18n import pick

page = chrome.start("nav.categories")
chrome.stamp(page)


@chrome.section
def shares(page: chrome.Page) -> None:
    frame = page.query("categories")
    top = frame.sort("raised_fen", descending=True).row(0, named=True)
    total = max(int(frame["raised_fen"].sum()), 1)
    st.header(page.t("categories.which_category_gets_the"), anchor=False)
    st.caption(page.t("categories.leads_with_of_the").format(v0=top['name'], v1=top['raised_fen'] / total, v2=top['name_en']))
    tables.chart_and_table(charts.category_shares(frame, page.lang), functools.partial(tables.categories, frame, page.lang), frame,
                           "categories", page.lang,
                           "python -m givingday query categories --format csv")


@chrome.section
def growth(page: chrome.Page) -> None:
    st.header(page.t("categories.how_did_each_category"), anchor=False)
    timeline = page.query("category_timeline")
    shown = functools.partial(tables.money_columns, timeline, {"bucket_start": page.t("time"), "name": page.t("category"),
                                            "raised_fen": page.t("raised"),
                                            "cumulative_raised_fen": page.t("raised") + " Σ"}, page.lang)
    tables.chart_and_table(charts.category_stacked(timeline, page.event, page.lang), shown, timeline,
                           "category_timeline", page.lang, "python -m givingday query category_timeline --format csv",
                           height=320)


@chrome.section
def public_and_matched(page: chrome.Page) -> None:
    st.header(page.t("categories.donors_own_money_and"), anchor=False)
    frame = page.query("categories")
    tables.chart_and_table(charts.public_and_matched(frame, "name", "name_en", page.lang),
                           functools.partial(tables.categories, frame, page.lang), frame, "categories", page.lang,
                           "python -m givingday query categories --format csv", key="categories-money")


@chrome.section
def leaders(page: chrome.Page) -> None:
    st.header(page.t("categories.leading_projects_of_each"), anchor=False)
    leaders = page.query("category_leaders")
    for category in page.event.categories:  # one column: the event's order on every screen
        blocks.swatch_legend([(category.colour, pick(category.name_zh, category.name_en, page.lang))])
        rows = leaders.filter(pl.col("category") == category.code)
        if rows.height == 0:
            st.caption(page.t("categories.no_projects_yet"))
        for row in rows.iter_rows(named=True):
            blocks.project_link(row["project_id"], f"{row['name']} · {fmt.yuan(row['raised_fen'], page.lang)}",
                                page.lang, prefix=f"{row['place']}. ")


shares(page)
growth(page)
public_and_matched(page)
leaders(page)
chrome.finish(page)
