"""Views that live in the URL: widget values read from and written back to query parameters.

Streamlit's own binding (`bind="query-params"`) writes a widget's *displayed* label into the
URL, which would make a shared link depend on the reader's language; here the URL carries
codes (`?category=education&sort=donations`) whatever the language.
"""

from __future__ import annotations

import streamlit as st


def restore(key: str, allowed, cast=str, param: str | None = None) -> None:
    """Before a widget with `key` is created: take its first value from the URL's `param`
    (by default the same name as the key)."""
    raw = st.query_params.get(param or key)
    if key in st.session_state or raw is None:
        return
    try:
        value = cast(raw)
    except ValueError:
        return
    if allowed is None or value in allowed:
        st.session_state[key] = value


def keep(key: str, value, default=None) -> None:
    """After the widget: write its value to the URL (or drop it when it is the default)."""
    if value is None or value == default or value == "":
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != str(value):
        st.query_params[key] = str(value)
