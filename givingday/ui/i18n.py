"""Words on the screens, from one catalogue per language (gettext .po files in locale/).

Chinese is the default, `?lang=en` English (kept across pages), `?lang=zh-Hant` a partial
Traditional Chinese catalogue whose missing entries fall back to Chinese. A third language is one more
.po file in locale/ (named by its code). Every word a page shows is a key here: no page
or UI module holds CJK text or chooses between languages itself (a test enforces it).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

FALLBACK = "zh"  # the default language; a key missing from a catalogue is shown from this one
LOCALE_DIR = Path(__file__).with_name("locale")
WESTERN = "western"  # the catalogue's `conventions` for English names and figures
HTML_LANG = {"zh": "zh-CN"}  # <html lang> where it is not the catalogue's own code


def languages() -> tuple[str, ...]:
    """Every language with a catalogue file in locale/ (zh first)."""
    return _languages(str(LOCALE_DIR))


@cache
def _languages(folder: str) -> tuple[str, ...]:
    return (FALLBACK, *sorted(p.stem for p in Path(folder).glob("*.po") if p.stem != FALLBACK))


@cache
def catalogue(language: str) -> dict[str, str]:
    """Key -> text of one language, from locale/<language>.po (gettext, read with Babel)."""
    from babel.messages.pofile import read_po

    with open(LOCALE_DIR / f"{language}.po", "rb") as f:
        return {message.id: message.string for message in read_po(f) if message.id and message.string}


def lang() -> str:
    """The reader's language: ?lang= wins, then what this session chose, else Chinese."""
    chosen = st.query_params.get("lang") or st.session_state.get("lang") or "zh"
    chosen = chosen if chosen in languages() else FALLBACK
    st.session_state["lang"] = chosen
    if chosen != FALLBACK:
        st.query_params["lang"] = chosen  # keep it in the URL when moving between pages
    return chosen


def t(key: str, language: str | None = None) -> str:
    """The text of a key in this language (else in the fallback language)."""
    language = language or lang()
    text = catalogue(language if language in languages() else FALLBACK).get(key)
    return text if text is not None else catalogue(FALLBACK)[key]


def both(key: str, **values) -> str:
    """Chinese and English side by side, as the staff console labels things (both texts, one space)."""
    return f"{t(key, 'zh').format(**values)} {t(key, 'en').format(**values)}"


def lang_query(language: str) -> str:
    """The query string that keeps a link in this language ("" for Chinese, the default)."""
    return "" if language == FALLBACK else f"?lang={language}"


def html_lang(language: str) -> str:
    """The value of <html lang> for this language."""
    return HTML_LANG.get(language, language if language in languages() else HTML_LANG[FALLBACK])


def column(name: str, language: str) -> str:
    """The column of a query result that holds a name in this language: name / name_en."""
    return f"{name}_en" if english(language) else name


def english(language: str) -> bool:
    """Whether the language reads the data's English names and Western figures (¥, M/K,
    "4 May") rather than Chinese ones (yi/wan): its catalogue says which (`conventions`), so a
    new language is still one file, and a partial one inherits Chinese conventions."""
    return t("conventions", language) == WESTERN


def pick(zh: str | None, en: str | None, language: str) -> str:
    """The right one of a pair of names from the data (falls back to Chinese)."""
    return (en or zh or "") if english(language) else (zh or "")
