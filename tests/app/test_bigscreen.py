"""The big screen in AppTest: every scene list, every clock and data state shows a frame,
the director's orders, the screens' check-ins and the milestone cards."""

import json
import re
import time

import pytest

from givingday import director, queries, staff
from givingday.queries import internal_sql
from givingday.ui.bigscreen import SCENES
from tests.helpers import at, build_fixture_inbox, credit, gift, ingest, milestone_event, open_page, write

MILESTONE = internal_sql("screens/milestone")


@pytest.fixture(autouse=True)
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("GIVINGDAY_STAFF_STATE", str(tmp_path / "state"))
    return tmp_path / "state"


def on_air(app) -> dict:
    """The frame the player was given on the last run: {html, scene, lane, lang}."""
    assert not app.exception, app.exception
    players = [e.proto for e in app.main if getattr(e.proto, "component_name", "").endswith("bigscreen_player")]
    assert players, "no frame on air"
    return json.loads(players[-1].json)["data"] if "data" in json.loads(players[-1].json) else json.loads(players[-1].json)


def test_the_frame_payload_can_be_read(monkeypatch, fixture_warehouse):
    shown = on_air(open_page(monkeypatch, fixture_warehouse, "pages/bigscreen.py", scenes="hero"))
    assert shown["scene"] == "hero" and 'data-scene="hero"' in shown["html"] and shown["lang"] == "zh-CN"


@pytest.mark.parametrize("scenes", [*SCENES, "countdown,countdown", "nonsense", "", "0,99", "qr,countdown"])
def test_every_scene_list_shows_a_scene_at_any_hour(scenes, monkeypatch, fixture_warehouse):
    # the countdown has nothing to show off the light show's evening (the real clock is years
    # later): a list of it alone falls back to the hero; it used to divide by an empty rotation
    # (a list with no scene we know plays every scene)
    shown = on_air(open_page(monkeypatch, fixture_warehouse, "pages/bigscreen.py", scenes=scenes, rotate="600"))
    first = scenes.split(",")[0]
    if first in ("nonsense", "", "0"):
        assert shown["scene"] in set(SCENES) - {"countdown"}
    else:
        assert shown["scene"] == (first if first != "countdown" else "hero")
    assert f'data-scene="{shown["scene"]}"' in shown["html"]


@pytest.mark.parametrize("moment", ["2022-04-26T12:00:00+08:00", "2022-04-27T19:55:00+08:00",
                                    "2022-04-27T20:10:00+08:00", "2022-04-28T15:00:00+08:00",
                                    "2022-05-02T09:00:00+08:00"])
def test_every_scene_at_moments_before_during_and_after_the_event(moment, monkeypatch, fixture_warehouse):
    monkeypatch.setenv("GIVINGDAY_NOW", moment)
    from givingday import clock
    clock._offset_seconds.cache_clear()
    for scene in SCENES:
        shown = on_air(open_page(monkeypatch, fixture_warehouse, "pages/bigscreen.py", scenes=scene, rotate="600"))
        evening = moment.startswith("2022-04-27T")
        assert shown["scene"] == (scene if scene != "countdown" or evening else "hero")
    clock._offset_seconds.cache_clear()


def test_the_countdown_counts_to_the_light_show(monkeypatch, fixture_warehouse):
    monkeypatch.setenv("GIVINGDAY_NOW", "2022-04-27T19:55:00+08:00")
    from givingday import clock
    clock._offset_seconds.cache_clear()
    shown = on_air(open_page(monkeypatch, fixture_warehouse, "pages/bigscreen.py", scenes="countdown"))
    clock._offset_seconds.cache_clear()
    assert shown["scene"] == "countdown" and "00:0" in shown["html"] and "江北嘴" in shown["html"]


def test_without_data_the_screen_shows_the_events_title_card(monkeypatch, tmp_path):
    shown = on_air(open_page(monkeypatch, tmp_path / "empty", "pages/bigscreen.py", scenes="countdown", lang="en"))
    assert shown["scene"] == "title"
    assert "Rural Revitalization" in shown["html"] and "Figures coming soon" in shown["html"]


def test_stale_data_is_marked_as_updating(monkeypatch, fixture_warehouse):
    # no version for longer than [bigscreen] stale_after_minutes while the event runs
    monkeypatch.setattr("givingday.alerts.minutes_stale", lambda *args, **kwargs: 12.0)
    shown = on_air(open_page(monkeypatch, fixture_warehouse, "pages/bigscreen.py", scenes="hero"))
    assert "数据更新中" in shown["html"]


def test_the_lane_shows_masked_gifts_and_can_be_turned_off(monkeypatch, fixture_warehouse):
    shown = on_air(open_page(monkeypatch, fixture_warehouse, "pages/bigscreen.py", scenes="hero"))
    assert shown["lane"] and "bs-lane" in shown["html"]
    assert not any(name in " ".join(shown["lane"]) for name in ("张三", "山城小雨", "alice"))
    shown = on_air(open_page(monkeypatch, fixture_warehouse, "pages/bigscreen.py", scenes="hero", ticker="0"))
    assert shown["lane"] == [] and "bs-lane" not in shown["html"]


def test_the_director_takes_and_clears_and_it_is_audited(monkeypatch, fixture_warehouse):
    kiosk = {"scenes": "hero", "rotate": "600"}
    director.take("main", "top10", "li")
    assert on_air(open_page(monkeypatch, fixture_warehouse, "pages/bigscreen.py", screen="main", **kiosk))["scene"] == "top10"
    assert on_air(open_page(monkeypatch, fixture_warehouse, "pages/bigscreen.py", screen="totem-1", **kiosk))["scene"] == "hero"
    director.set_playlist(director.ALL, [("categories", 30)], "li")
    assert on_air(open_page(monkeypatch, fixture_warehouse, "pages/bigscreen.py", screen="totem-1", **kiosk))["scene"] == "categories"
    assert on_air(open_page(monkeypatch, fixture_warehouse, "pages/bigscreen.py", screen="main", **kiosk))["scene"] == "top10"
    director.clear(director.ALL, "li")
    for name in ("main", "totem-1"):
        assert on_air(open_page(monkeypatch, fixture_warehouse, "pages/bigscreen.py", screen=name, **kiosk))["scene"] == "hero"
    events = [(e["event"], e["user"], e["detail"]["screen"]) for e in staff.audit_log()][::-1]
    assert events == [("director_take", "li", "main"), ("director_playlist", "li", "*"), ("director_clear", "li", "*")]
    checked = director.screens()
    assert set(checked) == {"main", "totem-1"} and checked["main"]["scene"] == "hero"


def _total(warehouse) -> int:
    return queries.run("totals", warehouse=warehouse).row(0, named=True)["raised_fen"]


def _milestone(warehouse, every: int, version: int | None = None) -> dict | None:
    found = queries.reader(warehouse, version).run_sql(MILESTONE, MILESTONE.bind({"every": str(every)}))
    return found.row(0, named=True) if found.height else None


def _gift_version(inbox, warehouse, n: int, amount_fen: int) -> None:
    write(inbox, "donations", f"donations-20220428T{10 + n:02d}0000-{n:06d}.parquet",
          [gift(f"D-milestone-{n}", "P1", amount_fen, at(28, 10 + n))])
    assert ingest(inbox, warehouse)[0] == 0


def test_a_milestone_is_a_fact_of_the_versions_history(tmp_path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    build_fixture_inbox(inbox)
    assert ingest(inbox, warehouse)[0] == 0
    every = (_total(warehouse) // 100_000 + 1) * 100_000  # the next round thousand yuan
    assert _milestone(warehouse, every) is None  # the first version only sets the starting point
    _gift_version(inbox, warehouse, 1, 1)
    assert _milestone(warehouse, every) is None  # not there yet
    _gift_version(inbox, warehouse, 2, every)  # passes it
    crossed = _milestone(warehouse, every)
    assert crossed["version"] == 3 and crossed["level_fen"] == every
    _gift_version(inbox, warehouse, 3, 1)
    assert _milestone(warehouse, every) == crossed  # still the last one passed
    assert _milestone(warehouse, every, version=2) is None  # as each version saw it
    assert _milestone(warehouse, 0) is None  # no milestones configured


def test_a_milestone_puts_the_celebration_on_air_where_allowed(monkeypatch, tmp_path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    build_fixture_inbox(inbox)
    assert ingest(inbox, warehouse)[0] == 0
    every = (_total(warehouse) // 100_000 + 1) * 100_000
    monkeypatch.setenv("GIVINGDAY_EVENTS_DIR", str(milestone_event(tmp_path, every)))
    _gift_version(inbox, warehouse, 1, every)  # published now: the card is on air for 20 s
    level = f"{every // 100:,}"
    shown = on_air(open_page(monkeypatch, warehouse, "pages/bigscreen.py", scenes="top10"))
    assert shown["scene"] == "celebrate" and level in shown["html"].replace("万", "")  # in 万 or in yuan
    assert level.split(",")[0] in shown["lane"][0]
    total = _total(warehouse)  # the newest total stays on the screen under the card
    assert f'data-fen="{total}"' in shown["html"] and f"{total // 100:,}" in re.sub(r"<[^>]+>", "", shown["html"])
    shown = on_air(open_page(monkeypatch, warehouse, "pages/bigscreen.py", scenes="top10", celebrate="0"))
    assert shown["scene"] == "top10"


def test_a_total_that_falls_is_said_on_every_screen_for_a_minute(monkeypatch, tmp_path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    build_fixture_inbox(inbox)
    assert ingest(inbox, warehouse)[0] == 0
    assert "bs-note" not in on_air(open_page(monkeypatch, warehouse, "pages/bigscreen.py", scenes="hero"))["html"]
    write(inbox, "matches", "matches-20220428T120000-000009.parquet",  # the city's match for P2 withdrawn
          [credit("M03-back", "P2", -15_600, at(28, 12), "city", "ratio_match", reverses="M03")])
    assert ingest(inbox, warehouse)[0] == 0
    shown = on_air(open_page(monkeypatch, warehouse, "pages/bigscreen.py", scenes="hero"))  # a screen opened after
    assert '<span class="bs-note">更正：配捐撤回，总额下调 156元</span>' in shown["html"]


def test_a_version_that_cannot_be_read_keeps_the_last_frame_and_never_an_earlier_versions_figures(
        monkeypatch, tmp_path):
    # the newest version's files fail to read for a while: the screen keeps the frame it had
    # (version 1's, stamped 1), marked "updating"; once version 2 reads, it shows version 2's
    # own figures, stamped 2 (the failure left nothing behind as version 2's)
    from givingday.ui import data

    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    build_fixture_inbox(inbox)
    assert ingest(inbox, warehouse)[0] == 0
    app = open_page(monkeypatch, warehouse, "pages/bigscreen.py", scenes="hero")
    before = _total(warehouse)
    shown = on_air(app)["html"]
    assert f'data-fen="{before}"' in shown and 'data-version="1"' in shown
    _gift_version(inbox, warehouse, 1, 12_300)
    readable = data._run
    failing = {"reads": 0}

    def unreadable(root, version, name, params):
        if version == 2 and name in ("pace", "districts"):  # some of its figures read, not all
            failing["reads"] += 1
            raise queries.QueryError("object storage timed out")
        return readable(root, version, name, params)

    monkeypatch.setattr(data, "_run", unreadable)
    time.sleep(data.CURRENT_TTL_S)  # the screen learns of version 2
    for _ in range(2):
        shown = on_air(app.run())["html"]
        assert f'data-fen="{before}"' in shown and 'data-version="1"' in shown and "数据更新中" in shown
    assert failing["reads"] >= 2
    monkeypatch.setattr(data, "_run", readable)
    shown = on_air(app.run())["html"]
    assert f'data-fen="{before + 12_300}"' in shown and 'data-version="2"' in shown and "数据更新中" not in shown
    assert _total(warehouse) == before + 12_300


def test_before_the_first_gift_every_scene_shows_zero_or_says_nothing_yet(monkeypatch, tmp_path):
    # the morning of the first day: projects and organisations published, no gift, no match
    import shutil

    from tests.helpers import build_fixture_inbox, ingest

    build_fixture_inbox(tmp_path / "inbox")
    for table in ("donations", "matches"):
        shutil.rmtree(tmp_path / "inbox" / table)
    assert ingest(tmp_path / "inbox", tmp_path / "warehouse")[0] == 0
    for scene in SCENES:
        shown = on_air(open_page(monkeypatch, tmp_path / "warehouse", "pages/bigscreen.py", scenes=scene))
        assert shown["scene"] == (scene if scene != "countdown" else "hero")
        if scene == "hero":
            assert '<span class="g">0<span class="c">.00</span></span>' in shown["html"]
        if scene in ("top10", "ticker"):
            assert "暂无数据" in shown["html"]
