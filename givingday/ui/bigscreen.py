"""Broadcast scenes for the big screen: HTML sized from the viewport, dark, no chrome.

Every scene is a function of (figures, language) returning HTML; the page picks the scene
from the wall clock (`rotate` seconds each), so a restarted kiosk resumes the rotation by
itself. Type is set in vh (viewport height) units: nothing under 2.5% of the screen height,
the hero figure at 16% of it; 5% safe margins for LED walls that crop.
"""

from __future__ import annotations

import datetime as dt
import io
from html import escape

import polars as pl

from givingday.event import Event
from givingday.ui import format as fmt
from givingday.ui.blocks import outlasts, rank_move
from givingday.ui.i18n import pick

SCENES = ("hero", "top10", "map", "funds", "categories", "ticker", "qr", "countdown")

CSS = """
<style>
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stSidebarNav"], [data-testid="stTopNavLinkContainer"], [data-testid="stBottom"],
#MainMenu, footer, header { display: none !important; visibility: hidden !important; }
html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {
  background: #05080d !important; overflow: hidden !important; height: 100vh; }
::-webkit-scrollbar { display: none; }
* { scrollbar-width: none; }
[data-testid="stMainBlockContainer"], .block-container { padding: 0 !important; max-width: 100vw !important; }
[data-testid="stVerticalBlock"] { gap: 0 !important; }
.element-container, [data-testid="stElementContainer"] { margin: 0 !important; }
.bs { position: relative; width: 100vw; height: 100vh; box-sizing: border-box; padding: 5vh 5vw;
  color: #F4F6F8; font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", sans-serif;
  font-size: calc(3vh * var(--bs-scale, 1)); overflow: hidden; display: flex; flex-direction: column; }
.bs-top { display: flex; justify-content: space-between; align-items: baseline; font-size: 3vh; color: #AEB7C2; }
.bs-title { font-size: calc(4.4vh * var(--bs-scale, 1)); font-weight: 700; color: #FFFFFF; margin: 1vh 0 2vh; }
.bs-hero { font-size: calc(16vh * var(--bs-scale, 1)); font-weight: 800; line-height: 1; letter-spacing: -0.02em;
  font-variant-numeric: tabular-nums; color: #FFFFFF; margin: 2vh 0; }
.bs-sub { font-size: calc(4vh * var(--bs-scale, 1)); color: #C9D1DA; }
.bs-sub b { color: #FFB000; font-variant-numeric: tabular-nums; }
.bs-row { display: flex; gap: 4vw; margin-top: 4vh; }
.bs-fig .v { font-size: calc(7vh * var(--bs-scale, 1)); font-weight: 750; font-variant-numeric: tabular-nums; }
.bs-fig .l { font-size: calc(3vh * var(--bs-scale, 1)); color: #AEB7C2; }
.bs-list { list-style: none; margin: 0; padding: 0; font-size: calc(3.4vh * var(--bs-scale, 1)); }
.bs-list li { display: grid; grid-template-columns: 5vw 1fr 16vw 7vw; align-items: center; gap: 1.5vw;
  padding: 0.75vh 0; border-bottom: 1px solid #1F2833; white-space: nowrap; overflow: hidden; }
.bs-list .n { color: #AEB7C2; } .bs-list .m { text-align: right; font-variant-numeric: tabular-nums; font-weight: 700; }
.bs-list .name { overflow: hidden; text-overflow: ellipsis; }
.bs-up { color: #3DDC97; } .bs-down { color: #FF6B6B; } .bs-same { color: #6B7785; }
.bs-bars { display: flex; flex-direction: column; gap: 2.2vh; margin-top: 2vh; }
.bs-bar { display: grid; grid-template-columns: 18vw 1fr 14vw; gap: 1.5vw; align-items: center; font-size: calc(3.6vh * var(--bs-scale, 1)); }
.bs-bar .track { height: 4.5vh; background: #16202B; border-radius: 1vh; overflow: hidden; }
.bs-bar .fill { height: 100%; border-radius: 1vh; }
.bs-bar .m { text-align: right; font-variant-numeric: tabular-nums; font-weight: 700; }
.bs-gauges { display: grid; grid-template-columns: repeat(4, 1fr); gap: 2vw; margin-top: 3vh; }
.bs-gauge { text-align: center; display: flex; flex-direction: column; align-items: center; }
.bs-ring { width: 30vh; height: 30vh; border-radius: 50%; display: grid; place-items: center;
  background: conic-gradient(#FFB000 0 var(--left), #1F2833 var(--left) 100%); }
.bs-ring span { width: 22vh; height: 22vh; border-radius: 50%; background: #05080d; display: grid;
  place-items: center; font-size: calc(6vh * var(--bs-scale, 1)); font-weight: 800; }
.bs-gauge .l { font-size: calc(3.4vh * var(--bs-scale, 1)); margin-top: 1vh; }
.bs-gauge .s { font-size: calc(2.8vh * var(--bs-scale, 1)); color: #C9D1DA; }
.bs-ticker { font-size: calc(3.8vh * var(--bs-scale, 1)); line-height: 1.6; }
.bs-ticker div { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; border-bottom: 1px solid #1F2833; }
.bs-ticker b { color: #FFB000; font-variant-numeric: tabular-nums; }
.bs-qr { display: flex; gap: 5vw; align-items: center; flex: 1; }
.bs-code { height: 62vh; width: 62vh; border-radius: 2vh; image-rendering: pixelated; }
.bs-sponsors { font-size: calc(3vh * var(--bs-scale, 1)); color: #C9D1DA; line-height: 1.6; }
.bs-count { font-size: calc(22vh * var(--bs-scale, 1)); font-weight: 800; font-variant-numeric: tabular-nums; line-height: 1; }
.bs-badge { position: absolute; right: 5vw; bottom: 4vh; font-size: 2.6vh; color: #05080d; background: #FFB000;
  padding: 0.6vh 1.2vw; border-radius: 1vh; }
.bs-note { position: absolute; left: 5vw; bottom: 4vh; font-size: 2.6vh; color: #FFD8A8; }
.bs-relief { flex: 1; display: flex; align-items: center; justify-content: center; perspective: 180vh;
  overflow: hidden; }
.bs-relief img { max-height: 70vh; max-width: 84vw; object-fit: contain; transform-origin: 50% 60%;
  animation: bs-drift 90s ease-in-out infinite alternate; }
@keyframes bs-drift { from { transform: rotateX(34deg) rotateZ(-7deg) scale(1.02); }
                      to { transform: rotateX(40deg) rotateZ(7deg) scale(1.08); } }
</style>
"""


def frame(scene: str, body: str, event: Event, language: str, as_of_text: str, scale: float) -> str:
    """One full-screen scene with the event name on top and the time of the data below."""
    name = pick(event.name_zh, event.name_en, language)
    return (f'<div class="bs" data-scene="{scene}" style="--bs-scale:{scale}">'
            f'<div class="bs-top"><span>{escape(name)}</span><span>{escape(as_of_text)}</span></div>'
            f"{body}</div>")


def hero(totals: dict, pace: dict, language: str) -> str:
    title = "筹款总额" if language == "zh" else "Raised so far"
    today = fmt.yuan(pace["raised_today_fen"], language)
    per_minute = f"{pace['gifts_per_minute']:,.0f}"
    return (f'<div class="bs-title">{title}</div>'
            f'<div class="bs-hero">{escape(fmt.yuan(totals["raised_fen"], language))}</div>'
            f'<div class="bs-sub">{"今日" if language == "zh" else "Today"} <b>+{escape(today)}</b></div>'
            '<div class="bs-row">'
            + _figure(fmt.count(totals["donations"], "人次", "", language), "捐赠人次" if language == "zh" else "gifts")
            + _figure(per_minute, "每分钟捐赠" if language == "zh" else "gifts a minute")
            + _figure(fmt.count(totals["donors"], "人", "", language), "捐赠人数" if language == "zh" else "donors")
            + "</div>")


def _figure(value: str, label: str) -> str:
    return f'<div class="bs-fig"><div class="v">{escape(value)}</div><div class="l">{escape(label)}</div></div>'


def _move(change: int | None) -> str:
    css = "bs-same" if not change else "bs-up" if change > 0 else "bs-down"
    return f'<span class="{css}">{rank_move(change)}</span>'


def _scene(title: str, body_class: str, body: str, tag: str = "div") -> str:
    """A scene's title, then its body."""
    return f'<div class="bs-title">{title}</div><{tag} class="{body_class}">{body}</{tag}>'


def top10(board: pl.DataFrame, language: str) -> str:
    title = "项目排行 前十" if language == "zh" else "Top 10 projects"
    rows = "".join(
        f'<li><span class="n">{r["rank"]}</span><span class="name">{escape(r["name"])}</span>'
        f'<span class="m">{escape(fmt.yuan(r["raised_fen"], language))}</span><span>{_move(r["rank_change"])}</span></li>'
        for r in board.head(10).iter_rows(named=True))
    return _scene(title, "bs-list", rows, tag="ul")


def categories(frame_: pl.DataFrame, language: str) -> str:
    title = "六大类筹款" if language == "zh" else "Six categories"
    top = max(int(frame_["raised_fen"].max() or 0), 1)
    rows = "".join(
        f'<div class="bs-bar"><span>{escape(pick(r["name"], r["name_en"], language))}</span>'
        f'<div class="track"><div class="fill" style="width:{r["raised_fen"] / top * 100:.1f}%;background:{r["colour"]}"></div></div>'
        f'<span class="m">{escape(fmt.yuan(r["raised_fen"], language))}</span></div>'
        for r in frame_.iter_rows(named=True))
    return _scene(title, "bs-bars", rows)


def _gauge(fraction: float) -> str:
    """A ring whose filled part is the share of the pool that is left (CSS only)."""
    fraction = max(0.0, min(1.0, fraction))
    return (f'<div class="bs-ring" style="--left:{fraction * 100:.1f}%"><span>{fraction:.0%}</span></div>')


def funds(pools: pl.DataFrame, projections: dict, event: Event, language: str) -> str:
    title = "配捐还剩多少" if language == "zh" else "Match money left"
    cells = []
    for row in pools.iter_rows(named=True):
        projection = projections.get(row["pool_id"], {})
        left, whole = row["remaining_fen"], row["budget_fen"]
        if projection.get("share_fen") is not None:
            left, whole = max(projection["left_fen"], 0), projection["share_fen"]
        status = _fund_status(projection, event, language)
        cells.append(f'<div class="bs-gauge">{_gauge(left / whole if whole else 0)}'
                     f'<div class="l">{escape(pick(row["name"], row["name_en"], language))}</div>'
                     f'<div class="s">{escape(fmt.yuan(left, language))}</div><div class="s">{escape(status)}</div></div>')
    return _scene(title, "bs-gauges", "".join(cells))


def _fund_status(projection: dict, event: Event, language: str) -> str:
    if not projection:
        return ""
    as_of = projection["as_of"]
    opens = projection.get("opens_at")
    if opens is not None and as_of < opens:
        return f"{opens.astimezone(event.tz):%H:%M} 开启" if language == "zh" else f"opens at {opens.astimezone(event.tz):%H:%M}"
    if projection.get("share_fen") is not None and projection["left_fen"] <= 100:
        return "今日已用完" if language == "zh" else "spent for today"
    minutes = projection.get("minutes_left")
    if minutes is None:
        return ""
    enough = outlasts(projection, language)
    if enough:
        return enough
    hours, rest = divmod(int(minutes), 60)
    left = f"{hours}小时{rest}分" if language == "zh" else f"{hours} h {rest} min"
    return f"约{left}后用完" if language == "zh" else f"runs out in about {left}"


def ticker(gifts: pl.DataFrame, event: Event, language: str) -> str:
    title = "最新捐赠" if language == "zh" else "Latest gifts"
    rows = "".join(
        f'<div>{escape(fmt.clock(r["donated_at"], event.tz))} · {escape(r["donor_display"])} '
        f'{"捐给" if language == "zh" else "to"} {escape(r["project_name"])} <b>{escape(fmt.yuan(r["amount_fen"], language))}</b></div>'
        for r in gifts.head(10).iter_rows(named=True))
    return _scene(title, "bs-ticker", rows)


def qr(url: str, event: Event, language: str) -> str:
    import base64

    import qrcode

    buffer = io.BytesIO()
    qrcode.make(url, border=2, box_size=12).save(buffer)
    code = f'<img class="bs-code" alt="QR" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}"/>'
    settings = event.raw.get("bigscreen", {})
    sponsors = settings.get("sponsors_en" if language == "en" else "sponsors_zh", [])
    call = "扫码查看每一笔善款的去向" if language == "zh" else "Scan to see where every yuan goes"
    thanks = "特别鸣谢" if language == "zh" else "Thanks to"
    return (f'<div class="bs-qr">{code}<div><div class="bs-title">{call}</div>'
            f'<div class="bs-sub">{escape(url)}</div><div class="bs-sponsors"><br/>{thanks}<br/>'
            + "<br/>".join(escape(s) for s in sponsors) + "</div></div></div>")


def countdown(now: dt.datetime, event: Event, language: str) -> str | None:
    """Time left to the light show, on its evening only (None otherwise)."""
    start = event.light_show_start
    if start is None or now.astimezone(event.tz).date() != start.astimezone(event.tz).date():
        return None
    seconds = int((start - now).total_seconds())
    name = pick(event.raw.get("light_show", {}).get("name_zh"), event.raw.get("light_show", {}).get("name_en"), language)
    if seconds <= 0:
        live = "正在进行" if language == "zh" else "on now"
        return f'<div class="bs-title">{escape(name)}</div><div class="bs-count">{live}</div>'
    hours, rest = divmod(seconds, 3600)
    return (f'<div class="bs-title">{escape(name)} {"倒计时" if language == "zh" else "starts in"}</div>'
            f'<div class="bs-count">{hours:02d}:{rest // 60:02d}:{rest % 60:02d}</div>'
            f'<div class="bs-sub">{start.astimezone(event.tz):%H:%M} · 江北嘴</div>')


def relief(png_base64: str) -> str:
    """The district relief image, tilted and slowly turning (CSS animation: the camera drift)."""
    return f'<div class="bs-relief"><img alt="" src="data:image/png;base64,{png_base64}"/></div>'

def map_title(language: str) -> str:
    return '<div class="bs-title">' + ("各区县筹款" if language == "zh" else "Money raised by district") + "</div>"
