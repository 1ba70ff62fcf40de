"""Money, counts and times for people: the one place figures are formatted.

Money arrives in integer fen and stays integer until here. Chinese readers think in 万
and 亿 (`3.79亿`, `5,054万`); English readers get `¥379.0M`.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

FEN_PER_YUAN = 100
YI = 100_000_000
WAN = 10_000


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def yuan(fen: int, lang: str = "zh") -> str:
    """A headline amount: 亿/万 in Chinese, M/K in English; exact yuan below 10,000."""
    amount = Decimal(int(fen)) / FEN_PER_YUAN
    sign, amount = ("-" if amount < 0 else ""), abs(amount)
    if lang == "en":
        if amount >= 1_000_000:
            return f"{sign}¥{_round(amount / 1_000_000, 1):,}M"
        if amount >= 10_000:
            return f"{sign}¥{_round(amount / 1_000, 1):,}K"
        return f"{sign}¥{_round(amount, 0):,}"
    if amount >= YI:
        return f"{sign}{_round(amount / YI, 2)}亿"
    if amount >= WAN:
        return f"{sign}{_round(amount / WAN, 0):,}万"
    return f"{sign}{_round(amount, 0):,}元" if amount == amount.to_integral() else f"{sign}{amount:,.2f}元"


def yuan_exact(fen: int, lang: str = "zh") -> str:
    """Exact yuan with separators, for project pages and downloads: 1,234,567.89元."""
    amount = Decimal(int(fen)) / FEN_PER_YUAN
    return f"¥{amount:,.2f}" if lang == "en" else f"{amount:,.2f}元"


def count(n: int, unit_zh: str = "", unit_en: str = "", lang: str = "zh") -> str:
    """2,340,000人次 / 2,340,000 gifts."""
    if lang == "en":
        return f"{int(n):,}{' ' + unit_en if unit_en else ''}"
    return f"{int(n):,}{unit_zh}"


def local_time(moment: dt.datetime | str | None, tz: ZoneInfo, lang: str = "zh") -> str:
    """4月28日 17:05 / 28 Apr 17:05, in the event's time zone."""
    if moment is None:
        return "—"
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    moment = moment.astimezone(tz)
    if lang == "en":
        return moment.strftime("%-d %b %H:%M")
    return f"{moment.month}月{moment.day}日 {moment:%H:%M}"


def clock(moment: dt.datetime | str | None, tz: ZoneInfo) -> str:
    """17:05, in the event's time zone."""
    if moment is None:
        return "—"
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return f"{moment.astimezone(tz):%H:%M}"


def age(moment: dt.datetime | str | None, now: dt.datetime, lang: str = "zh") -> str:
    """How long ago: 2分钟前 / 2 min ago."""
    if moment is None:
        return ""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    minutes = max(0, int((now - moment).total_seconds() // 60))
    if lang == "en":
        if minutes < 1:
            return "just now"
        if minutes < 120:
            return f"{minutes} min ago"
        if minutes < 48 * 60:
            return f"{minutes // 60} h ago"
        return f"{minutes // 1440} days ago"
    if minutes < 1:
        return "刚刚"
    if minutes < 120:
        return f"{minutes}分钟前"
    if minutes < 48 * 60:
        return f"{minutes // 60}小时前"
    return f"{minutes // 1440}天前"
