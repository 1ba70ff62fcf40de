"""The server: the dashboard (app.py and pages/) and, beside it, the open data over plain
HTTP (givingday/api/): `streamlit run server.py`. The frontend's static files are answered
from memory before Streamlit's own stack (givingday/api/static_bundle.py), and every connection
sends without Nagle's delay (givingday/api/nodelay.py)."""

import streamlit as st
from starlette.middleware import Middleware

from givingday.api import nodelay
from givingday.api.http import ROUTES
from givingday.api.static_bundle import StaticBundle

nodelay.apply()
app = st.App("app.py", routes=ROUTES, middleware=[Middleware(StaticBundle)])
