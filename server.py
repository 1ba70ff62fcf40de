"""The server: the dashboard (app.py and pages/) and, beside it, the open data over plain
HTTP (givingday/api/): `streamlit run server.py`. The frontend's static files are answered
from memory before Streamlit's own stack (givingday/api/static_bundle.py), and every connection
sends without Nagle's delay (givingday/api/nodelay.py), and the theme of the message that starts
every script run is worked out once (givingday/api/theme_once.py). The libraries a page's first run would
import are imported before the first visitor (givingday/api/preload.py). No session runs a page script on its
own (givingday/ui/router.py)."""

import streamlit as st
from starlette.middleware import Middleware

from givingday.api import nodelay, preload, theme_once
from givingday.api.http import ROUTES
from givingday.api.static_bundle import StaticBundle
from givingday.ui import router

router.navigation_only()  # a fresh server's first visit goes through app.py's navigation
nodelay.apply()
theme_once.apply()
preload.modules()
app = st.App("app.py", routes=ROUTES, middleware=[Middleware(StaticBundle)])
