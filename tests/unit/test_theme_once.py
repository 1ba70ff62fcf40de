"""The theme worked out once (givingday/api/theme_once.py) is the theme Streamlit sends."""

import pytest
from streamlit import config
from streamlit.proto.NewSession_pb2 import CustomThemeConfig
from streamlit.runtime import app_session

from givingday.api import theme_once

OPTIONS = {"theme.primaryColor": "#A84300", "theme.light.primaryColor": "#123456",
           "theme.sidebar.backgroundColor": "#F0F0F0"}


@pytest.fixture
def themed(monkeypatch):
    """Theme options in three sections, and Streamlit's own filling back after the test."""
    monkeypatch.setattr(app_session, "_populate_theme_msg", app_session._populate_theme_msg)
    before = {option: config.get_option(option) for option in OPTIONS}
    for option, value in OPTIONS.items():
        config.set_option(option, value)
    yield
    for option, value in before.items():
        config.set_option(option, value)


def _filled(populate) -> bytes:
    """A session message's theme filled as Streamlit fills it: the top section, then each
    sub-section into its own part of the message."""
    theme = CustomThemeConfig()
    populate(theme)
    for part, section in ((theme.light, "theme.light"), (theme.dark, "theme.dark"), (theme.sidebar, "theme.sidebar"),
                          (theme.light.sidebar, "theme.light.sidebar"), (theme.dark.sidebar, "theme.dark.sidebar")):
        populate(part, section)
    return theme.SerializeToString(deterministic=True)


def test_the_theme_sent_is_the_one_streamlit_would_send(themed):
    expected = _filled(app_session._populate_theme_msg)
    assert all(value.encode() in expected for value in OPTIONS.values())
    theme_once.apply()
    assert app_session._populate_theme_msg.givingday_once
    assert _filled(app_session._populate_theme_msg) == expected
    assert _filled(app_session._populate_theme_msg) == expected  # from what was kept
