"""Formatting in one place: money in 亿/万 (zh) or M/K (en), counts, times."""

import datetime as dt
from zoneinfo import ZoneInfo

from givingday.ui import format as fmt


def test_money_in_chinese_units():
    assert fmt.yuan(37_900_000_000) == "3.79亿"
    assert fmt.yuan(5_054_000_000) == "5,054万"
    assert fmt.yuan(123_456) == "1,234.56元"
    assert fmt.yuan(123_400) == "1,234元"


def test_money_in_english_units():
    assert fmt.yuan(37_900_000_000, "en") == "¥379.0M"
    assert fmt.yuan(1_234_500, "en") == "¥12.3K"


def test_exact_yuan_and_counts():
    assert fmt.count(2_340_000, "unit.gifts") == "2,340,000人次"
    assert fmt.count(2_340_000, "unit.gifts", "en") == "2,340,000"
    assert fmt.yuan_exact(123_456_789) == "1,234,567.89元"
    assert fmt.yuan_exact(123_456_789, "en") == "¥1,234,567.89"


def test_a_traditional_chinese_page_writes_its_own_units():
    assert fmt.yuan(37_900_000_000, "zh-Hant") == "3.79億"
    assert fmt.yuan(50_540_000_00, "zh-Hant") == "5,054萬"


def test_times_are_event_local():
    tz = ZoneInfo("Asia/Shanghai")
    moment = dt.datetime(2022, 4, 28, 9, 5, tzinfo=dt.UTC)
    assert fmt.local_time(moment, tz) == "4月28日 17:05"
    assert fmt.local_time(moment, tz, "en") == "28 Apr 17:05"
    assert fmt.age(moment, moment + dt.timedelta(minutes=2)) == "2分钟前"
