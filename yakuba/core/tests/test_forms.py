"""Dates and months from outside stay within the range the product computes with."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms

from yakuba.core import forms as core_forms


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-04-01", dt.date(2026, 4, 1)),
        (" 2026-04-01 ", dt.date(2026, 4, 1)),
        ("9999-12-31", None),  # parses, but one day later does not exist
        ("0001-01-01", None),
        ("2026-02-30", None),
        ("abc", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(raw: object, expected: dt.date | None) -> None:
    assert core_forms.parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-04", dt.date(2026, 4, 1)),
        ("2026-4", dt.date(2026, 4, 1)),
        ("9999-12", None),
        ("0001-01", None),
        ("2026-13", None),
        ("2026-00", None),
        ("2026-04-01", None),
        ("１２", None),
        ("", None),
    ],
)
def test_parse_month(raw: str, expected: dt.date | None) -> None:
    assert core_forms.parse_month(raw) == expected


class Dates(forms.Form):
    day = core_forms.DateField(required=False)
    at = core_forms.DateTimeField(required=False)
    month = core_forms.MonthField(required=False)


def test_fields_refuse_dates_outside_the_range_with_a_message() -> None:
    form = Dates({"day": "9999-12-31", "at": "0001-01-01 00:00", "month": "9999-12"})
    assert not form.is_valid()
    assert set(form.errors) == {"day", "at", "month"}
    assert "2099" in form.errors["day"][0]
    good = Dates({"day": "2026-04-01", "at": "2026-04-01 09:00", "month": "2026-04"})
    assert good.is_valid(), good.errors
    assert good.cleaned_data["month"] == dt.date(2026, 4, 1)
