"""The big screen's player: one Streamlit component (v2, in the page's own DOM, no iframe)
that keeps the frame on screen and changes it in place (`assets/player.js`): no flicker
between reruns, the headline figure counting up to each new total, the live lane cycling."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from givingday.ui.i18n import html_lang

_JS = (Path(__file__).parent / "assets" / "player.js").read_text(encoding="utf-8")
_KEY = "bigscreen_player"
_SENT = "bigscreen_player_sent"
_LOST = "bigscreen_player_lost"
_player = st.components.v2.component("givingday.bigscreen_player", js=_JS, isolate_styles=False)


def show(html: str, scene: str, lane: list[str] | None, language: str) -> list[int] | None:
    """Put a frame on air; returns the kiosk's viewport [width, height] once it reported it.

    The frame travels to the browser only when it differs from the one this session sent
    last (a fragment rerun that changes nothing sends a few bytes): `reset()` at the top of
    every full run of the page, so a new or reconnected browser always gets the whole frame.
    A browser told "same" while it has no frame (the run that carried it never arrived) says
    so (its `lost` state changes) and gets the whole frame on the rerun that follows. This is
    a stopgap: the blank kiosk it answers comes from the fragment no longer being rerun,
    which is not fixed (see issue 18's note)."""
    frame = {"html": html, "scene": scene, "lane": lane or [], "lang": html_lang(language)}
    stamp, lost = hash((html, tuple(lane or ()))), _state("lost")
    if st.session_state.get(_SENT) == stamp and st.session_state.get(_LOST) == lost:
        frame = {"same": True, "scene": scene}
    st.session_state[_SENT], st.session_state[_LOST] = stamp, lost
    result = _player(data=frame, key=_KEY, on_viewport_change=lambda: None, on_lost_change=lambda: None)
    return getattr(result, "viewport", None)


def _state(name: str):
    """A value the browser last set on the player's state (None before it set any)."""
    state = st.session_state.get(_KEY)
    try:
        return state.get(name) if state is not None else None
    except AttributeError:
        return None


def reset() -> None:
    st.session_state[_SENT] = None
