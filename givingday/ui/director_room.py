"""The director's room of the staff console: what every named big screen shows, and the
orders that change it (a playlist or a take, for one screen or all; clear to give a screen
back its URL's playlist). Every order is audited with the signed-in name. The screens'
thumbnails are the frames they show (`onair.compose`), refreshed every 2 seconds."""

from __future__ import annotations

import datetime as dt
from html import escape

import polars as pl
import streamlit as st

from givingday import clock, director
from givingday.event import load_event
from givingday.ui import bigscreen as bs
from givingday.ui import data, onair
from givingday.ui.i18n import both

ALL_LABEL = both("staff.all_screens")
THUMB_PX = 360  # the longer side of a thumbnail


def _targets() -> list[str]:
    known = set(director.screens()) | (set(director.orders()) - {director.ALL})
    return sorted(known)


def _order_controls(user: str) -> None:
    targets = _targets()
    left, right = st.columns([2, 3])
    choice = left.selectbox(both("staff.screen"), [ALL_LABEL, *targets], key="director_target")
    typed = left.text_input(both("staff.or_a_new_screen"), key="director_new", placeholder="totem-1")
    screen = director.screen_name(typed) or (director.ALL if choice == ALL_LABEL else choice)
    scene = right.selectbox(both("staff.scene"), director.SCENES, key="director_scene")
    take, clear = right.columns(2)
    if take.button(both("staff.take"), type="primary", key="director_take"):
        _carry_out(lambda: director.take(screen, scene, user), f"{scene} → {screen}")
    if clear.button(both("staff.clear"), key="director_clear"):
        _carry_out(lambda: director.clear(screen, user), f"{screen}: own playlist")
    st.markdown(f"**{both('staff.playlist')}**")
    rows = pl.DataFrame({"scene": ["hero", "top10", "funds", "map"], "seconds": [20, 15, 15, 15]})
    edited = st.data_editor(rows, num_rows="dynamic", key="director_playlist", hide_index=True, column_config={
        "scene": st.column_config.SelectboxColumn(both("staff.scene"), options=list(director.SCENES), required=True),
        "seconds": st.column_config.NumberColumn(both("staff.seconds"), min_value=director.SECONDS[0],
                                                 max_value=director.SECONDS[1], step=1, required=True)})
    if st.button(both("staff.play_this_playlist"), key="director_play"):
        items = [(r["scene"], r["seconds"]) for r in pl.DataFrame(edited).iter_rows(named=True)
                 if r["scene"] and r["seconds"]]
        _carry_out(lambda: director.set_playlist(screen, items, user), f"playlist → {screen}")


def _carry_out(order, done: str) -> None:
    try:
        order()
    except director.OrderError as exc:
        st.error(str(exc))
        return
    st.toast(both("staff.done", what=done))


def _thumbnail(name: str, shown: dict, version: int | None, now: dt.datetime, url: str) -> str:
    width, height = (shown.get("viewport") or [1920, 1080])[:2]
    scale = THUMB_PX / max(width, height, 1)
    scene = shown.get("scene", "hero")
    event = load_event()
    language = shown.get("lang", "zh")
    try:
        level = onair.celebrating(event, version)
        html, _ = onair.compose(scene if scene in director.SCENES + onair.SPECIAL else "hero", event, version,
                                language, now, url=url, level_fen=level)
    except data.Unavailable:
        html = ""
    return (f'<figure class="gd-thumb" style="width:{width * scale:.0f}px;height:{height * scale:.0f}px" '
            f'role="img" aria-label="{escape(name)}: {escape(scene)}">{html}</figure>')


@st.fragment(run_every=2)
def _screens() -> None:
    now = clock.now(load_event().tz)
    version = data.published_version()
    checked_in = director.screens()
    orders = director.orders()
    if not checked_in:
        st.caption(both("staff.no_screens"))
        return
    url = onair.qr_url(load_event(), st.context.url)
    st.html(bs.SCENE_CSS + "<style>.gd-thumb{margin:0;border:1px solid #444;overflow:hidden}</style>")
    columns = st.columns(3)
    for i, (name, shown) in enumerate(sorted(checked_in.items())):
        with columns[i % 3]:
            seen = dt.datetime.fromisoformat(shown["at"])
            order = orders.get(name) or orders.get(director.ALL)
            playing = both("staff.director_2") if order else both("staff.own_url")
            st.markdown(f"**{name}** · {shown.get('scene')} · {playing}")
            ago = max(0, int((now - seen).total_seconds()))
            st.caption(both("staff.checked_in", seconds=ago) + f" · v{shown.get('version')} · "
                       f"{'×'.join(str(v) for v in shown.get('viewport', []))}")
            st.html(_thumbnail(name, shown, version, now, url))


def room(user: str) -> None:
    """The director's room: orders, then the screens as they are now."""
    _order_controls(user)
    st.subheader(both("staff.screens"), anchor=False)
    _screens()
