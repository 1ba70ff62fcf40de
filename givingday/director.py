"""What each big screen puts on air, decided by a director and shared by every server process.

A kiosk is named by its URL (`/bigscreen?screen=main`) and plays its URL's playlist until the
director (staff console, signed in, audited) gives it another: a playlist (scenes, order,
seconds each) or a "take" (one scene, now), for one screen or for all (`*`). Clearing a
screen gives it back its URL's playlist. Orders and the screens' check-ins (what each shows,
when it last asked) are small JSON files in the staff state folder (`staff.StateFile`:
whole-file writes, flock), so every replica behind nginx plays the same orders, and they
outlive a restart.

The scene on air is a function of the clock and the playlist, never of a screen's history:
two kiosks with one playlist show the same scene at the same second, and a restarted kiosk
resumes where the playlist is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from givingday import clock, staff

SCENES = ("hero", "top10", "map", "funds", "categories", "ticker", "qr", "countdown")
ALL = "*"
SCREEN_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
ORDERS, SCREENS = "director.json", "screens.json"
SECONDS = (3, 600)  # the shortest and longest time a scene may stay on air in a playlist
CHECK_IN_EVERY_S = 5


class OrderError(ValueError):
    """A director's order that cannot be carried out (unknown scene, bad name or seconds)."""


@dataclass(frozen=True)
class Playlist:
    """Scenes in order with the seconds each stays on air; `source` says who chose it."""
    items: tuple[tuple[str, int], ...]
    source: str = "url"  # "url", "director" (a playlist) or "take" (one scene now)

    @property
    def cycle(self) -> int:
        return sum(seconds for _, seconds in self.items)

    def on_air(self, at_seconds: float, available: set[str]) -> str:
        """The scene on air at this moment among those that have something to show; a list
        with nothing to show now falls back to the hero."""
        items = [(scene, seconds) for scene, seconds in self.items if scene in available]
        if not items:
            return "hero"
        position = at_seconds % sum(seconds for _, seconds in items)
        for scene, seconds in items:
            if position < seconds:
                return scene
            position -= seconds
        return items[-1][0]

    def as_dict(self) -> dict:
        return {"items": [list(item) for item in self.items], "source": self.source}


def screen_name(text: str | None) -> str | None:
    """The screen's name from its URL, or None when it has none (or an unusable one)."""
    text = (text or "").strip().lower()
    return text if SCREEN_NAME.match(text) else None


def playlist(items, source: str) -> Playlist:
    """A checked playlist from [(scene, seconds), ...]; raises OrderError."""
    checked = []
    for scene, seconds in items:
        if scene not in SCENES:
            raise OrderError(f"unknown scene {scene!r}; scenes are {', '.join(SCENES)}")
        if not SECONDS[0] <= int(seconds) <= SECONDS[1]:
            raise OrderError(f"{scene}: {seconds} s is outside {SECONDS[0]}-{SECONDS[1]} s")
        checked.append((scene, int(seconds)))
    if not checked:
        raise OrderError("a playlist needs at least one scene")
    return Playlist(tuple(checked), source)


def _target(screen: str) -> str:
    if screen != ALL and screen_name(screen) != screen:
        raise OrderError(f"screen names are 1-32 lower-case letters, digits, - or _ (got {screen!r})")
    return screen


def orders() -> dict[str, dict]:
    """Screen name (or `*`) -> the director's order for it."""
    return staff.StateFile(ORDERS).read()


def _order(screen: str, chosen: Playlist, user: str, action: str) -> None:
    screen = _target(screen)
    record = {**chosen.as_dict(), "by": user, "at": _now_iso()}
    with staff.StateFile(ORDERS).update() as document:
        if screen == ALL and action == "take":
            document.clear()  # a take for all screens overrides every screen's own order
        document[screen] = record
    staff.audit(f"director_{action}", user, {"screen": screen, "scenes": [list(i) for i in chosen.items]})


def set_playlist(screen: str, items, user: str) -> None:
    _order(screen, playlist(items, "director"), user, "playlist")


def take(screen: str, scene: str, user: str) -> None:
    """Put one scene on air now (it stays until cleared or replaced)."""
    _order(screen, playlist([(scene, SECONDS[1])], "take"), user, "take")


def clear(screen: str, user: str) -> None:
    """Give a screen (or, for `*`, every screen) back its URL's playlist."""
    screen = _target(screen)
    with staff.StateFile(ORDERS).update() as document:
        if screen == ALL:
            document.clear()
        else:
            document.pop(screen, None)
    staff.audit("director_clear", user, {"screen": screen})


def playing(screen: str | None, own: Playlist, current: dict[str, dict] | None = None) -> Playlist:
    """What a screen plays: the director's order for it, else the order for all screens,
    else its URL's playlist."""
    current = orders() if current is None else current
    for key in ([screen] if screen else []) + [ALL]:
        if key in current:
            order = current[key]
            try:
                return playlist(order["items"], order.get("source", "director"))
            except (OrderError, KeyError, TypeError, ValueError):
                continue  # an unreadable order never blanks a screen
    return own


def check_in(screen: str, shown: dict) -> None:
    """A screen reports what it shows (scene, version, language, size) and when."""
    with staff.StateFile(SCREENS).update() as document:
        document[screen] = {**shown, "at": _now_iso()}


def screens() -> dict[str, dict]:
    """Screen name -> its last check-in."""
    return staff.StateFile(SCREENS).read()


def forget(screen: str, user: str) -> None:
    """Take a retired screen off the director's list (it re-appears if it checks in again)."""
    with staff.StateFile(SCREENS).update() as document:
        document.pop(screen, None)
    staff.audit("director_forget", user, {"screen": screen})


def _now_iso() -> str:
    return dt.datetime.fromtimestamp(clock.seconds(), dt.UTC).isoformat(timespec="milliseconds")
