"""Japanese public holidays (jpholiday), in one place."""

from __future__ import annotations

import datetime as dt

import jpholiday


def is_public_holiday(day: dt.date) -> bool:
    return jpholiday.is_holiday(day)


def holiday_name(day: dt.date) -> str | None:
    return jpholiday.is_holiday_name(day)
