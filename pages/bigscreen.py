"""Big screen (/bigscreen, not in the public menu): an unattended broadcast kiosk.

URL: ?screen=main (a name the director's console knows it by), ?scenes=hero,top10,map,funds,
categories,ticker,qr,countdown (names or 1-8, in order), ?rotate=20 (seconds each),
?lang=en, ?ticker=0 (no live lane), ?celebrate=0 (no milestone cards), ?overscan=4 (safe
margin in % of the shorter side, 0-10), ?scale= (kept for old links; the layout now fits
any screen by itself). The director's order for the screen, or for all screens, overrides
the URL's playlist until cleared. The scene on air is a function of the clock and the
playlist, so after a restart or a network drop the screen comes back at the right place.
"""

import time

import streamlit as st

from givingday import clock, director
from givingday.alerts import minutes_stale
from givingday.event import load_event
from givingday.ui import bigscreen as bs
from givingday.ui import data, document, onair, player, router
from givingday.ui import format as fmt
from givingday.ui.i18n import lang, t

REFRESH_SECONDS = 1
router.through_router()
event = load_event()
language = lang()


def _number(name: str, default: float, low: float, high: float) -> float:
    try:
        return min(high, max(low, float(st.query_params.get(name, default))))
    except ValueError:
        return default


def _own_playlist() -> director.Playlist:
    chosen = []
    for item in (st.query_params.get("scenes") or ",".join(director.SCENES)).split(","):
        item = item.strip().lower()
        name = director.SCENES[int(item) - 1] if item.isdigit() and 1 <= int(item) <= len(director.SCENES) else item
        if name in director.SCENES and name not in chosen:
            chosen.append(name)
    seconds = int(_number("rotate", 20, *director.SECONDS))
    return director.Playlist(tuple((name, seconds) for name in chosen or director.SCENES))


def _switch(name: str) -> bool:
    return st.query_params.get(name, "1").strip().lower() not in ("0", "off", "false", "no")


SCREEN = director.screen_name(st.query_params.get("screen"))
OWN = _own_playlist()
TICKER, CELEBRATE = _switch("ticker"), _switch("celebrate")
OVERSCAN = _number("overscan", event.bigscreen.overscan_percent, 0, 10)
document.declare(t("nav.bigscreen", language), event, language)
st.html(bs.KIOSK_CSS + bs.SCENE_CSS.replace(".bs {", f".bs {{ --bs-page:{event.bigscreen.background};", 1))


def _correction(version: int) -> str:
    """A total never falls silently: the screens say so for a minute after a correction."""
    fell = onair.correcting(event, version)
    return bs.flag(t("bs.correction", language).format(amount=fmt.yuan(fell, language)), "note") if fell else ""


def _check_in(scene: str, version: int | None, viewport, playing: str) -> None:
    """Tell the director's console what this named screen shows (on a change, else every 5 s)."""
    if SCREEN is None:
        return
    last_scene, last_at = st.session_state.get("bs_checked", (None, 0.0))
    if scene == last_scene and time.time() - last_at < director.CHECK_IN_EVERY_S:
        return
    st.session_state["bs_checked"] = (scene, time.time())
    director.check_in(SCREEN, {"scene": scene, "version": version, "lang": language,
                               "viewport": list(viewport or st.session_state.get("bs_viewport") or [1920, 1080]),
                               "playing": playing})


def _on_air(scene: str, html: str, lane: list[str] | None, version: int | None, playing: str) -> None:
    viewport = player.show(html, scene, lane, language)
    if viewport:
        st.session_state["bs_viewport"] = viewport
    _check_in(scene, version, viewport, playing)


def _keep_last_frame(version: int | None, playing: str) -> bool:
    """The version cannot be read now: keep the last frame on air, marked as updating (its own
    version's figures, never relabelled); the next second tries again."""
    last = st.session_state.get("bs_last")
    if not last:
        return False
    scene, html, lane = last
    marked = html.replace('<span class="bs-asof">', bs.flag(t("bs.updating", language)) + '<span class="bs-asof">', 1)
    _on_air(scene, marked, lane, version, playing)
    return True


def _frame(version: int, now, url: str, playlist: director.Playlist) -> tuple[str, str, list[str] | None]:
    """The scene on air and its frame, from `version`'s own figures (or data.Unavailable)."""
    onair.figures(event, version)
    level = onair.celebrating(event, version) if CELEBRATE else None
    scene = "celebrate" if level else playlist.on_air(clock.seconds(), onair.available(event, now))
    flags = _correction(version)
    if not data.store_reached() or \
            minutes_stale(data.manifest(version, move=False), event, now, event.bigscreen.stale_after_minutes) is not None:
        flags += bs.flag(t("bs.updating", language))
    html, lane = onair.compose(scene, event, version, language, now, url=url, lane=TICKER, flags=flags,
                               overscan=OVERSCAN, level_fen=level)
    return scene, html, lane


@st.fragment(run_every=REFRESH_SECONDS)
def screen() -> None:
    now = clock.now(event.tz)
    playlist = director.playing(SCREEN, OWN)
    version = data.published_version()
    url = onair.qr_url(event, st.context.url)
    if version is not None:
        if not data.store_reached() and _keep_last_frame(version, playlist.source):
            return  # the store is out of reach: no read this second would get through either
        try:
            scene, html, lane = _frame(version, now, url, playlist)
        except data.Unavailable:
            if _keep_last_frame(version, playlist.source):
                return
        else:
            st.session_state["bs_last"] = (scene, html, lane)
            _on_air(scene, html, lane, version, playlist.source)
            return
    # no data at all (or none readable yet, and nothing shown before): the event's title card
    html, lane = onair.compose("title", event, None, language, now, url=url, overscan=OVERSCAN)
    _on_air("title", html, lane, None, playlist.source)


screen()
