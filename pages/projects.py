"""Projects: a directory with filters, and one page per project (`?project=ID`)."""

import functools

import polars as pl
import streamlit as st

from givingday.ui import blocks, charts, chrome, document, router, tables, url
from givingday.ui import format as fmt
from givingday.ui.i18n import lang_query, pick

page = chrome.start("nav.projects", declare=False)

CHANNELS = ("direct", "friend_assist", "coupon")  # catalogue keys channel.<name>


@chrome.section
def project_page(page: chrome.Page, project_id: str) -> None:
    found = page.query("board_projects", project=project_id)
    st.page_link(router.page("pages/projects.py", page.lang), label=page.t("back_to_projects"),
                 query_params={"lang": page.lang} if lang_query(page.lang) else None)
    if found.height == 0:
        st.info(page.t("not_found"))
        return
    row = found.row(0, named=True)
    st.header(row["name"], anchor=False)
    chrome.stamp(page)
    category = pick(row["category_name"], row["category_name_en"], page.lang)
    district = pick(row["district_name"], row["district_name_en"], page.lang)
    blocks.swatch_legend([(row["colour"], f"{category} · {district} · {row['org_name']}")])
    blocks.hero(page.t("raised"), fmt.yuan_exact(row["raised_fen"], page.lang),
                blocks.public_matched_split(row["public_fen"], row["matched_fen"], page.lang))
    fraction = row["raised_fen"] / row["target_fen"] if row["target_fen"] else 0
    blocks.progress(fraction, row["colour"], f"{fraction:.0%}")
    st.caption(f"{page.t('target')} {fmt.yuan_exact(row['target_fen'], page.lang)} · {fraction:.0%}")
    donors = page.t("under_3") if row["donors_under_3"] else fmt.count(row["donors"], "unit.people", page.lang)
    blocks.tiles([(page.t("donations"), fmt.count(row["donations"], "unit.gifts", page.lang)),
                  (page.t("donors"), donors),
                  (page.t("rank"), f"{row['rank']} ({blocks.rank_move(row['rank_change'])})"),
                  (page.t("momentum"), fmt.yuan(row["momentum_fen"], page.lang))])

    st.subheader(page.t("projects.how_it_grew"), anchor=False)
    timeline = page.query("project_timeline", project=project_id)
    if timeline.height:
        shown = functools.partial(tables.money_columns, timeline, {"bucket_start": page.t("time"), "public_fen": page.t("public"),
                                                "matched_fen": page.t("matched"),
                                                "cumulative_raised_fen": page.t("raised")}, page.lang)
        tables.chart_and_table(charts.project_growth(timeline, page.event, page.lang, row["name"]), shown, timeline,
                               f"project_{project_id}_timeline", page.lang,
                               f"python -m givingday query project_timeline --param project={project_id} --format csv")

    st.subheader(page.t("projects.where_did_the_match"), anchor=False)
    pools = page.query("project_pools", project=project_id)
    if pools.height:
        tables.show(pl.DataFrame({
            page.t("name"): [pick(a, b, page.lang) for a, b in zip(pools["pool_name"], pools["pool_name_en"], strict=True)],
            "kind": pools["kind"],
            page.t("matched"): [fmt.yuan_exact(v, page.lang) for v in pools["matched_fen"]],
        }), )
    else:
        st.caption(page.t("projects.no_match_money_yet"))

    st.subheader(page.t("projects.latest_gifts"), anchor=False)
    gifts = page.query("latest_gifts", project=project_id)
    tables.show(pl.DataFrame({
        page.t("time"): [fmt.local_time(v, page.event.tz, page.lang) for v in gifts["donated_at"]],
        page.t("donor"): gifts["donor_display"],
        page.t("amount"): [fmt.yuan_exact(v, page.lang) for v in gifts["amount_fen"]],
        page.t("channel"): [page.t(f"channel.{c}") if c in CHANNELS else c for c in gifts["channel"]],
    }), hide_index=True, width="stretch")
    st.caption(page.t("projects.nicknames_show_their_first"))
    base = (st.context.url or "").split("?")[0].rstrip("/")
    base = base if base.endswith("/projects") else "./projects"
    share = f"{base}?project={project_id}" + lang_query(page.lang).replace("?", "&")
    st.markdown(page.t("projects.text").format(v0=page.t('share_link'), v1=share))
    tables.downloads(found, f"project_{project_id}", page.lang)


@chrome.section
def directory(page: chrome.Page) -> None:
    chrome.stamp(page)
    categories = {c.code: pick(c.name_zh, c.name_en, page.lang) for c in page.event.categories}
    url.restore("category", categories)
    url.restore("q", None)
    left, right = st.columns([1, 1.4])
    category = left.selectbox(page.t("category"), [None, *categories], key="category",
                              format_func=lambda c: page.t("all") if c is None else categories[c],
                              placeholder=page.t("ui:Choose an option"))
    search = right.text_input(page.t("search"), key="q", max_chars=40)
    url.keep("category", category)
    url.keep("q", search.strip())
    board = page.query("board_projects", category=category, search=search.strip() or None)
    st.caption(f"{board.height} " + (page.t("projects.projects")))
    for row in board.head(60).iter_rows(named=True):
        blocks.project_link(row["project_id"], f"{row['name']} · {fmt.yuan(row['raised_fen'], page.lang)}", page.lang)
    if board.height > 60:
        st.caption(page.t("projects.use_search_or_the"))
    tables.downloads(board, "projects", page.lang)


project_id = st.query_params.get("project")
try:
    named = page.query("board_projects", project=project_id)["name"].to_list() if project_id else []
except chrome.data.Unavailable:  # the section below says so
    named = []
document.declare(named[0] if named else page.t("nav.projects"), page.event, page.lang)  # the tab names the project
if project_id:
    project_page(page, project_id)
else:
    directory(page)
chrome.finish(page)
