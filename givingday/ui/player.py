"""The big screen's player: one Streamlit component (v2, in the page's own DOM, no iframe)
that keeps the frame on screen and changes it in place (`assets/player.js`): no flicker
between reruns, the headline figure counting up to each new total, the live lane cycling."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

_JS = (Path(__file__).parent / "assets" / "player.js").read_text(encoding="utf-8")
_player = st.components.v2.component("givingday.bigscreen_player", js=_JS, isolate_styles=False)


def show(html: str, scene: str, lane: list[str] | None, language: str) -> list[int] | None:
    """Put a frame on air; returns the kiosk's viewport [width, height] once it reported it."""
    result = _player(data={"html": html, "scene": scene, "lane": lane or [],
                           "lang": "en" if language == "en" else "zh-CN"},
                     key="bigscreen_player", on_viewport_change=lambda: None)
    return getattr(result, "viewport", None)
