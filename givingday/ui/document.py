"""What the browser says a page is: its <title> (the page's name, then the event's) and its
<html lang> (zh-CN, en, zh-Hant), so a screen reader reads it with the right language's rules
(WCAG 3.1.1) and every tab and bookmark names its page (2.4.2); the main landmark named after
the page and the navigation named; and figures that Streamlit cannot name (its maps) named.
Streamlit serves one HTML shell for every page, so this is done in the page by two small
components."""

from __future__ import annotations

import streamlit as st

from givingday.event import Event
from givingday.ui.i18n import FALLBACK, catalogue, html_lang, pick, t

UI = "ui:"

# Streamlit's own controls (table toolbars, chart menus, the map's buttons) carry English
# labels and no API to change them: the ones the catalogue lists (msgid "ui:<English>") are
# said in the page's language, now and whenever Streamlit draws them again.
_JS = """
const SAID = ['aria-label', 'title', 'placeholder'];
const WRITTEN = '[data-testid=stSkipToContent]';  // controls whose English is their text
function translate(root, words) {
  if (!root.querySelectorAll) return;
  for (const element of [root, ...root.querySelectorAll('[aria-label],[title],[placeholder]')]) {
    for (const name of SAID) {
      const value = element.getAttribute(name);
      if (value && words[value] && words[value] !== value) element.setAttribute(name, words[value]);
    }
  }
  for (const element of [root, ...root.querySelectorAll(WRITTEN)].filter((e) => e.matches(WRITTEN))) {
    const text = element.textContent.trim();
    if (words[text] && words[text] !== text) element.textContent = words[text];
  }
}
export default function ({ data }) {
  if (!data) return;
  document.documentElement.lang = data.lang;
  if (data.title) document.title = data.title;
  const main = document.querySelector('[data-testid=stMain]');
  if (main && data.main) main.setAttribute('aria-label', data.main);
  const words = { ...data.words, 'App pages': data.nav };
  const state = (window.__gdWords = window.__gdWords || {});
  state.words = words;
  translate(document.body, words);
  if (!state.watching) {
    state.watching = new MutationObserver((changes) => {
      for (const change of changes) {
        if (change.type === 'attributes') translate(change.target, state.words);
        else change.addedNodes.forEach((node) => translate(node, state.words));
      }
    });
    state.watching.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: SAID });
  }
}
"""
_declare = st.components.v2.component("givingday.document", js=_JS, isolate_styles=False)

# Names a figure Streamlit draws without one (a deck.gl map's canvas says "Map", in English):
# the canvases inside the keyed container get the name, now and whenever the map redraws.
_NAME_JS = """
export default function ({ data, parentElement }) {
  const box = data && parentElement.closest('.st-key-' + data.box);
  if (!box) return;
  const apply = () => box.querySelectorAll('canvas[aria-label]').forEach((canvas) => {
    if (canvas.getAttribute('aria-label') !== data.name) canvas.setAttribute('aria-label', data.name);
  });
  apply();
  const watching = new MutationObserver(apply);
  watching.observe(box, { subtree: true, childList: true });
  return () => watching.disconnect();
}
"""
_name = st.components.v2.component("givingday.figure_name", js=_NAME_JS, isolate_styles=False)


def declare(page_name: str, event: Event, language: str, key: str = "givingday-document") -> None:
    """Name the page in its title and declare its language (once a run)."""
    title = f"{page_name} · {pick(event.name_zh, event.name_en, language)}"
    st.set_page_config(page_title=title)
    _declare(data={"lang": html_lang(language), "title": title, "main": page_name, "nav": t("a11y.pages", language),
                   "words": streamlit_words(language)}, key=key)


def streamlit_words(language: str) -> dict[str, str]:
    """Streamlit's English control labels and what the page's language calls them."""
    return {key.removeprefix(UI): t(key, language) for key in catalogue(FALLBACK) if key.startswith(UI)}


def named_figure(key: str, name: str, draw):
    """`draw()` inside a container whose figure (a map) screen readers hear as `name`;
    returns what `draw()` returns (a map's selection)."""
    with st.container(key=key):
        drawn = draw()
        _name(data={"box": key, "name": name}, key=f"{key}-name")
    return drawn
