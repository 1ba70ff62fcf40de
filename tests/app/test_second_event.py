"""A second event, from its folder alone (tests/fixtures/events/lishui-2023: another city,
five categories, two other pools and no Tencent pool, matching from 09:00, no light show):
the simulator, ingest, every public page, the big screen and the staff console run on it
with no code change, and nothing of Chongqing leaks onto its screens."""

from pathlib import Path

import pytest

from givingday import staff
from givingday.event import load_event
from givingday.simulate import simulate
from givingday.ui import format as fmt
from tests.app.test_bigscreen import on_air
from tests.app.test_pages import PAGES, _texts
from tests.helpers import ROOT, ingest, open_page, query

EVENTS = ROOT / "tests" / "fixtures" / "events"
CHONGQING_WORDS = ["重庆", "Chongqing", "腾讯配捐", "Tencent match", "江北嘴", "一块走", "市级", "六大类", "10:00"]


@pytest.fixture(autouse=True)
def second_event(monkeypatch, tmp_path):
    monkeypatch.setenv("GIVINGDAY_EVENTS_DIR", str(EVENTS))
    monkeypatch.setenv("GIVINGDAY_EVENT", "lishui-2023")
    monkeypatch.setenv("GIVINGDAY_STAFF_STATE", str(tmp_path / "state"))


@pytest.fixture(scope="module")
def lishui(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("lishui")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GIVINGDAY_EVENTS_DIR", str(EVENTS))
        patch.setenv("GIVINGDAY_EVENT", "lishui-2023")
        simulate(load_event(), root / "inbox", scale=0.02, seed=5)
        assert ingest(root / "inbox", root / "warehouse")[0] == 0
    return root / "warehouse"


def test_the_event_is_another_in_every_way_the_folder_allows():
    event, chongqing = load_event(), load_event("chongqing-2022", ROOT / "data" / "events")
    assert event.region_adcode != chongqing.region_adcode and not set(event.valid_adcodes) & set(chongqing.valid_adcodes)
    assert len(event.categories) == 5 and not {c.code for c in event.categories} & set(chongqing.category_codes)
    assert len(event.pools) == 2 and "tencent" not in event.pool_ids
    assert event.matching_opens_at != chongqing.matching_opens_at and event.light_show is None


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_public_page_runs_on_the_second_event(page, lang, monkeypatch, lishui, capsys):
    app = open_page(monkeypatch, lishui, page, **({"lang": "en"} if lang == "en" else {}))
    assert not app.exception
    assert [i.value for i in app.info] == []
    text = _texts(app)
    for word in CHONGQING_WORDS:
        assert word not in text, f"{word!r} on {page} ({lang})"
    if page == "pages/overview.py":
        assert fmt.yuan(query("totals", lishui, capsys)[0]["raised_fen"], lang) in text


def test_every_big_screen_scene_runs_on_the_second_event(monkeypatch, lishui, capsys):
    raised = query("totals", lishui, capsys)[0]["raised_fen"]
    for scene in ("hero", "top10", "map", "funds", "categories", "ticker", "qr", "countdown"):
        shown = on_air(open_page(monkeypatch, lishui, "pages/bigscreen.py", scenes=scene))
        assert shown["scene"] == (scene if scene != "countdown" else "hero")  # no light show: no countdown
        for word in CHONGQING_WORDS:
            assert word not in shown["html"], f"{word!r} on the {scene} scene"
        assert "丽水共富公益日" in shown["html"] and "--bg:#0B1A12" in shown["html"]
        if scene == "hero":
            assert f'data-fen="{raised}"' in shown["html"]
        if scene == "categories":
            assert shown["html"].count('class="track"') == 5


def test_the_staff_console_runs_on_the_second_event(monkeypatch, lishui, tmp_path):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("GIVINGDAY_WAREHOUSE", str(lishui))
    monkeypatch.setenv("GIVINGDAY_SECRETS", str(tmp_path / "secrets.toml"))
    (tmp_path / "secrets.toml").write_text("")
    staff.add_user("li", "correct horse battery", "staff")
    for tab in ("fresh", "alerts", "flags", "quarantine", "drill", "director", "audit"):
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        app.run()
        app.switch_page("pages/staff.py")
        app.query_params["tab"] = tab
        app.run()
        app.text_input[0].input("li")
        app.text_input[1].input("correct horse battery")
        app.button[0].click()
        app.run()
        assert not app.exception, (tab, app.exception)
        text = "\n".join(str(e.proto) for e in app.main)
        assert "Staff console" in text and "500000" not in text and "市级" not in text


def test_the_app_refuses_a_broken_event_folder_with_the_check_lines(monkeypatch, tmp_path, lishui):
    import shutil

    from streamlit.testing.v1 import AppTest

    from givingday.event_schema import problems

    broken = tmp_path / "events" / "lishui-2023"
    shutil.copytree(EVENTS / "lishui-2023", broken)
    toml = (broken / "event.toml").read_text(encoding="utf-8")
    (broken / "event.toml").write_text(toml.replace('mechanism = "ratio"', 'mechanism = "lottery"')
                                       .replace('colour = "#1B9E77"', 'colour = "green"'), encoding="utf-8")
    expected = problems(broken)
    assert len(expected) == 2
    monkeypatch.setenv("GIVINGDAY_EVENTS_DIR", str(tmp_path / "events"))
    monkeypatch.setenv("GIVINGDAY_WAREHOUSE", str(lishui))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not app.exception
    assert app.error and all(line in app.code[0].value for line in expected)
