"""What goes on air: a big-screen frame for a scene, a version and a moment.

The kiosk page and the director's thumbnails compose frames here, so a thumbnail is the
same HTML the screen shows. Figures, scene bodies and the relief image are built once per
version and process (`memo.once`) and shared by every screen.
"""

from __future__ import annotations

import base64
import datetime as dt
import time

from givingday import director
from givingday.event import Event
from givingday.ui import bigscreen as bs
from givingday.ui import data, maps, memo
from givingday.ui import format as fmt
from givingday.ui.i18n import t

SPECIAL = ("title", "celebrate")  # frames that are not scenes of a playlist
CORRECTION_SECONDS = 60  # how long the screens say that the total fell


def figures(event: Event, version: int) -> dict:
    """Every figure the scenes show, read once per version (and the milestone noted): all of
    them that version's own (`data.exact`), since they are kept as that version's. A version
    that cannot be read raises `data.Unavailable`, and nothing is kept for it."""
    def read() -> dict:
        found = {
            "version": version,
            "totals": data.exact("totals", version).row(0, named=True),
            "pace": data.exact("pace", version).row(0, named=True),
            "board": data.exact("board_projects", version),
            "categories": data.exact("categories", version),
            "pools": data.exact("pools", version),
            "projections": {r["pool_id"]: r for r in data.exact("pool_projection", version).iter_rows(named=True)},
            "gifts": data.exact("latest_gifts_all", version),
            "districts": data.exact("districts", version),
            "milestone": _milestone(event, version),
            "correction": _first(data.exact("corrections", version)),
        }
        return found
    return memo.once(("bigscreen.figures", str(data.warehouse().root), version), read)


def _milestone(event: Event, version: int) -> dict | None:
    """The last round figure the total reached ({version, published_at, level_fen}), a fact of
    the versions' history (every replica and restarted screen agrees), or None."""
    every = event.bigscreen.milestone_every_fen
    return _first(data.exact("screens/milestone", version, every=every)) if every > 0 else None


def _first(frame) -> dict | None:
    return frame.row(0, named=True) if frame.height else None


def _lately(moment: dt.datetime, seconds: float) -> bool:
    """Within `seconds` after `moment`, a publication (real time: a rehearsal clock does not
    move when a version was published)."""
    return 0 <= time.time() - moment.timestamp() < seconds


def celebrating(event: Event, version: int | None) -> int | None:
    """The milestone (fen) to celebrate now: for `celebrate_seconds` after the version that
    reached it was published."""
    crossed = figures(event, version)["milestone"] if version is not None else None
    return crossed["level_fen"] if crossed and _lately(crossed["published_at"], event.bigscreen.celebrate_seconds) \
        else None


def correcting(event: Event, version: int) -> int | None:
    """How much the total fell (fen) in a correction recorded in the last minute, or None: a
    total never falls silently. From the versions' `corrections`, so every screen says it,
    a screen opened after the fall included."""
    fell = figures(event, version)["correction"]
    return -fell["change_fen"] if fell and _lately(fell["recorded_at"], CORRECTION_SECONDS) else None


def qr_url(event: Event, page_url: str | None) -> str:
    """Where the QR code sends the crowd: this server (or the configured address) and the
    configured page, /live by default (plain HTML, light for a crowd of phones)."""
    here = (page_url or "").split("/bigscreen")[0].split("/staff")[0]
    base = here + "/" if here.startswith("http") and "127.0.0.1" not in here and "localhost" not in here \
        else event.bigscreen.public_url or here
    return base.rstrip("/") + "/" + event.bigscreen.qr_page


def _relief(event: Event, version: int) -> str:
    """The 3D district image of a version, drawn once and served to every screen."""
    def draw() -> str:
        return base64.b64encode(maps.district_relief_png(data.exact("districts", version), event, "raised_fen")).decode()
    return memo.once(("bigscreen.relief", str(data.warehouse().root), version, event.id), draw)


def body(scene: str, event: Event, version: int, language: str, now: dt.datetime, url: str) -> str | None:
    """A scene's body at this moment (None: it has nothing to show now)."""
    found = figures(event, version)
    as_of = found["totals"]["as_of"]
    def build() -> str | None:
        return bs.scene_html(scene, found, event, language, now=now if scene == "countdown" else as_of,
                             qr_url=url, relief_png=_relief(event, version) if scene == "map" else "")
    if scene == "countdown":  # the only scene that changes between versions
        return build()
    return memo.once(("bigscreen.scene", str(data.warehouse().root), version, scene, language, url), build)


def _lane(event: Event, version: int, language: str) -> list[str]:
    found = figures(event, version)
    return memo.once(("bigscreen.lane", str(data.warehouse().root), version, language),
                     lambda: bs.lane_items(found["gifts"], found["milestone"], event, language))


def available(event: Event, now: dt.datetime) -> set[str]:
    """The scenes with something to show at this moment."""
    return {s for s in director.SCENES if s != "countdown" or bs.countdown(now, event, "zh")}


def compose(scene: str, event: Event, version: int | None, language: str, now: dt.datetime, *,
            url: str, lane: bool = True, flags: str = "", overscan: float | None = None,
            level_fen: int | None = None) -> tuple[str, list[str] | None]:
    """The whole frame (HTML) of a scene and its lane's items (None: no lane)."""
    if version is None or scene == "title":
        return bs.frame("title", bs.title_card(event, language), event, language, overscan=overscan), None
    found = figures(event, version)
    totals = found["totals"]
    content = bs.celebration(level_fen or 0, totals["raised_fen"], language) if scene == "celebrate" else \
        body(scene, event, version, language, now, url)
    items = _lane(event, version, language) if lane and scene != "ticker" else None
    stamp = t("bs.as_of", language).format(time=fmt.local_time(totals["as_of"], event.tz, language))
    return bs.frame(scene, content or "", event, language, stamp=stamp, flags=flags, lane=items,
                    overscan=overscan, version=found["version"]), items
