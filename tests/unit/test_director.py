"""The director's orders and the big screen's settings: playlists by the clock, orders shared
through the state folder, colours that pass contrast."""

import shutil

import pytest

from givingday import director
from givingday.event import EventError, load_event
from givingday.event_schema import contrast
from givingday.ui import bigscreen


@pytest.fixture(autouse=True)
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("GIVINGDAY_STAFF_STATE", str(tmp_path / "state"))


def test_a_playlist_plays_each_scene_for_its_seconds_and_skips_what_has_nothing_to_show():
    plays = director.playlist([("hero", 10), ("countdown", 5), ("top10", 20)], "director")
    assert [plays.on_air(t, set(director.SCENES)) for t in (0, 9.9, 10, 14.9, 15, 34.9, 35)] == \
        ["hero", "hero", "countdown", "countdown", "top10", "top10", "hero"]
    without_countdown = set(director.SCENES) - {"countdown"}
    assert [plays.on_air(t, without_countdown) for t in (0, 10, 29.9, 30)] == ["hero", "top10", "top10", "hero"]
    assert director.playlist([("countdown", 10)], "take").on_air(5, without_countdown) == "hero"


@pytest.mark.parametrize("items,message", [([], "at least one"), ([("nope", 10)], "unknown scene"),
                                           ([("hero", 1)], "outside"), ([("hero", 601)], "outside")])
def test_orders_that_cannot_be_carried_out_are_refused(items, message):
    with pytest.raises(director.OrderError, match=message):
        director.set_playlist("main", items, "li")
    with pytest.raises(director.OrderError, match="screen names"):
        director.take("Main Screen!", "hero", "li")


def test_a_screen_follows_its_order_then_the_order_for_all_then_its_url():
    own = director.playlist([("qr", 20)], "url")
    director.take(director.ALL, "funds", "li")
    director.take("main", "top10", "li")  # after a take for all: this screen's own order wins
    assert director.playing("main", own).items == (("top10", 600),)
    assert director.playing("side", own).items == (("funds", 600),)
    director.clear("main", "li")
    assert director.playing("main", own).items == (("funds", 600),)
    director.clear(director.ALL, "li")
    assert director.playing("main", own) == own and director.orders() == {}


def test_a_take_for_all_screens_overrides_every_screens_own_order():
    director.set_playlist("main", [("hero", 10), ("top10", 10)], "li")
    director.take(director.ALL, "qr", "li")
    assert director.playing("main", director.playlist([("hero", 5)], "url")).items == (("qr", 600),)


def test_an_unreadable_order_never_blanks_a_screen(tmp_path):
    director.staff.StateFile(director.ORDERS).path.write_text('{"main": {"items": [["bogus", 1]]}}')
    own = director.playlist([("hero", 20)], "url")
    assert director.playing("main", own) == own


def test_the_hero_figure_is_exact_and_sized_for_its_width():
    html, em, em_line = bigscreen.hero_figure(38_276_786_240, "zh")
    assert html == ('<span class="g">382,</span><span class="g">767,</span>'
                    '<span class="g">862<span class="c">.40</span></span>')
    assert em > em_line > 0
    html, _, _ = bigscreen.hero_figure(0, "en")
    assert html == '<span class="g">¥0<span class="c">.00</span></span>'


def test_big_screen_colours_must_pass_contrast(tmp_path):
    assert contrast("#FFFFFF", "#000000") == pytest.approx(21)
    source = load_event().folder
    folder = tmp_path / "events" / source.name
    shutil.copytree(source, folder)
    toml = (folder / "event.toml").read_text(encoding="utf-8")
    (folder / "event.toml").write_text(toml.replace('muted = "#AEB7C2"', 'muted = "#3A4350"'), encoding="utf-8")
    with pytest.raises(EventError, match=r"\[bigscreen\]: muted #3A4350 is under 4.5:1"):
        load_event(source.name, tmp_path / "events")
    (folder / "event.toml").write_text(toml.replace("overscan_percent = 2.5", "overscan = 2.5"), encoding="utf-8")
    with pytest.raises(EventError, match=r"\[bigscreen\]: unknown key 'overscan'"):
        load_event(source.name, tmp_path / "events")
