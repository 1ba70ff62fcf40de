"""The big screen's player: one Streamlit component (v2, in the page's own DOM, no iframe)
that keeps the frame on screen and changes it in place (`assets/player.js`): no flicker
between reruns, the headline figure counting up to each new total, the live lane cycling."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from givingday.ui.i18n import html_lang

_JS = (Path(__file__).parent / "assets" / "player.js").read_text(encoding="utf-8")
_KEY = "bigscreen_player"
_player = st.components.v2.component("givingday.bigscreen_player", js=_JS, isolate_styles=False)


def show(html: str, scene: str, lane: list[str] | None, language: str) -> list[int] | None:
    """Put a frame on air; returns the kiosk's viewport [width, height] once it reported it.

    Every run sends the whole frame, and the browser touches the page only when it differs
    from the one on air. (Sending "the same as before" instead trusted that every run's
    output reached the player. Over object storage a kiosk kept an old version's frame for
    minutes while its fragment ran every second and the server, sure it had sent the new
    frame, sent "same": where that frame went was not found. Now the next second repairs it.
    A frame is a few KB; one over 10 KB that the browser already has travels as a reference
    to its copy, as Streamlit sends every large element it sent before.)"""
    frame = {"html": html, "scene": scene, "lane": lane or [], "lang": html_lang(language)}
    result = _player(data=frame, key=_KEY, on_viewport_change=lambda: None)
    return getattr(result, "viewport", None)

