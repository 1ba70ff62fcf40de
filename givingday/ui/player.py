"""The big screen's player: one Streamlit component (v2, in the page's own DOM, no iframe)
that keeps the frame on screen and changes it in place (`assets/player.js`): no flicker
between reruns, the headline figure counting up to each new total, the live lane cycling."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from givingday.ui.i18n import html_lang

_JS = (Path(__file__).parent / "assets" / "player.js").read_text(encoding="utf-8")
_SENT = "bigscreen_player_sent"
_player = st.components.v2.component("givingday.bigscreen_player", js=_JS, isolate_styles=False)


def show(html: str, scene: str, lane: list[str] | None, language: str) -> list[int] | None:
    """Put a frame on air; returns the kiosk's viewport [width, height] once it reported it.

    The frame travels to the browser only when it differs from the one this session sent
    last (a fragment rerun that changes nothing sends a few bytes): `reset()` at the top of
    every full run of the page, so a new or reconnected browser always gets the whole frame."""
    frame = {"html": html, "scene": scene, "lane": lane or [], "lang": html_lang(language)}
    stamp = hash((html, tuple(lane or ())))
    if st.session_state.get(_SENT) == stamp:
        frame = {"same": True, "scene": scene}
    st.session_state[_SENT] = stamp
    result = _player(data=frame, key="bigscreen_player", on_viewport_change=lambda: None)
    return getattr(result, "viewport", None)


def reset() -> None:
    st.session_state[_SENT] = None
