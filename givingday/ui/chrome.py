"""What every public page shares: language, the pinned version, the "as of" stamp, live
updates, phone-first styling, and an error boundary so no reader ever sees a traceback."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from givingday.alerts import minutes_stale
from givingday.event import Event, load_event
from givingday.ui import admission, data, document, router
from givingday.ui import format as fmt
from givingday.ui.i18n import lang, t

LIVE_CHECK_SECONDS = 3  # a new version on screen within 10 s: this check, then a rerun under load
log = logging.getLogger("givingday.ui")

FOCUS_CSS = (Path(__file__).parent / "assets" / "focus.css").read_text(encoding="utf-8")
# the focus ring is also in the app shell itself (api/static_bundle.py), so it is there before
# the first element a keyboard can reach; here for AppTest and `streamlit run app.py`
CSS = """
<style>
{focus}/* phone first: the page never scrolls sideways; tables and charts scroll inside themselves */
html, body, [data-testid="stAppViewContainer"], [data-testid="stMain"] { overflow-x: hidden; }
.block-container, [data-testid="stMainBlockContainer"] {
  padding: 3.8rem 0.9rem 3rem; max-width: 1180px; }
[data-testid="stVerticalBlock"] > div { max-width: 100%; }
.gd-label { font-size: 0.9rem; color: #4a4a4a; margin: 0; }
.gd-hero { font-size: clamp(2.4rem, 11vw, 4.2rem); font-weight: 750; line-height: 1.05;
  color: #1b1b1b; letter-spacing: -0.02em; margin: 0.1rem 0 0.2rem; font-variant-numeric: tabular-nums; }
.gd-split { font-size: 1rem; color: #333; margin-bottom: 0.4rem; }
.gd-split b { font-variant-numeric: tabular-nums; }
.gd-public { color: #0072B2; } .gd-matched { color: #A04000; }
.gd-stamp { font-size: 0.85rem; color: #3d3d3d; margin: 0.2rem 0 0.8rem; }
.gd-stamp.stale { color: #A00020; font-weight: 600; }
.gd-note { font-size: 0.85rem; color: #3d3d3d; background: #FFF4E5; border-left: 4px solid #D55E00;
  padding: 0.4rem 0.6rem; margin: 0.3rem 0 0.8rem; }
.gd-kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(9.5rem, 1fr)); gap: 0.6rem;
  margin: 0.4rem 0 0.8rem; }
.gd-kpi { background: #F6F7F9; border-radius: 0.6rem; padding: 0.55rem 0.7rem; }
.gd-kpi .v { font-size: 1.35rem; font-weight: 700; font-variant-numeric: tabular-nums; color: #1b1b1b; }
.gd-kpi .l { font-size: 0.8rem; color: #4a4a4a; }
.gd-bar { height: 0.7rem; background: #E3E6EA; border-radius: 0.35rem; overflow: hidden; }
.gd-bar > span { display: block; height: 100%; background: #0072B2; }
.gd-swatch { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 0.2rem;
  margin-right: 0.35rem; vertical-align: -0.05rem; }
.gd-legend { font-size: 0.85rem; color: #333; line-height: 1.7; }
.gd-up { color: #00734D; } .gd-down { color: #A00020; }
@media (max-width: 640px) { .gd-kpi .v { font-size: 1.15rem; } h1 { font-size: 1.6rem !important; } }
</style>
""".replace("{focus}", FOCUS_CSS)


@dataclass(frozen=True)
class Page:
    """What a page knows: who reads (language), which version it shows, and when."""
    lang: str
    version: int
    event: Event
    now: dt.datetime

    def query(self, name: str, **params):
        return data.query(name, self.version, **params)

    def t(self, key: str) -> str:
        return t(key, self.lang)


def start(title_key: str, declare: bool = True) -> Page:
    """Set up a public page; stops with a friendly note when there is no data yet. With
    `declare=False` the page names itself (`document.declare`, once a run) when it knows more."""
    router.through_router()
    language = lang()
    admission.admit(language)
    st.html(CSS)
    event = load_event()
    if declare:
        document.declare(t(title_key, language), event, language)
    st.title(t(title_key, language), anchor=False)
    version = data.published_version()
    if version is None:
        st.info(t("no_data", language))
        watch_version(None)
        st.stop()
    return Page(language, version, event, dt.datetime.now(event.tz))


@st.fragment(run_every=LIVE_CHECK_SECONDS)
def watch_version(shown: int | None) -> None:
    """Re-render the page, once, when a new version is published (no reload, no flash)."""
    if data.published_version() != shown:
        st.rerun(scope="app")


def stamp(page: Page) -> None:
    """"Data as of 28 Apr 17:05 · updated 12 s ago" (as_of, stamp.updated) — the colour turns when
    data is stale. The stamp names the version its figures were read from (`data-version`): the
    page's own, or, when that could not be read, the earlier one whose figures are shown."""
    try:
        totals_frame, served = data.read("totals", page.version)
        manifest = data.manifest(served)
    except data.Unavailable:
        return
    totals = totals_frame.row(0, named=True)
    as_of = totals["as_of"]
    published = dt.datetime.fromisoformat(manifest.published_at) if manifest and manifest.published_at else None
    stale = minutes_stale(manifest, page.event, page.now) is not None
    updated = t("stamp.updated", page.lang).format(age=fmt.age(published, page.now, page.lang)) if published else ""
    text = f"{t('as_of', page.lang)} {fmt.local_time(as_of, page.event.tz, page.lang)}"
    if updated:
        text += f" · {updated}"
    if stale:
        text += f" · {t('stale', page.lang)}"
    # data-version: which version is on screen, for the live replay's latency measurement
    st.html(f'<p class="gd-stamp{" stale" if stale else ""}" data-version="{served}">{text}</p>')
    st.session_state[_STALE_SLOT] = st.empty()  # filled by finish() if any figure of the run was an earlier one's


_STALE_SLOT = "_gd_stale_slot"


def _say_if_stale(page: Page) -> None:
    """Under the stamp: some figures of this run came from an earlier version (which one)."""
    slot = st.session_state.pop(_STALE_SLOT, None)
    served = data.stale_version()
    if slot is not None and served is not None:
        slot.html(f'<p class="gd-note" data-stale-version="{served}">{t("query_failed", page.lang)}</p>')


def section(render):
    """Run one part of a page; if its data is unavailable, say so briefly and go on."""
    @functools.wraps(render)
    def guarded(page: Page, *args, **kwargs):
        try:
            return render(page, *args, **kwargs)
        except data.Unavailable:
            st.info(t("unavailable", page.lang))
        except Exception:  # noqa: BLE001 - the public never sees a traceback
            log.exception("section %s failed", render.__name__)
            st.info(t("unavailable", page.lang))
    return guarded


def finish(page: Page) -> None:
    _say_if_stale(page)
    watch_version(page.version)
