"""总览 Overview: the live totals line (the full overview comes with the public pages)."""

import datetime as dt

import streamlit as st

from givingday.event import load_event
from givingday.ui import data
from givingday.ui import format as fmt

event = load_event()
lang = "en" if st.query_params.get("lang") == "en" else "zh"
st.title(event.name_en if lang == "en" else event.name_zh)


@st.fragment(run_every=5)
def live_totals() -> None:
    version = data.published_version()
    if version is None:
        st.info("No data yet: the first figures appear as soon as they are published." if lang == "en"
                else "暂无数据：第一批数据发布后即显示。")
        return
    totals = data.query("totals", version).row(0, named=True)
    now = dt.datetime.now(event.tz)
    columns = st.columns(4)
    labels = (("Raised", "Donations", "Donors", "Projects") if lang == "en"
              else ("筹款总额", "捐赠人次", "捐赠人数", "项目"))
    columns[0].metric(labels[0], fmt.yuan(totals["raised_fen"], lang))
    columns[1].metric(labels[1], fmt.count(totals["donations"], "人次", "gifts", lang))
    columns[2].metric(labels[2], fmt.count(totals["donors"], "人", "", lang))
    columns[3].metric(labels[3], fmt.count(totals["projects"], "个", "", lang))
    as_of = dt.datetime.fromisoformat(totals["as_of"]) if isinstance(totals["as_of"], str) else totals["as_of"]
    st.caption(("Data as of " if lang == "en" else "数据截至 ")
               + f"{fmt.local_time(as_of, event.tz, lang)} ({fmt.age(as_of, now, lang)})"
               + f" · v{version}")


live_totals()
