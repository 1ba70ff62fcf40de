"""Small HTML pieces the pages share: the hero figure, figure tiles, progress bars, legends,
links to project pages. Text that comes from data is escaped."""

from __future__ import annotations

from html import escape

import streamlit as st

from givingday.ui import format as fmt
from givingday.ui import router
from givingday.ui.i18n import html_lang, lang_query, t

PROJECTS_PAGE = "pages/projects.py"


def hero(label: str, value: str, split_html: str = "") -> None:
    st.html(f'<p class="gd-label">{escape(label)}</p><p class="gd-hero">{escape(value)}</p>'
            + (f'<p class="gd-split">{split_html}</p>' if split_html else ""))


def public_matched_split(public_fen: int, matched_fen: int, language: str) -> str:
    return (f'{t("public", language)} <b class="gd-public">{fmt.yuan(public_fen, language)}</b> · '
            f'{t("matched", language)} <b class="gd-matched">{fmt.yuan(matched_fen, language)}</b>')


def tiles(items: list[tuple[str, str]]) -> None:
    """A responsive grid of (label, value) figures."""
    cells = "".join(f'<div class="gd-kpi"><div class="l">{escape(label)}</div><div class="v">{escape(value)}</div></div>'
                    for label, value in items)
    st.html(f'<div class="gd-kpis">{cells}</div>')


def progress(fraction: float, colour: str = "#0072B2", label: str = "") -> None:
    width = max(0.0, min(1.0, fraction)) * 100
    st.html(f'<div class="gd-bar" role="img" aria-label="{escape(label)}">'
            f'<span style="width:{width:.1f}%;background:{colour}"></span></div>')


def swatch_legend(items: list[tuple[str, str]]) -> None:
    """(css colour, label) pairs."""
    st.html('<div class="gd-legend">' + "<br/>".join(
        f'<span class="gd-swatch" style="background:{colour}"></span>{escape(label)}' for colour, label in items)
        + "</div>")


def outlasts(projection: dict, language: str) -> str | None:
    """The words for a pool whose money outlasts its day (a daily share) or the event (the
    query's `lasts`, while money is being paid), else None: the one rule for /funds and the
    big screen, so no screen projects a run-out time past the pool's own end."""
    if not projection.get("lasts") or projection.get("minutes_left") is None:
        return None
    return t("funds.enough_today" if projection.get("share_fen") is not None else "funds.enough_to_end", language)


def rank_move(change: int | None) -> str:
    if change is None or change == 0:
        return "–"
    return f"▲{change}" if change > 0 else f"▼{-change}"


def project_params(project_id: str, language: str) -> dict[str, str]:
    """The query of a project's page, in the reader's language."""
    return {"project": project_id} | ({"lang": language} if lang_query(language) else {})


def project_link(project_id: str, name: str, language: str, prefix: str = "") -> None:
    st.page_link(router.page(PROJECTS_PAGE, language), label=f"{prefix}{name}", query_params=project_params(project_id, language))


def project_opener(projects: dict[str, str], language: str, key: str) -> None:
    """Open one of `projects` (id -> name, in the list's order) by choosing it: the keyboard's
    and the screen reader's way into a table whose link column only takes a pointer."""
    chosen = st.selectbox(t("open_project", language), list(projects), index=None, key=key,
                          format_func=projects.get, placeholder=t("open_project_hint", language))
    if chosen:
        st.switch_page(router.page(PROJECTS_PAGE, language), query_params=project_params(chosen, language))


def written_in(text: str, source: str, language: str) -> str:
    """`text`, written in `source` (the queries' own English descriptions), as HTML marked with
    its language when it differs from the page's, so a screen reader switches voice (WCAG 3.1.2)."""
    if html_lang(source) == html_lang(language):
        return escape(text)
    return f'<span lang="{html_lang(source)}">{escape(text)}</span>'


def correction_note(text: str) -> None:
    st.html(f'<p class="gd-note">{escape(text)}</p>')
