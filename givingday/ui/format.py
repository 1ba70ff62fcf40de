"""Money, counts and times for people: the one place figures are formatted.

Money arrives in integer fen and stays integer until here. Chinese readers think in wan
(10^4) and yi (10^8): 3.79 yi, 5,054 wan; English readers get `¥379.0M`. The unit words come
from the catalogue (`unit.*`), so a Traditional Chinese page writes its own characters.
"""

from __future__ import annotations

import base64
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from givingday.ui.i18n import english, t

FEN_PER_YUAN = 100
YI = 100_000_000
WAN = 10_000


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def yuan(fen: int, lang: str = "zh") -> str:
    """A headline amount: yi/wan (10^8, 10^4) in Chinese, M/K in English; exact yuan below 10,000."""
    amount = Decimal(int(fen)) / FEN_PER_YUAN
    sign, amount = ("-" if amount < 0 else ""), abs(amount)
    if english(lang):
        if amount >= 1_000_000:
            return f"{sign}¥{_round(amount / 1_000_000, 1):,}M"
        if amount >= 10_000:
            return f"{sign}¥{_round(amount / 1_000, 1):,}K"
        return f"{sign}¥{_round(amount, 0):,}"
    if amount >= YI:
        return f"{sign}{_round(amount / YI, 2)}{t('unit.yi', lang)}"
    if amount >= WAN:
        return f"{sign}{_round(amount / WAN, 0):,}{t('unit.wan', lang)}"
    whole = f"{_round(amount, 0):,}" if amount == amount.to_integral() else f"{amount:,.2f}"
    return f"{sign}{whole}{t('unit.yuan', lang)}"


def yuan_exact(fen: int, lang: str = "zh") -> str:
    """Exact yuan with separators, for project pages and downloads (1,234,567.89 and the unit)."""
    amount = Decimal(int(fen)) / FEN_PER_YUAN
    return f"¥{amount:,.2f}" if english(lang) else f"{amount:,.2f}{t('unit.yuan', lang)}"


def count(n: int, unit: str = "", lang: str = "zh") -> str:
    """2,340,000 and its unit in Chinese (`unit`: a catalogue key, unit.gifts, unit.people, ...);
    a bare 2,340,000 in English, where the label beside the figure names it."""
    if english(lang) or not unit:
        return f"{int(n):,}"
    return f"{int(n):,}{t(unit, lang)}"


def local_time(moment: dt.datetime | str | None, tz: ZoneInfo, lang: str = "zh") -> str:
    """Day and time (time.date_time in the catalogue; 28 Apr 17:05), in the event's time zone."""
    if moment is None:
        return "—"
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    moment = moment.astimezone(tz)
    if english(lang):
        return moment.strftime("%-d %b %H:%M")
    return t("time.date_time", lang).format(month=moment.month, day=moment.day, time=f"{moment:%H:%M}")


def day(date: dt.date, lang: str = "zh") -> str:
    """The day (time.day in the catalogue; 28 Apr)."""
    return date.strftime("%-d %b") if english(lang) else t("time.day", lang).format(month=date.month, day=date.day)


def clock(moment: dt.datetime | str | None, tz: ZoneInfo) -> str:
    """17:05, in the event's time zone."""
    if moment is None:
        return "—"
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return f"{moment.astimezone(tz):%H:%M}"


def age(moment: dt.datetime | str | None, now: dt.datetime, lang: str = "zh") -> str:
    """How long ago (time.*_ago in the catalogue; 2 min ago)."""
    if moment is None:
        return ""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    minutes = max(0, int((now - moment).total_seconds() // 60))
    if minutes < 1:
        return t("time.just_now", lang)
    if minutes < 120:
        return t("time.minutes_ago", lang).format(n=minutes)
    if minutes < 48 * 60:
        return t("time.hours_ago", lang).format(n=minutes // 60)
    return t("time.days_ago", lang).format(n=minutes // 1440)


def png_src(png: bytes) -> str:
    """An <img>'s src that carries the PNG itself (a data URI)."""
    return "data:image/png;base64," + base64.b64encode(png).decode()
