"""One catalogue for every word on screen: no CJK literal and no language choice in pages/
or givingday/ui/ outside the catalogues; every key a screen asks for exists; English is
complete; a partial catalogue (zh-Hant) falls back to Chinese; placeholders agree."""

import ast
import re
from pathlib import Path

import pytest

from givingday.ui import i18n

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("givingday/ui/*.py"), ROOT / "app.py"])
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
CHOICE = re.compile(r"""\b(lang|language)\s*[!=]=\s*["'](zh|en|zh-Hant)["']""")
KEY_CALL = re.compile(r"""(?:(?<![.\w])t|page\.t|both)\(\s*["']([a-z_0-9.]+)["']""")
PLACEHOLDER = re.compile(r"\{(\w+)")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_cjk_text_or_language_choice_outside_the_catalogues(path):
    source = path.read_text(encoding="utf-8")
    literals = [(node.lineno, node.value[:40]) for node in ast.walk(ast.parse(source))
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value)]
    assert literals == [], f"CJK text belongs in givingday/ui/locale/*.po: {literals}"
    if path.name != "i18n.py":
        choices = [number for number, line in enumerate(source.splitlines(), 1) if CHOICE.search(line)]
        assert choices == [], f"choose words through the catalogue (i18n.t), not by language, at lines {choices}"


def test_every_key_a_screen_asks_for_is_in_the_chinese_catalogue():
    asked = {key for path in SOURCES for key in KEY_CALL.findall(path.read_text(encoding="utf-8"))}
    missing = sorted(key for key in asked if key not in i18n.catalogue("zh"))
    assert missing == []


def test_english_is_complete_and_the_placeholders_agree():
    zh, en = i18n.catalogue("zh"), i18n.catalogue("en")
    assert sorted(set(zh) - set(en)) == [] and sorted(set(en) - set(zh)) == []
    for language in ("en", "zh-Hant"):
        for key, text in i18n.catalogue(language).items():
            assert key in zh, f"{language} has a key Chinese lacks: {key}"
            assert set(PLACEHOLDER.findall(text)) <= set(PLACEHOLDER.findall(zh[key])) | set(PLACEHOLDER.findall(en[key])), key


def test_a_partial_catalogue_falls_back_to_chinese():
    hant = i18n.catalogue("zh-Hant")
    assert 0 < len(hant) < len(i18n.catalogue("zh"))
    assert i18n.t("nav.overview", "zh-Hant") == "總覽"
    missing = next(key for key in i18n.catalogue("zh") if key not in hant)
    assert i18n.t(missing, "zh-Hant") == i18n.t(missing, "zh")
    assert i18n.html_lang("zh-Hant") == "zh-Hant" and i18n.lang_query("zh-Hant") == "?lang=zh-Hant"


def test_a_third_language_is_one_catalogue_file(tmp_path, monkeypatch):
    (tmp_path / "zh.po").write_bytes((i18n.LOCALE_DIR / "zh.po").read_bytes())
    (tmp_path / "fr.po").write_text('msgid ""\nmsgstr ""\n"Language: fr\\n"\n\nmsgid "nav.overview"\nmsgstr "Aperçu"\n',
                                    encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.catalogue.cache_clear()
    try:
        assert i18n.languages() == ("zh", "fr")
        assert i18n.t("nav.overview", "fr") == "Aperçu" and i18n.t("nav.boards", "fr") == "排行榜"
        assert i18n.html_lang("fr") == "fr" and i18n.lang_query("fr") == "?lang=fr"
    finally:
        i18n.catalogue.cache_clear()
