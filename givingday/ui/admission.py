"""Admission control: past GIVINGDAY_MAX_SESSIONS viewers on this server process, a new
visitor gets a short, friendly page at once (with a link to /live, the plain-HTML headline
that costs the server almost nothing, and a reload button) instead of a page that freezes
for everyone. `serve --replicas` sets the limit per replica; unset, all enter.

A session is admitted on its first run and stays admitted. The count is of admitted
sessions still connected, read from Streamlit's session manager (pinned Streamlit).
"""

from __future__ import annotations

import os
import threading

import streamlit as st

from givingday.ui.i18n import lang_query, t

ENV_MAX_SESSIONS = "GIVINGDAY_MAX_SESSIONS"
ADMITTED = "gd_admitted"
_counting = threading.Lock()


def limit() -> int:
    try:
        return int(os.environ.get(ENV_MAX_SESSIONS) or 0)
    except ValueError:
        return 0


def admitted_sessions() -> int:
    from streamlit.runtime import Runtime

    manager = Runtime.instance()._session_mgr
    return sum(1 for info in manager.list_active_sessions() if ADMITTED in info.session.session_state)


def admit(language: str) -> None:
    """Let this session in, or show the busy page and stop the run."""
    cap = limit()
    if not cap or ADMITTED in st.session_state:
        return
    with _counting:  # two arrivals never both take the last place
        if admitted_sessions() < cap:
            st.session_state[ADMITTED] = True
            return
    st.title(t("busy.title", language), anchor=False)
    st.write(t("busy.body", language))
    st.link_button(t("busy.live", language), "./live" + lang_query(language), type="primary")
    st.link_button(t("busy.reload", language), "./" + lang_query(language))
    st.stop()
