"""Overview: the headline, how it grew, who leads, where it goes, what match money is left."""

import functools

import streamlit as st

from givingday.ui import blocks, charts, chrome, maps, router, tables
from givingday.ui import format as fmt
from givingday.ui.i18n import pick

page = chrome.start("nav.overview")


@chrome.section
def headline(page: chrome.Page) -> None:
    totals = page.query("totals").row(0, named=True)
    blocks.hero(page.t("raised"), fmt.yuan(totals["raised_fen"], page.lang),
                blocks.public_matched_split(totals["public_fen"], totals["matched_fen"], page.lang))
    chrome.stamp(page)
    blocks.tiles([
        (page.t("donations"), fmt.count(totals["donations"], "unit.gifts", page.lang)),
        (page.t("donors"), fmt.count(totals["donors"], "unit.people", page.lang)),
        (page.t("projects"), fmt.count(totals["projects"], "unit.projects", page.lang)),
    ])
    corrections = page.query("corrections")
    if corrections.height:
        last = corrections.row(0, named=True)
        blocks.correction_note(
            page.t("overview.correction_on_reversed_match").format(v0=fmt.local_time(last['recorded_at'], page.event.tz), v1=fmt.yuan(-last['change_fen']), v2=fmt.local_time(last['recorded_at'], page.event.tz, 'en'), v3=fmt.yuan(-last['change_fen'], 'en')))


@chrome.section
def growth(page: chrome.Page) -> None:
    st.header(page.t("overview.how_did_the_total"), anchor=False)
    timeline = page.query("timeline")
    opens = f"{page.event.matching_opens_at:%H:%M}"
    st.caption(page.t("overview.dashed_lines_show" if page.event.light_show else "overview.dashed_lines").format(time=opens))
    shown = functools.partial(tables.money_columns, timeline, {"bucket_start": page.t("time"), "public_fen": page.t("public"),
                                            "matched_fen": page.t("matched"),
                                            "cumulative_raised_fen": page.t("raised")}, page.lang)
    tables.chart_and_table(charts.cumulative_raised(timeline, page.event, page.lang), shown, timeline,
                           "timeline", page.lang, "python -m givingday query timeline --format csv", height=300)


@chrome.section
def leaders(page: chrome.Page) -> None:
    st.header(page.t("overview.which_projects_lead"), anchor=False)
    board = page.query("board_projects").head(5)
    for row in board.iter_rows(named=True):
        blocks.project_link(row["project_id"], f"{row['name']} · {fmt.yuan(row['raised_fen'], page.lang)}",
                            page.lang, prefix=f"{row['rank']}. ")
    st.page_link(router.page("pages/boards.py", page.lang), label="→ " + page.t("nav.boards"))


@chrome.section
def categories(page: chrome.Page) -> None:
    st.header(page.t("overview.where_does_the_money"), anchor=False)
    frame = page.query("categories")
    tables.chart_and_table(charts.category_shares(frame, page.lang), functools.partial(tables.categories, frame, page.lang), frame,
                           "categories", page.lang, "python -m givingday query categories --format csv")


@chrome.section
def pools(page: chrome.Page) -> None:
    st.header(page.t("overview.how_much_match_money"), anchor=False)
    for row in page.query("pools").iter_rows(named=True):
        left = row["remaining_fen"] / row["budget_fen"] if row["budget_fen"] else 0
        st.markdown(f"**{pick(row['name'], row['name_en'], page.lang)}** · {page.t('remaining')} "
                    f"{fmt.yuan(row['remaining_fen'], page.lang)} / {fmt.yuan(row['budget_fen'], page.lang)}")
        blocks.progress(left, "#D55E00", f"{page.t('remaining')} {left:.0%}")
    st.page_link(router.page("pages/funds.py", page.lang), label="→ " + page.t("nav.funds"))


@chrome.section
def small_map(page: chrome.Page) -> None:
    st.header(page.t("overview.how_much_did_each"), anchor=False)
    districts = page.query("districts")
    image = maps.district_image_html(districts, page.event, "raised_fen", page.lang, width=340)
    tables.figure_and_table(lambda: st.html(image),
                            page.t("map"), functools.partial(tables.districts, districts, page.lang), districts, "districts", page.lang,
                            "python -m givingday query districts --format csv", height=300)
    st.page_link(router.page("pages/districts.py", page.lang), label="→ " + page.t("nav.districts"))


headline(page)
growth(page)
leaders(page)
categories(page)
pools(page)
small_map(page)
chrome.finish(page)
