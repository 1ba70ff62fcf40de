"""The router: page config and navigation over the screens in pages/."""

import streamlit as st

st.set_page_config(page_title="公益日 · 数据看板", page_icon="❤", layout="wide")

navigation = st.navigation([
    st.Page("pages/overview.py", title="总览 Overview", url_path="overview", default=True),
])
navigation.run()
