"""Leaderboards: projects, organisations and districts; the view lives in the URL."""

import polars as pl
import streamlit as st

from givingday.queries import named_query
from givingday.ui import blocks, chrome, tables, url
from givingday.ui.i18n import column, lang_query, pick, t
from givingday.ui.memo import memoized

page = chrome.start("nav.boards")
chrome.stamp(page)

SORT_LABELS = {"raised": "raised", "public": "public", "matched": "matched", "donations": "donations",
               "donors": "donors", "pct": "pct_of_target", "momentum": "momentum"}


def _filters(page: chrome.Page) -> dict:
    categories = {c.code: pick(c.name_zh, c.name_en, page.lang) for c in page.event.categories}
    districts = {d.adcode: pick(d.name_zh, d.name_en, page.lang) for d in page.event.districts}
    url.restore("category", categories)
    url.restore("district", districts, int)
    url.restore("q", None)
    left, middle, right = st.columns([1, 1, 1.3])
    category = left.selectbox(page.t("category"), [None, *categories], key="category",
                              format_func=lambda c: page.t("all") if c is None else categories[c],
                              placeholder=page.t("ui:Choose an option"))
    district = middle.selectbox(page.t("district"), [None, *districts], key="district",
                                format_func=lambda d: page.t("all") if d is None else districts[d],
                                placeholder=page.t("ui:Choose an option"))
    search = right.text_input(page.t("search"), key="q", max_chars=40)
    for key, value in (("category", category), ("district", district), ("q", search.strip())):
        url.keep(key, value)
    return {"category": category, "district": district, "search": search.strip() or None}


def _sort(page: chrome.Page, options: list[str]) -> str:
    url.restore("sort", options)
    choice = st.segmented_control(page.t("sort_by"), options, key="sort",
                                  default=None if "sort" in st.session_state else "raised",
                                  format_func=lambda s: page.t(SORT_LABELS[s]))
    url.keep("sort", choice, "raised")
    return choice or "raised"


def _leading_columns(board: pl.DataFrame, language: str, name: str) -> dict:
    """A board's first columns: rank, its move, the name (headed `name`), the money raised."""
    return {t("rank", language): board["rank"],
            t("rank_change", language): tables.texts(board["rank_change"], blocks.rank_move),
            t(name, language): board["name"],
            t("raised", language): tables.yuan_texts(board["raised_fen"], language)}


@memoized
def _project_rows(board: pl.DataFrame, language: str) -> pl.DataFrame:
    """The project board as the table shows it (the same for every viewer of a version's view)."""
    return pl.DataFrame({
        **_leading_columns(board, language, "project"),
        t("public", language): tables.yuan_texts(board["public_fen"], language),
        t("matched", language): tables.yuan_texts(board["matched_fen"], language),
        t("donations", language): board["donations"],
        t("donors", language): [t("under_3", language) if small else str(n)
                                for n, small in zip(board["donors"], board["donors_under_3"], strict=True)],
        t("pct_of_target", language): board["pct_of_target"],
        t("momentum", language): tables.yuan_texts(board["momentum_fen"], language),
        t("category", language): board[column("category_name", language)],
        t("district", language): board[column("district_name", language)],
        "link": [f"./projects?project={p}" + lang_query(language).replace("?", "&") for p in board["project_id"]],
    })


@chrome.section
def project_board(page: chrome.Page, filters: dict, sort: str) -> None:
    board = page.query("board_projects", **filters, sort=sort)
    shown = _project_rows(board, page.lang)
    st.caption(f"{board.height} · " + (page.t("boards.rank_by_money_raised")))
    tables.show(shown, height=min(38 * (board.height + 1), 560),
                column_config={
                    "link": st.column_config.LinkColumn(" ", display_text="→"),
                    page.t("pct_of_target"): st.column_config.ProgressColumn(
                        page.t("pct_of_target"), format="%.0f%%", min_value=0, max_value=100),
                })
    blocks.project_opener(dict(zip(board["project_id"], [f"{r}. {n}" for r, n in zip(board["rank"], board["name"],
                                                                                   strict=True)], strict=True)),
                          page.lang, key="open_project")
    tables.downloads(board, "board_projects", page.lang)
    args = " ".join(f"--param {k}={v}" for k, v in {**filters, "sort": sort}.items() if v is not None)
    tables.reproduce(f"python -m givingday query board_projects {args} --format csv".replace("  ", " "), page.lang)


@memoized
def _org_rows(board: pl.DataFrame, language: str) -> pl.DataFrame:
    return pl.DataFrame({
        **_leading_columns(board, language, "organisation"),
        t("donations", language): board["donations"],
        t("projects", language): board["projects"],
        t("momentum", language): tables.yuan_texts(board["momentum_fen"], language),
        t("district", language): board[column("district_name", language)],
    })


@chrome.section
def org_board(page: chrome.Page, filters: dict, sort: str) -> None:
    orders = named_query("board_orgs").params["sort"].choices  # organisations have no donor count
    board = page.query("board_orgs", **filters, sort=sort if sort in orders else "raised")
    tables.show(_org_rows(board, page.lang), height=min(38 * (board.height + 1), 560))
    tables.downloads(board, "board_orgs", page.lang)


@chrome.section
def district_board(page: chrome.Page, sort: str) -> None:
    board = page.query("districts")
    key = {"donations": "donations", "pct": "raised_per_10k_residents_fen"}.get(sort, "raised_fen")
    board = board.sort([key, "district_adcode"], descending=[True, False])  # rank: by raised, from the query
    shown = pl.DataFrame({
        page.t("rank"): board["rank"],
        page.t("district"): board[column("name", page.lang)],
        page.t("raised"): tables.yuan_texts(board["raised_fen"], page.lang),
        page.t("per_10k"): tables.yuan_texts(board["raised_per_10k_residents_fen"], page.lang),
        page.t("donations"): board["donations"],
        page.t("projects"): board["projects"],
    })
    tables.show(shown, height=min(38 * (board.height + 1), 560))
    tables.downloads(board, "districts", page.lang)


filters = _filters(page)
sort = _sort(page, list(SORT_LABELS))
projects_tab, orgs_tab, districts_tab = tables.lazy_tabs([page.t("projects"), page.t("organisation"),
                                                          page.t("district")], "board", page.lang)
if projects_tab.open:
    with projects_tab:
        project_board(page, filters, sort)
if orgs_tab.open:
    with orgs_tab:
        org_board(page, filters, sort)
if districts_tab.open:
    with districts_tab:
        district_board(page, sort)
chrome.finish(page)
