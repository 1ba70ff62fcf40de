"""The router: page config and navigation over the screens in pages/."""

import streamlit as st

from givingday.event import EventError, load_event
from givingday.ui import router
from givingday.ui.i18n import lang, t

language = lang()
st.set_page_config(page_title=t("app.title", language), page_icon="❤", layout="wide", initial_sidebar_state="collapsed")
try:
    load_event()
except EventError as refused:  # a broken event folder: the same lines as `event check`, no traceback
    st.error(t("event.refused", language))
    st.code(str(refused), language=None)
    st.stop()
navigation = st.navigation(router.pages(language), position="top")
navigation.run()
