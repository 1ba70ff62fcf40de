"""What the browser says a page is: its <title> (the page's name, then the event's) and its
<html lang> (zh-CN, en, zh-Hant), so a screen reader reads it with the right language's rules
(WCAG 3.1.1) and every tab and bookmark names its page (2.4.2). Streamlit serves one HTML
shell for every page, so the language is set in the page by a small component."""

from __future__ import annotations

import streamlit as st

from givingday.event import Event
from givingday.ui.i18n import html_lang, pick

_JS = """
export default function ({ data }) {
  if (!data) return;
  document.documentElement.lang = data.lang;
  if (data.title) document.title = data.title;
}
"""
_declare = st.components.v2.component("givingday.document", js=_JS, isolate_styles=False)


def declare(page_name: str, event: Event, language: str, key: str = "givingday-document") -> None:
    """Name the page in its title and declare its language (once a run)."""
    title = f"{page_name} · {pick(event.name_zh, event.name_en, language)}"
    st.set_page_config(page_title=title)
    _declare(data={"lang": html_lang(language), "title": title}, key=key)
