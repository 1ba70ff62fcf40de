"""The theme part of Streamlit's session message, worked out once per server.

Streamlit sends a `new_session` message at the start of every script run, not only of a
session, and fills its six theme sections by walking every `[theme]` config option each
time: about a tenth of the server's CPU for a rerun of the overview (py-spy, one viewer).
The config cannot change while the server runs (no file watcher, `server.fileWatcherType =
"none"`), so each section's result is computed once and copied into every message.
"""

from __future__ import annotations


def apply() -> None:
    from streamlit.proto.NewSession_pb2 import CustomThemeConfig
    from streamlit.runtime import app_session

    original = app_session._populate_theme_msg
    if getattr(original, "givingday_once", False):
        return
    sections: dict[str, bytes] = {}  # two first runs may fill one section twice: the same bytes

    def populate_theme_msg(msg, section: str = "theme") -> None:
        filled = sections.get(section)
        if filled is None:
            fresh = CustomThemeConfig()
            original(fresh, section)
            filled = sections[section] = fresh.SerializeToString()
        if filled:  # an empty section leaves its part of the message unset, as Streamlit does
            msg.MergeFromString(filled)  # only the section's own fields: its sub-sections stay apart

    populate_theme_msg.givingday_once = True
    app_session._populate_theme_msg = populate_theme_msg
