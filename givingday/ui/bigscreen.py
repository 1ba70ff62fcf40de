"""Broadcast scenes for the big screens: HTML laid out for every shape of screen.

Each scene is a function of (figures, language) returning HTML. A frame (`frame`) puts one
scene between a top bar (title, time of the data, badges) and a thin live lane (latest masked
gifts, milestones). All sizes are container units of the frame (`cqmin` is its shorter side),
so the same HTML fills a 16:9 monitor, a 4K wall, a 32:9 LED strip, a 9:16 totem or a
thumbnail on the director's console; container queries re-arrange each scene for portrait and
very wide screens. No text is under 2.8% of the shorter side of the safe area (the screen
less its overscan margin), the headline figures are white on near-black (AAA), figures use
tabular digits, and the typeface is Noto Sans CJK (Debian's fonts-noto-cjk).
"""

from __future__ import annotations

import datetime as dt
import io
from html import escape

import polars as pl

from givingday.director import SCENES
from givingday.event import Event
from givingday.ui import format as fmt
from givingday.ui.blocks import outlasts, rank_move
from givingday.ui.i18n import english, html_lang, pick, t

__all__ = ["SCENES", "frame", "scene_html", "hero_figure"]

# Streamlit's own chrome off, the page dark and still: only for the kiosk page.
KIOSK_CSS = """
<style>
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stSidebarNav"], [data-testid="stTopNavLinkContainer"], [data-testid="stBottom"],
#MainMenu, footer, header { display: none !important; visibility: hidden !important; }
html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {
  background: var(--bs-page, #05080D) !important; overflow: hidden !important; height: 100vh; }
::-webkit-scrollbar { display: none; }
* { scrollbar-width: none; }
[data-testid="stMainBlockContainer"], .block-container { padding: 0 !important; max-width: 100vw !important; }
.bs-screen { position: fixed; inset: 0; z-index: 1000; box-sizing: border-box; }
</style>
"""

# The scenes' look, scoped to .bs (the kiosk and the director's thumbnails share it).
SCENE_CSS = """
<style>
.bs { box-sizing: border-box; width: 100%; height: 100%; container: bs / size; overflow: hidden;
  background: var(--bg); color: var(--fg); display: grid; grid-template-rows: auto minmax(0, 1fr) auto;
  font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Noto Sans", sans-serif;
  font-variant-numeric: tabular-nums; line-height: 1.45; }
/* line boxes at least the font's content area (Noto CJK: 1.45 em), so no two lines' boxes overlap */
.bs *, .bs *::before, .bs *::after { box-sizing: border-box; }
.bs-top { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.4cqmin 3cqmin;
  font-size: 2.9cqmin; color: var(--muted); padding-bottom: 1.2cqmin; }
.bs-top .bs-name { color: var(--fg); font-weight: 700; flex: 1 1 auto; }
.bs-flag { color: var(--bg); background: var(--accent); padding: 0 1.2cqmin; border-radius: 0.8cqmin; }
.bs-note { color: var(--accent); }
.bs-body { --fit: 1; min-height: 0; min-width: 0; overflow: hidden; display: flex; flex-direction: column;
  justify-content: center; gap: 1.5cqmin; }
.bs-lane { font-size: 3cqmin; color: var(--muted); border-top: 0.2cqmin solid #2A3441; padding-top: 1cqmin;
  white-space: nowrap; overflow: hidden; text-overflow: clip; min-height: 4.6cqmin; }
.bs-lane b { color: var(--accent); }
.bs-lane span { display: inline-block; transition: opacity .4s; max-width: 100%; overflow: hidden; }
.bs-title { font-size: calc(max(3.2cqmin, 5.2cqmin * var(--fit))); font-weight: 700; color: var(--fg); }
.bs-sub { font-size: calc(max(2.9cqmin, 4.4cqmin * var(--fit))); color: var(--muted); }
.bs-sub b { color: var(--accent); }
/* hero */
.bs-hero-wrap { display: flex; flex-direction: column; gap: 1.5cqmin; }
.bs-hero { font-weight: 800; letter-spacing: -0.01em; color: var(--fg); white-space: nowrap;
  font-size: min(29cqh, calc(100cqw / var(--em))); }
.bs-hero .c { font-size: 0.5em; line-height: 1; }
.bs-hero .g { display: inline; }
.bs-figs { display: flex; flex-wrap: wrap; gap: 2cqmin 6cqmin; }
.bs-fig .v { font-size: calc(max(3.2cqmin, 7cqmin * var(--fit))); font-weight: 750; color: var(--fg); }
.bs-fig .l { font-size: 2.9cqmin; color: var(--muted); }
/* lists: top 10, latest gifts, leading districts */
.bs-list { list-style: none; margin: 0; padding: 0; display: grid; grid-auto-flow: row; }
.bs-list li { display: grid; grid-template-columns: 2.2em minmax(0, 1fr) auto 2.6em; align-items: baseline;
  gap: 0 1.6cqmin; padding: 0.5cqmin 0; border-bottom: 0.15cqmin solid #1F2833;
  font-size: calc(max(2.9cqmin, 3.9cqmin * var(--fit))); }
.bs-list .n { color: var(--muted); } .bs-list .m { text-align: right; font-weight: 700; color: var(--fg); }
.bs-list .name { overflow-wrap: anywhere; }
.bs-list .w { color: var(--muted); }
.bs-up { color: var(--up); } .bs-down { color: var(--down); } .bs-same { color: var(--muted); }
.bs-gifts li { grid-template-columns: auto minmax(0, 1fr) auto; }
/* bars */
.bs-bars { display: grid; grid-template-columns: max-content minmax(8cqmin, 1fr) max-content; gap: 1.8cqmin 2cqmin;
  align-items: center; font-size: calc(max(2.9cqmin, 4.1cqmin * var(--fit))); }
.bs-bars .track { height: 4.5cqmin; background: #16202B; border-radius: 1cqmin; overflow: hidden; }
.bs-bars .fill { height: 100%; border-radius: 1cqmin; }
.bs-bars .m { text-align: right; font-weight: 700; }
/* gauges */
.bs-gauges { display: grid; grid-template-columns: repeat(var(--n), minmax(0, 1fr)); gap: 2cqmin; align-items: start; }
.bs-gauge { text-align: center; display: flex; flex-direction: column; align-items: center; gap: 0.6cqmin; }
.bs-ring { width: var(--ring); height: var(--ring); border-radius: 50%; display: grid; place-items: center;
  background: conic-gradient(var(--accent) 0 var(--left), #1F2833 var(--left) 100%);
  --ring: min(36cqh, calc(70cqw / var(--n))); }
.bs-ring span { width: 74%; height: 74%; border-radius: 50%; background: var(--bg); display: grid;
  place-items: center; font-size: calc(var(--ring) * 0.2); font-weight: 800; }
.bs-gauge .l { font-size: calc(max(2.9cqmin, 3.8cqmin * var(--fit))); color: var(--fg); }
.bs-gauge .s { font-size: 2.9cqmin; color: var(--muted); }
/* qr */
.bs-qr { display: flex; gap: 4cqmin; align-items: center; }
.bs-code { height: min(64cqh, 42cqw); width: min(64cqh, 42cqw); border-radius: 2cqmin; image-rendering: pixelated; flex: none; }
.bs-sponsors { font-size: 3cqmin; color: var(--muted); }
.bs-url { font-size: 2.9cqmin; color: var(--muted); overflow-wrap: anywhere; }
/* countdown, title card, celebration */
.bs-count { font-size: min(26cqh, 17cqw); font-weight: 800; color: var(--fg); }
.bs-card { align-items: center; text-align: center; }
.bs-card .bs-big { font-size: min(18cqh, calc(96cqw / var(--em, 8))); font-weight: 800; color: var(--fg); }
.bs-celebrate .bs-big { color: var(--accent); animation: bs-glow 2.4s ease-in-out infinite alternate; }
@keyframes bs-glow { from { text-shadow: 0 0 0 transparent; } to { text-shadow: 0 0 4cqmin rgba(255,176,0,.45); } }
/* map */
.bs-map { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 3cqmin; min-height: 0; flex: 1; }
.bs-relief { min-height: 0; display: flex; align-items: center; justify-content: center; perspective: 180cqh; overflow: hidden; }
.bs-relief img { max-height: 88%; max-width: 88%; object-fit: contain; transform-origin: 50% 60%;
  animation: bs-drift 90s ease-in-out infinite alternate; }
@keyframes bs-drift { from { transform: rotateX(30deg) rotateZ(-5deg); } to { transform: rotateX(36deg) rotateZ(5deg); } }
.bs-map .bs-list { align-self: center; }
.bs-map .bs-list li { grid-template-columns: 1.6em minmax(0, 1fr) auto; }
@media (prefers-reduced-motion: reduce) { .bs-relief img, .bs-celebrate .bs-big { animation: none; } }
/* very wide walls (32:9): lists in two columns, the hero beside its figures */
@container bs (min-aspect-ratio: 5/2) {
  .bs-list.bs-two { grid-template-columns: 1fr 1fr; grid-template-rows: repeat(5, auto); grid-auto-flow: column; column-gap: 5cqmin; }
  .bs-hero-wrap { display: grid; grid-template-columns: auto minmax(0, 1fr); align-items: end; column-gap: 6cqmin; }
  .bs-hero-wrap .bs-title, .bs-hero-wrap .bs-hero, .bs-hero-wrap .bs-sub { grid-column: 1; }
  .bs-hero-wrap .bs-figs { grid-column: 2; grid-row: 1 / span 3; flex-direction: column; align-self: center; }
  .bs-map { grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); }
}
/* portrait totems (9:16): the figure stacked by thousands, panels one above the other */
@container bs (orientation: portrait) {
  .bs-hero .g { display: block; }
  .bs-hero { font-size: min(13cqh, calc(100cqw / var(--em-line))); }
  .bs-gauges { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .bs-ring { --ring: min(22cqh, 40cqw); }
  .bs-qr { flex-direction: column; align-items: flex-start; }
  .bs-code { height: min(40cqh, 80cqw); width: min(40cqh, 80cqw); }
  .bs-map { grid-template-columns: 1fr; grid-template-rows: minmax(0, 1fr) auto; }
  .bs-count { font-size: 17cqw; }
}
</style>
"""

# widths of characters in em (Noto Sans CJK, bold, tabular digits), for sizing the hero figure
PREFIX = "¥"  # before an English figure (the player's count-up writes it from data-prefix)
_EM = {",": 0.3, ".": 0.3, PREFIX: 0.62}
_EM_DIGIT, _EM_OTHER, _EM_SAFETY = 0.58, 1.0, 1.01


def _em(text: str) -> float:
    return sum(_EM.get(c, _EM_DIGIT if c.isdigit() else _EM_OTHER) for c in text)


def hero_figure(fen: int, language: str) -> tuple[str, float, float]:
    """The exact total as HTML (thousands groups as spans, fen smaller), with its width in em
    on one line and the width of its widest group (the portrait layout stacks the groups).
    The browser's count-up formats its steps the same way (`player.js`)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    groups = f"{whole:,}".split(",")
    texts = [g + ("," if i < len(groups) - 1 else "") for i, g in enumerate(groups)]
    if english(language):
        texts[0] = PREFIX + texts[0]
    texts[0] = sign + texts[0]
    tail = f".{cents:02d}"
    html = "".join(f'<span class="g">{escape(text)}' + (f'<span class="c">{tail}</span>' if i == len(texts) - 1 else "")
                   + "</span>" for i, text in enumerate(texts))
    widths = [_em(text) for text in texts]
    widths[-1] += _em(tail) * 0.5
    return html, round(sum(widths) * _EM_SAFETY, 2), round(max(widths) * _EM_SAFETY, 2)


def frame(scene: str, body: str, event: Event, language: str, *, stamp: str = "", flags: str = "",
          lane: list[str] | None = None, overscan: float | None = None, version: int | None = None) -> str:
    """One scene in its frame: title bar, the scene, the live lane (None: no lane). The frame
    names the version its figures were read from (`data-version`)."""
    screen = event.bigscreen
    title = pick(screen.title_zh or event.name_zh, screen.title_en or event.name_en, language)
    colours = (f"--bg:{screen.background};--fg:{screen.text};--muted:{screen.muted};--accent:{screen.accent};"
               f"--up:{screen.up};--down:{screen.down}")
    pad = screen.overscan_percent if overscan is None else overscan
    lane_html = "" if lane is None else f'<div class="bs-lane" aria-hidden="true"><span>{lane[0] if lane else "&nbsp;"}</span></div>'
    stamped = "" if version is None else f' data-version="{int(version)}"'
    return (f'<div class="bs" data-scene="{scene}"{stamped} lang="{html_lang(language)}" '
            f'style="{colours};padding:{pad}cqmin {pad}cqmin">'
            f'<div class="bs-top"><span class="bs-name">{escape(title)}</span>{flags}'
            f'<span class="bs-asof">{escape(stamp)}</span></div>'
            f'<div class="bs-body">{body}</div>{lane_html}</div>')


def flag(text: str, kind: str = "flag") -> str:
    """A badge in the title bar ("updating") or a note (a correction)."""
    return f'<span class="bs-{kind}">{escape(text)}</span>'


def lane_items(gifts: pl.DataFrame, crossed: dict | None, event: Event, language: str) -> list[str]:
    """The live lane's items: the last milestone, then the latest masked gifts."""
    items = []
    if crossed:
        items.append(f"<b>{escape(t('bs.milestone', language).format(amount=fmt.yuan(crossed['level_fen'], language)))}</b>")
    items += [f'{escape(fmt.clock(r["donated_at"], event.tz))} · {escape(r["donor_display"])} '
              f'{escape(t("bs.gave_to", language))} {escape(r["project_name"])} <b>{escape(fmt.yuan(r["amount_fen"], language))}</b>'
              for r in gifts.head(12).iter_rows(named=True)]
    return items


def hero(totals: dict, pace: dict, language: str) -> str:
    figure, em, em_line = hero_figure(totals["raised_fen"], language)
    today = fmt.yuan(pace["raised_today_fen"], language)
    return ('<div class="bs-hero-wrap">'
            f'<div class="bs-title">{escape(t("bs.raised", language))}</div>'
            f'<div class="bs-hero" data-count="raised" data-fen="{int(totals["raised_fen"])}" data-prefix="{PREFIX if english(language) else ""}" '
            f'style="--em:{em};--em-line:{em_line}">{figure}</div>'
            f'<div class="bs-sub">{escape(t("bs.today", language))} <b>+{escape(today)}</b></div>'
            '<div class="bs-figs">'
            + _figure(fmt.count(totals["donations"], "", language), t("donations", language))
            + _figure(f"{pace['gifts_per_minute']:,.0f}", t("bs.per_minute", language))
            + _figure(fmt.count(totals["donors"], "", language), t("donors", language))
            + "</div></div>")


def _figure(value: str, label: str) -> str:
    return f'<div class="bs-fig"><div class="v">{escape(value)}</div><div class="l">{escape(label)}</div></div>'


def _move(change: int | None) -> str:
    css = "bs-same" if not change else "bs-up" if change > 0 else "bs-down"
    return f'<span class="{css}">{rank_move(change)}</span>'


def _scene(title: str, body: str) -> str:
    return f'<div class="bs-title">{escape(title)}</div>{body}'


def _empty(language: str) -> str:
    return f'<div class="bs-sub">{escape(t("bs.nothing_yet", language))}</div>'


def top10(board: pl.DataFrame, language: str) -> str:
    rows = "".join(
        f'<li><span class="n">{r["rank"]}</span><span class="name">{escape(r["name"])}</span>'
        f'<span class="m">{escape(fmt.yuan(r["raised_fen"], language))}</span>{_move(r["rank_change"])}</li>'
        for r in board.filter(pl.col("raised_fen") > 0).head(10).iter_rows(named=True))  # no ranking of zeros
    return _scene(t("bs.top10", language), f'<ul class="bs-list bs-two">{rows}</ul>' if rows else _empty(language))


def categories(frame_: pl.DataFrame, language: str) -> str:
    top = max(int(frame_["raised_fen"].max() or 0), 1) if frame_.height else 1
    rows = "".join(
        f'<span>{escape(pick(r["name"], r["name_en"], language))}</span>'
        f'<div class="track"><div class="fill" style="width:{r["raised_fen"] / top * 100:.1f}%;background:{r["colour"]}"></div></div>'
        f'<span class="m">{escape(fmt.yuan(r["raised_fen"], language))}</span>'
        for r in frame_.iter_rows(named=True))
    title = t("bs.categories", language).format(n=frame_.height)
    return _scene(title, f'<div class="bs-bars">{rows}</div>' if rows else _empty(language))


def _gauge(fraction: float) -> str:
    """A ring whose filled part is the share of the pool that is left (CSS only)."""
    fraction = max(0.0, min(1.0, fraction))
    return f'<div class="bs-ring" style="--left:{fraction * 100:.1f}%"><span>{fraction:.0%}</span></div>'


def funds(pools: pl.DataFrame, projections: dict, event: Event, language: str) -> str:
    cells = []
    for row in pools.iter_rows(named=True):
        projection = projections.get(row["pool_id"], {})
        left, whole = row["remaining_fen"], row["budget_fen"]
        if projection.get("share_fen") is not None:
            left, whole = projection["left_fen"], projection["share_fen"]
        left = max(left, 0)  # a pool paid past its budget (a late reversal) shows as empty
        cells.append(f'<div class="bs-gauge">{_gauge(left / whole if whole else 0)}'
                     f'<div class="l">{escape(pick(row["name"], row["name_en"], language))}</div>'
                     f'<div class="s">{escape(fmt.yuan(left, language))}</div>'
                     f'<div class="s">{escape(_fund_status(projection, event, language))}</div></div>')
    body = f'<div class="bs-gauges" style="--n:{max(len(cells), 1)}">{"".join(cells)}</div>' if cells else _empty(language)
    return _scene(t("bs.funds", language), body)


def _fund_status(projection: dict, event: Event, language: str) -> str:
    if not projection:
        return ""
    as_of = projection["as_of"]
    opens = projection.get("opens_at")
    if opens is not None and as_of < opens:
        return t("bs.opens_at", language).format(time=f"{opens.astimezone(event.tz):%H:%M}")
    if projection.get("share_fen") is not None and projection["left_fen"] < event.alerts.pool_empty_below_fen:
        return t("bs.spent_today", language)  # the alert rules' line ([alerts] pool_empty_below_fen)
    minutes = projection.get("minutes_left")
    if minutes is None:
        return ""
    enough = outlasts(projection, language)
    if enough:
        return enough
    hours, rest = divmod(int(minutes), 60)
    return t("bs.runs_out_in", language).format(hours=hours, minutes=rest)


def ticker(gifts: pl.DataFrame, event: Event, language: str) -> str:
    rows = "".join(
        f'<li><span class="w">{escape(fmt.clock(r["donated_at"], event.tz))}</span>'
        f'<span class="name">{escape(r["donor_display"])} {escape(t("bs.gave_to", language))} {escape(r["project_name"])}</span>'
        f'<span class="m">{escape(fmt.yuan(r["amount_fen"], language))}</span></li>'
        for r in gifts.head(10).iter_rows(named=True))
    return _scene(t("bs.latest", language), f'<ul class="bs-list bs-gifts bs-two">{rows}</ul>' if rows else _empty(language))


def qr(url: str, event: Event, language: str) -> str:
    import qrcode

    buffer = io.BytesIO()
    qrcode.make(url, border=2, box_size=12).save(buffer)
    code = (f'<img class="bs-code" alt="{escape(t("bs.qr_alt", language))}" '
            f'src="{fmt.png_src(buffer.getvalue())}"/>')
    sponsors = event.bigscreen.sponsors_en if english(language) else event.bigscreen.sponsors_zh
    thanks = (f'<div class="bs-sponsors">{escape(t("bs.thanks", language))}<br/>'
              + "<br/>".join(escape(s) for s in sponsors) + "</div>") if sponsors else ""
    return (f'<div class="bs-qr">{code}<div><div class="bs-title">{escape(t("bs.scan", language))}</div>'
            f'<div class="bs-url">{escape(url)}</div>{thanks}</div></div>')


def countdown(now: dt.datetime, event: Event, language: str) -> str | None:
    """Time left to the light show, on its evening until it ends (None otherwise)."""
    show = event.light_show
    if show is None or now.astimezone(event.tz).date() != show.starts_at.astimezone(event.tz).date() \
            or now >= show.ends_at:
        return None
    name = pick(show.name_zh, show.name_en, language)
    seconds = int((show.starts_at - now).total_seconds())
    if seconds <= 0:
        return f'<div class="bs-title">{escape(name)}</div><div class="bs-count">{escape(t("bs.on_now", language))}</div>'
    hours, rest = divmod(seconds, 3600)
    place = pick(show.place_zh, show.place_en, language)
    return (f'<div class="bs-title">{escape(name)} {escape(t("bs.starts_in", language))}</div>'
            f'<div class="bs-count">{hours:02d}:{rest // 60:02d}:{rest % 60:02d}</div>'
            f'<div class="bs-sub">{show.starts_at.astimezone(event.tz):%H:%M}{" · " + escape(place) if place else ""}</div>')


def districts(frame_: pl.DataFrame, relief_png: str, language: str) -> str:
    """The relief map beside the five leading districts and their figures."""
    leaders = frame_.sort(["raised_fen", "district_adcode"], descending=[True, False]).head(5)
    rows = "".join(
        f'<li><span class="n">{i}</span><span class="name">{escape(pick(r["name"], r["name_en"], language))}</span>'
        f'<span class="m">{escape(fmt.yuan(r["raised_fen"], language))}</span></li>'
        for i, r in enumerate(leaders.filter(pl.col("raised_fen") > 0).iter_rows(named=True), start=1))
    name = t("chart.about.map", language).format(measure=t("raised", language), n=frame_.height)
    image = f'<div class="bs-relief"><img alt="{escape(name)}" src="data:image/png;base64,{relief_png}"/></div>'
    return _scene(t("bs.districts", language), f'<div class="bs-map">{image}<ul class="bs-list">{rows}</ul></div>')


def title_card(event: Event, language: str) -> str:
    """Before any data: the event's name, dates and organiser."""
    name = pick(event.name_zh, event.name_en, language)
    days = event.days
    dates = t("bs.dates", language).format(year=days[0].year, month=days[0].month, day=days[0].day,
                                           last_month=days[-1].month, last_day=days[-1].day,
                                           month_name=f"{days[-1]:%B}") if days else ""
    organiser = pick(event.organiser_zh, event.organiser_en, language)
    return (f'<div class="bs-card"><div class="bs-big" style="--em:{_em(name) * _EM_SAFETY:.2f}">{escape(name)}</div>'
            f'<div class="bs-sub">{escape(dates)} · {escape(organiser)}</div>'
            f'<div class="bs-sub">{escape(t("bs.coming_soon", language))}</div></div>')


def celebration(level_fen: int, raised_fen: int, language: str) -> str:
    """The milestone passed, and beneath it the exact total of this version: the card holds
    the screen for `celebrate_seconds`, and the newest total must never be off it that long."""
    amount = fmt.yuan(level_fen, language)
    figure, _, _ = hero_figure(raised_fen, language)
    return (f'<div class="bs-card bs-celebrate"><div class="bs-title">{escape(t("bs.passed", language))}</div>'
            f'<div class="bs-big" style="--em:{_em(amount) * _EM_SAFETY:.2f}">{escape(amount)}</div>'
            f'<div class="bs-sub">{escape(t("bs.raised", language))} '
            f'<b class="bs-total" data-fen="{int(raised_fen)}">{figure}</b></div>'
            f'<div class="bs-sub">{escape(t("bs.thank_you", language))}</div></div>')


def scene_html(scene: str, figures: dict, event: Event, language: str, *, now: dt.datetime,
               qr_url: str, relief_png: str) -> str | None:
    """A scene's body from the figures of one version (None: nothing to show now)."""
    if scene == "hero":
        return hero(figures["totals"], figures["pace"], language)
    if scene == "top10":
        return top10(figures["board"], language)
    if scene == "funds":
        return funds(figures["pools"], figures["projections"], event, language)
    if scene == "categories":
        return categories(figures["categories"], language)
    if scene == "ticker":
        return ticker(figures["gifts"], event, language)
    if scene == "qr":
        return qr(qr_url, event, language)
    if scene == "countdown":
        return countdown(now, event, language)
    if scene == "map":
        return districts(figures["districts"], relief_png, language)
    return None
