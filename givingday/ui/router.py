"""Make every visit go through app.py's `st.navigation`, even a fresh server's first one.

The web process (`server.py`) calls `navigation_only()` once at start, before any session:
no session of it ever runs a page script on its own, so a first visit renders its page
directly. `through_router()` below stays for `streamlit run app.py` (and AppTest), where no
code of ours runs before the first session.

Streamlit decides per process, when its first session starts, whether the app uses the
old `pages/` folder convention (`PagesManager.uses_pages_directory`, set when a `pages/`
folder sits beside the main script) and keeps that mode until some run calls
`st.navigation`. So on a fresh server the first visitors who open a deep link
(`/bigscreen` after a restart, `/staff`, a shared `/projects?project=...`) get the page
script run on its own: no page config, no top navigation, and every file of `pages/` listed
in a sidebar. Each page calls `through_router()` first: on a session's first run it ends
that mode and reruns the visit through app.py, which resolves the same URL with the real
navigation. (Only on the first run: Streamlit's AppTest puts the flag back before every
run, and a rerun there would swallow the button click the test just made.)
"""

from __future__ import annotations

import copy
import functools

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from givingday.ui.i18n import t
from givingday.ui.site import SITE

ROUTED = "_givingday_routed"


def navigation_only() -> None:
    """Before the first session: this app navigates with `st.navigation` only. (Streamlit
    decides the old `pages/` mode when the first session starts and keeps it until a run calls
    `st.navigation`; the first visitor then saw every file of `pages/` in a sidebar and a blank
    page until the rerun below had gone through app.py.)"""
    PagesManager.uses_pages_directory = False


def through_router() -> None:
    first_run = ROUTED not in st.session_state
    st.session_state[ROUTED] = True
    if first_run and PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False  # what st.navigation itself sets
        st.rerun()


@functools.cache
def _built(language: str, main_script_parent: str) -> dict[str, st.Page]:
    """The pages in `language`, built once per process: building a Page resolves its script's
    path and checks it on disk, and app.py built nine on every run."""
    return {script: st.Page(script, title=t(key, language), url_path=path, default=path == "overview",
                            visibility="visible" if shown else "hidden")
            for script, key, path, shown in SITE}


def _site(language: str) -> dict[str, st.Page]:
    return _built(language, str(get_script_run_ctx().pages_manager.main_script_parent))


def pages(language: str) -> list[st.Page]:
    """The pages for this run's `st.navigation`: copies, since st.navigation marks the page it
    returns as the one this run may run, on the object itself (shared, one session's run
    would take another's mark)."""
    return [copy.copy(p) for p in _site(language).values()]


def page(script: str, language: str) -> st.Page:
    """A page for `st.page_link` and `st.switch_page`: a link to a built page is not resolved
    again (a link given by its script's path resolves the path and searches the pages, for
    each of the 60 links of /projects)."""
    return _site(language)[script]
