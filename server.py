"""The server: the dashboard (app.py and pages/) and, beside it, the open data over plain
HTTP (givingday/api/): `streamlit run server.py`. The frontend's static files are answered
from memory before Streamlit's own stack (givingday/api/static_bundle.py), and every connection
sends without Nagle's delay (givingday/api/nodelay.py). The libraries a page's first run would
import are imported before the first visitor (givingday/api/preload.py). No session runs a page script on its
own (givingday/ui/router.py)."""

import streamlit as st
from starlette.middleware import Middleware

from givingday.api import nodelay, preload
from givingday.api.http import ROUTES
from givingday.api.static_bundle import StaticBundle
from givingday.ui import router

router.navigation_only()  # a fresh server's first visit goes through app.py's navigation
nodelay.apply()
preload.modules()
app = st.App("app.py", routes=ROUTES, middleware=[Middleware(StaticBundle)])
