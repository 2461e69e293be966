"""Form fields every app uses for values that arrive from outside (query strings, forms,
imports): dates and months within a range the product can compute with.

A date such as 9999-12-31 parses, but one day later does not exist (OverflowError): every
date that enters goes through these fields (or `parse_date`), which refuse anything outside
2000-01-01 … 2099-12-31 with a clear message instead.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MIN_DATE = dt.date(2000, 1, 1)
MAX_DATE = dt.date(2099, 12, 31)
_OUT_OF_RANGE = _("日付は2000年1月1日から2099年12月31日までの間で入力してください。")
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def in_range(day: dt.date) -> bool:
    return MIN_DATE <= day <= MAX_DATE


def parse_date(value: object) -> dt.date | None:
    """An ISO date (YYYY-MM-DD) within the product's range, else None."""
    if not isinstance(value, str):
        return None
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        return None
    return day if in_range(day) else None


def parse_month(value: object) -> dt.date | None:
    """``YYYY-MM`` within the product's range → the first day of that month, else None."""
    if not isinstance(value, str):
        return None
    match = _MONTH.match(value)
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return None
    first = dt.date(year, month, 1) if 1 <= year <= 9999 else None
    return first if first is not None and in_range(first) else None


class DateField(forms.DateField):
    def clean(self, value: Any) -> dt.date | None:
        day: dt.date | None = super().clean(value)
        if day is not None and not in_range(day):
            raise ValidationError(_OUT_OF_RANGE, code="out_of_range")
        return day


class DateTimeField(forms.DateTimeField):
    def clean(self, value: Any) -> dt.datetime | None:
        moment: dt.datetime | None = super().clean(value)
        if moment is not None and not in_range(moment.date()):
            raise ValidationError(_OUT_OF_RANGE, code="out_of_range")
        return moment


class MonthField(forms.CharField):
    """``YYYY-MM`` (an ``<input type="month">``) → the first day of the month."""

    widget = forms.TextInput(attrs={"type": "month"})

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        first = parse_month(text)
        if first is None:
            raise ValidationError(
                _("年月は2000-01から2099-12までの「YYYY-MM」の形で入力してください。"),
                code="invalid",
            )
        return first


F = TypeVar("F", bound=forms.Field)


def field_of(form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """``form.fields[name]`` as the field class it is, to narrow its queryset or bounds per
    request (``form.fields`` is typed as plain ``Field``)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not {kind}")
    return field


def model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """``form.fields[name]`` as the (multiple) model-choice field it is."""
    return field_of(form, name, forms.ModelChoiceField)
