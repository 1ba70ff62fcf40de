"""大屏 Big screen (/bigscreen, not in the public menu): an unattended broadcast kiosk.

URL: ?scenes=hero,top10,map,funds,categories,ticker,qr,countdown (names or 1-8, in order),
?rotate=20 (seconds per scene), ?lang=en, ?scale=1.0 (type scale for unusual walls).
The scene shown is a function of the wall clock, so after a restart or a network drop the
screen comes back at the right place in the rotation by itself.
"""

import datetime as dt
import time

import streamlit as st

from givingday.alerts import minutes_stale
from givingday.event import load_event
from givingday.ui import bigscreen as bs
from givingday.ui import data, maps, memo, router
from givingday.ui import format as fmt
from givingday.ui.i18n import lang

REFRESH_SECONDS = 2
router.through_router()
event = load_event()
language = lang()


def _number(name: str, default: float, low: float, high: float) -> float:
    try:
        return min(high, max(low, float(st.query_params.get(name, default))))
    except ValueError:
        return default


def _scenes() -> list[str]:
    chosen = []
    for item in (st.query_params.get("scenes") or ",".join(bs.SCENES)).split(","):
        item = item.strip().lower()
        name = bs.SCENES[int(item) - 1] if item.isdigit() and 1 <= int(item) <= len(bs.SCENES) else item
        if name in bs.SCENES and name not in chosen:
            chosen.append(name)
    return chosen or list(bs.SCENES)


SCENES, ROTATE, SCALE = _scenes(), _number("rotate", 20, 3, 600), _number("scale", 1.0, 0.5, 3.0)
st.html(bs.CSS)


def _figures(version: int) -> dict:
    """Every figure the scenes show, read once per version and shared by all screens."""
    return memo.once(("bigscreen.figures", str(data.warehouse().root), version), lambda: _read_figures(version))


def _read_figures(version: int) -> dict:
    return {
        "totals": data.query("totals", version).row(0, named=True),
        "pace": data.query("pace", version).row(0, named=True),
        "board": data.query("board_projects", version),
        "categories": data.query("categories", version),
        "pools": data.query("pools", version),
        "projections": {r["pool_id"]: r for r in data.query("pool_projection", version).iter_rows(named=True)},
        "gifts": data.query("latest_gifts_all", version),
        "districts": data.query("districts", version),
    }


def _public_url() -> str:
    """Where the QR code sends the crowd: this server (or the configured address) and the
    configured page, /live by default (plain HTML, light for a crowd of phones)."""
    settings = event.raw.get("bigscreen", {})
    here = (st.context.url or "").split("/bigscreen")[0]
    base = here + "/" if here.startswith("http") and "127.0.0.1" not in here and "localhost" not in here \
        else settings.get("public_url") or here
    return base.rstrip("/") + "/" + settings.get("qr_page", "")


def _scene_html(scene: str, figures: dict, event_now: dt.datetime) -> str | None:
    if scene == "hero":
        return bs.hero(figures["totals"], figures["pace"], language)
    if scene == "top10":
        return bs.top10(figures["board"], language)
    if scene == "funds":
        return bs.funds(figures["pools"], figures["projections"], event, language)
    if scene == "categories":
        return bs.categories(figures["categories"], language)
    if scene == "ticker":
        return bs.ticker(figures["gifts"], event, language)
    if scene == "qr":
        return bs.qr(_public_url(), event, language)
    if scene == "countdown":
        return bs.countdown(event_now, event, language)
    return None


def _stale(version: int, now: dt.datetime) -> bool:
    limit = event.raw.get("bigscreen", {}).get("stale_after_minutes", 5)
    return minutes_stale(data.manifest(version), event, now, limit) is not None


def _correction(raised_fen: int) -> str:
    """A total never falls silently: say so for one rotation when it does."""
    shown = st.session_state.get("bs_raised")
    if shown is not None and raised_fen < shown:
        st.session_state["bs_note"] = (time.time() + ROTATE, shown - raised_fen)
    st.session_state["bs_raised"] = raised_fen
    until, drop = st.session_state.get("bs_note", (0, 0))
    if time.time() >= until:
        return ""
    text = (f"更正：配捐撤回，总额下调 {fmt.yuan(drop)}" if language == "zh"
            else f"Correction: reversed match credits lowered the total by {fmt.yuan(drop, 'en')}")
    return f'<div class="bs-note">{text}</div>'


def _relief(version: int) -> str:
    """The 3D district image of a version, drawn once and served to every screen."""
    def draw() -> str:
        import base64
        return base64.b64encode(maps.district_relief_png(data.query("districts", version), event, "raised_fen")).decode()
    return memo.once(("bigscreen.relief", str(data.warehouse().root), version, event.id), draw)


@st.fragment(run_every=REFRESH_SECONDS)
def screen() -> None:
    now = dt.datetime.now(event.tz)
    version = data.published_version()
    try:
        if version is None:
            raise data.Unavailable("no data yet")
        figures = _figures(version)
    except data.Unavailable:
        last = st.session_state.get("bs_last_frame")
        badge = f'<div class="bs-badge">{"数据更新中" if language == "zh" else "Updating"}</div>'
        st.html(last.replace("</div>\n<!--end-->", badge + "</div>\n<!--end-->") if last else
                bs.frame("waiting", '<div class="bs-title">' + ("数据即将发布" if language == "zh" else "Figures coming soon")
                         + "</div>" + badge, event, language, "", SCALE) + "\n<!--end-->")
        return
    as_of = figures["totals"]["as_of"]
    event_now = now if event.start <= now < event.end else as_of
    # a list whose scenes have nothing to show now falls back to the hero (never an empty rotation)
    available = [s for s in SCENES if s != "countdown" or bs.countdown(event_now, event, language)] or ["hero"]
    scene = available[int(time.time() // ROTATE) % len(available)]
    stamp = f'{"数据截至" if language == "zh" else "as of"} {fmt.local_time(as_of, event.tz, language)}'
    extras = _correction(figures["totals"]["raised_fen"])
    if _stale(version, now):
        extras += f'<div class="bs-badge">{"数据更新中" if language == "zh" else "Updating"}</div>'
    if scene == "map":
        body = bs.map_title(language) + bs.relief(_relief(version)) + extras
        st.html(bs.frame("map", body, event, language, stamp, SCALE))
        return
    body = _scene_html(scene, figures, event_now) if scene == "countdown" else memo.once(
        ("bigscreen.scene", str(data.warehouse().root), version, scene, language, _public_url()),
        lambda: _scene_html(scene, figures, event_now))
    html = bs.frame(scene, body + extras, event, language, stamp, SCALE)
    st.session_state["bs_last_frame"] = html + "\n<!--end-->"
    st.html(html)


screen()
