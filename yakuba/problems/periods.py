"""Review periods: quarters and halves of the Japanese fiscal year (年度, April to March).

A fiscal year is named by the calendar year it starts in (2020年度: 2020-04-01 to
2021-03-31). Pure functions, no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ReviewPeriod:
    label: str
    start: dt.date
    end: dt.date


def fiscal_year_of(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_label(year: int | None) -> str:
    return _("%(year)s年度") % {"year": year} if year else ""


def _month_start(fiscal_year: int, index: int) -> dt.date:
    """The first day of the fiscal year's ``index``-th month (0: April)."""
    month = 4 + index
    return dt.date(fiscal_year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _end_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=1)


def quarter(fiscal_year: int, number: int) -> ReviewPeriod:
    """第1四半期 (April–June) … 第4四半期 (January–March)."""
    if number not in (1, 2, 3, 4):
        raise ValueError("a quarter is 1 to 4")
    start = _month_start(fiscal_year, 3 * (number - 1))
    end = _end_before(_month_start(fiscal_year, 3 * number))
    label = _("%(year)s年度 第%(n)s四半期") % {"year": fiscal_year, "n": number}
    return ReviewPeriod(label, start, end)


def half(fiscal_year: int, number: int) -> ReviewPeriod:
    """上半期 (April–September) or 下半期 (October–March)."""
    if number not in (1, 2):
        raise ValueError("a half is 1 or 2")
    start = _month_start(fiscal_year, 6 * (number - 1))
    end = _end_before(_month_start(fiscal_year, 6 * number))
    label = (_("%(year)s年度 上半期") if number == 1 else _("%(year)s年度 下半期")) % {
        "year": fiscal_year
    }
    return ReviewPeriod(label, start, end)


def last_quarter(today: dt.date) -> ReviewPeriod:
    """The quarter that ended most recently before ``today`` (what a review looks back on)."""
    fy = fiscal_year_of(today)
    current = (today.month - 4) % 12 // 3 + 1
    return quarter(fy, current - 1) if current > 1 else quarter(fy - 1, 4)
