"""AppTest of every public page on a fixture warehouse: no exception, the key elements,
figures equal to the named queries, no personal data."""

import pytest
from streamlit.testing.v1 import AppTest

from givingday.ui import format as fmt
from tests.helpers import every_tab_open, open_page, query

PAGES = ["pages/overview.py", "pages/boards.py", "pages/categories.py", "pages/districts.py",
         "pages/funds.py", "pages/projects.py", "pages/open_data.py"]
RAW_NAMES = ["张三", "山城小雨", "Lily", "alice", "carol"]  # nicknames and donor keys of the fixture


_open = open_page


def _texts(app: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "subheader", "title", "info") for e in getattr(app, kind)]
    parts += [str(getattr(e, "proto", "")) for e in app.main]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_renders_without_exception_or_unavailable_parts(page, lang, monkeypatch, fixture_warehouse):
    app = _open(monkeypatch, fixture_warehouse, page, **({"lang": "en"} if lang == "en" else {}))
    assert not app.exception
    assert [i.value for i in app.info] == []  # no section fell back to "unavailable"
    for shown in (app, *every_tab_open(app)):  # the open tabs, then every other tab
        assert not shown.exception
        text = _texts(shown)
        for raw in RAW_NAMES:
            assert raw not in text, f"{raw} on {page}"


def test_overview_headline_equals_query_totals(monkeypatch, fixture_warehouse, capsys):
    app = _open(monkeypatch, fixture_warehouse, "pages/overview.py")
    totals = query("totals", fixture_warehouse, capsys)[0]
    html = _texts(app)
    assert fmt.yuan(totals["raised_fen"]) in html
    assert fmt.count(totals["donations"], "unit.gifts") in html


def test_english_overview_uses_english_formatting(monkeypatch, fixture_warehouse, capsys):
    app = _open(monkeypatch, fixture_warehouse, "pages/overview.py", lang="en")
    totals = query("totals", fixture_warehouse, capsys)[0]
    assert fmt.yuan(totals["raised_fen"], "en") in _texts(app)
    assert app.title[0].value == "Overview"


def test_project_page_opens_from_its_url(monkeypatch, fixture_warehouse, capsys):
    app = _open(monkeypatch, fixture_warehouse, "pages/projects.py", project="P1")
    board = {r["project_id"]: r for r in query("board_projects", fixture_warehouse, capsys)}
    assert app.header[0].value == board["P1"]["name"]
    assert fmt.yuan_exact(board["P1"]["raised_fen"]) in _texts(app)
    gifts = app.dataframe[-1].value
    assert set(gifts.iloc[:, 1]) <= {"张*", "爱心网友"}  # masked: bob gave without a nickname


def test_unknown_project_says_so(monkeypatch, fixture_warehouse):
    app = _open(monkeypatch, fixture_warehouse, "pages/projects.py", project="NOPE")
    assert not app.exception
    assert any("没有找到" in i.value for i in app.info)


def test_small_groups_do_not_show_donor_counts(monkeypatch, fixture_warehouse):
    app = _open(monkeypatch, fixture_warehouse, "pages/projects.py", project="P2")  # one donor
    assert "少于3人" in _texts(app)


def test_every_category_is_listed_zeros_included(monkeypatch, fixture_warehouse):
    app = next(every_tab_open(_open(monkeypatch, fixture_warehouse, "pages/categories.py")))  # the tables
    table = app.dataframe[0].value
    assert len(table) == 6  # talent has no project in the fixture and still has its row


def test_data_dictionary_lists_every_named_query(monkeypatch, fixture_warehouse):
    from givingday.queries import named_queries

    app = _open(monkeypatch, fixture_warehouse, "pages/open_data.py")
    text = _texts(app)
    assert all(f"`{name}`" in text for name in named_queries())


@pytest.mark.parametrize("page", PAGES)
def test_empty_warehouse_is_a_friendly_no_data(page, monkeypatch, tmp_path):
    app = _open(monkeypatch, tmp_path / "empty", page)
    assert not app.exception
    assert "暂无数据" in app.info[0].value


def test_district_map_draws_all_38_districts(monkeypatch, fixture_warehouse):
    import json

    app = _open(monkeypatch, fixture_warehouse, "pages/districts.py")
    deck = next(e for e in app.main if e.type == "deck_gl_json_chart")
    spec = json.loads(deck.proto.json)
    features = spec["layers"][0]["data"]["features"]
    assert len(features) == 38
    assert {f["properties"]["adcode"] for f in features} == {d.adcode for d in __import__(
        "givingday.event", fromlist=["load_event"]).load_event().districts}




def _data_names(warehouse, capsys) -> list[str]:
    """Proper names that come from the data and stay Chinese on English pages."""
    names = set()
    for name, columns in (("board_projects", ("name", "org_name")), ("board_orgs", ("name",)),
                          ("latest_gifts_all", ("donor_display", "project_name")), ("pools", ("sponsor",))):
        for row in query(name, warehouse, capsys):
            names |= {row[c] for c in columns if row.get(c)}
    return sorted(names, key=len, reverse=True)


@pytest.mark.parametrize("page", PAGES)
def test_english_pages_have_no_untranslated_chinese(page, monkeypatch, fixture_warehouse, capsys):
    import re

    names = _data_names(fixture_warehouse, capsys)
    app = _open(monkeypatch, fixture_warehouse, page, lang="en")
    text = "\n".join(str(e.value) for kind in ("markdown", "caption", "subheader", "title", "info", "header")
                     for e in getattr(app, kind))
    text += "\n".join(str(b.label) for b in app.button) + "\n".join(str(s.label) for s in app.selectbox)
    for name in names:
        text = text.replace(name, "")
    leftover = re.findall(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+", text)
    assert leftover == [], f"untranslated on {page}?lang=en: {leftover[:10]}"


@pytest.mark.parametrize("page", PAGES)
def test_traditional_chinese_pages_render_with_fallback(page, monkeypatch, fixture_warehouse):
    app = _open(monkeypatch, fixture_warehouse, page, lang="zh-Hant")
    assert not app.exception
    if page == "pages/overview.py":
        assert app.title[0].value == "總覽"  # from zh-Hant.po; the rest falls back to zh


def _html(app: AppTest) -> str:
    return "\n".join(e.proto.body for e in app.main if type(e).__name__ == "Html")


def test_a_version_that_cannot_be_read_is_stamped_with_the_version_its_figures_came_from(monkeypatch, tmp_path):
    # the overview of version 1 is open; version 2's totals fail to read: the page shows
    # version 1's figures, stamped 1 and said to be an earlier version's; once version 2
    # reads, its own figures, stamped 2, and nothing said
    import time

    from givingday import queries
    from givingday.ui import data
    from tests.helpers import at, build_fixture_inbox, gift, ingest, write

    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    build_fixture_inbox(inbox)
    assert ingest(inbox, warehouse)[0] == 0
    app = _open(monkeypatch, warehouse, "pages/overview.py")
    first = queries.run("totals", warehouse=warehouse)["raised_fen"][0]
    assert 'data-version="1"' in _html(app) and fmt.yuan(first) in _html(app)
    write(inbox, "donations", "donations-20220428T110000-000077.parquet", [gift("D-stale-1", "P1", 4_500, at(28, 11))])
    assert ingest(inbox, warehouse)[0] == 0
    readable = data._run

    def unreadable(root, version, name, params):
        if version == 2 and name == "totals":
            raise queries.QueryError("object storage timed out")
        return readable(root, version, name, params)

    monkeypatch.setattr(data, "_run", unreadable)
    time.sleep(data.CURRENT_TTL_S)
    text = _html(app.run())
    assert 'data-version="1"' in text and 'data-stale-version="1"' in text and fmt.yuan(first) in text
    monkeypatch.setattr(data, "_run", readable)
    text = _html(app.run())
    assert 'data-version="2"' in text and "data-stale-version" not in text and fmt.yuan(first + 4_500) in text
