"""The router: page config and navigation over the screens in pages/."""

import streamlit as st

from givingday.event import EventError, load_event
from givingday.ui.i18n import lang, t

language = lang()
st.set_page_config(page_title=t("app.title", language), page_icon="❤", layout="wide", initial_sidebar_state="collapsed")
try:
    load_event()
except EventError as refused:  # a broken event folder: the same lines as `event check`, no traceback
    st.error(t("event.refused", language))
    st.code(str(refused), language=None)
    st.stop()
navigation = st.navigation([
    st.Page("pages/overview.py", title=t("nav.overview", language), url_path="overview", default=True),
    st.Page("pages/boards.py", title=t("nav.boards", language), url_path="boards"),
    st.Page("pages/categories.py", title=t("nav.categories", language), url_path="categories"),
    st.Page("pages/districts.py", title=t("nav.districts", language), url_path="districts"),
    st.Page("pages/funds.py", title=t("nav.funds", language), url_path="funds"),
    st.Page("pages/projects.py", title=t("nav.projects", language), url_path="projects"),
    st.Page("pages/open_data.py", title=t("nav.data", language), url_path="data"),
    st.Page("pages/bigscreen.py", title=t("nav.bigscreen", language), url_path="bigscreen", visibility="hidden"),
    st.Page("pages/staff.py", title=t("nav.staff", language), url_path="staff", visibility="hidden"),
], position="top")
navigation.run()
