"""The "new evidence report" form: a preset (the state of emergency against a year later,
last month against the same month a year before) or custom dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yakuba.evaluation.selectors import report_units
from yakuba.org.models import Unit

EMERGENCY = (dt.date(2020, 4, 7), dt.date(2020, 5, 25))
MAX_DAYS = 366 * 2


def same_days_a_year_later(start: dt.date, end: dt.date, years: int = 1) -> tuple[dt.date, dt.date]:
    def shift(day: dt.date) -> dt.date:
        try:
            return day.replace(year=day.year + years)
        except ValueError:  # 29 February
            return day.replace(year=day.year + years, day=28)

    return shift(start), shift(end)


def last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


class Preset(models.TextChoices):
    EMERGENCY = "emergency", _("緊急事態宣言の期間（2020年4月7日〜5月25日）と1年後の同じ期間")
    LAST_MONTH = "last_month", _("先月と前年の同じ月")
    CUSTOM = "custom", _("期間を指定する")


class ReportForm(forms.Form):
    preset = forms.ChoiceField(
        label=_("期間"), choices=Preset.choices, initial=Preset.EMERGENCY, widget=forms.RadioSelect
    )
    title = forms.CharField(
        label=_("表題"),
        max_length=200,
        required=False,
        help_text=_("空欄なら期間から付けます"),
    )
    period_start = forms.DateField(
        label=_("対象期間の開始日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("対象期間の終了日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    comparison_start = forms.DateField(
        label=_("比較期間の開始日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("比較しない場合は空欄"),
    )
    comparison_end = forms.DateField(
        label=_("比較期間の終了日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    units = forms.ModelMultipleChoiceField(
        label=_("対象の所属"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_(
            "選ばなければ全庁。選んだ所属はその下の係を含みます。"
            "Ctrl キー（Mac は command キー）を押しながら選ぶと複数選べます"
        ),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, user: Any, today: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["units"].queryset = report_units(user)  # type: ignore[attr-defined]
        self.fields["units"].label_from_instance = lambda u: u.name  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        preset = data.get("preset")
        if preset == Preset.EMERGENCY:
            period = EMERGENCY
            comparison: tuple[dt.date, dt.date] | None = same_days_a_year_later(*EMERGENCY)
            labels = (gettext("緊急事態宣言の期間（2020年）"), gettext("1年後の同じ期間（2021年）"))
            title = gettext("緊急事態宣言期間と1年後の比較")
        elif preset == Preset.LAST_MONTH:
            period = last_month(self.today)
            comparison = same_days_a_year_later(*period, years=-1)
            labels = (
                gettext("%(y)s年%(m)s月") % {"y": period[0].year, "m": period[0].month},
                gettext("%(y)s年%(m)s月") % {"y": comparison[0].year, "m": comparison[0].month},
            )
            title = gettext("%(p)sと前年同月の比較") % {"p": labels[0]}
        else:
            start, end = data.get("period_start"), data.get("period_end")
            if start is None:
                self.add_error("period_start", gettext("対象期間の開始日を入力してください。"))
            if end is None:
                self.add_error("period_end", gettext("対象期間の終了日を入力してください。"))
            if start is None or end is None:
                return data
            if end < start:
                self.add_error("period_end", gettext("終了日は開始日以降にしてください。"))
                return data
            period = (start, end)
            c_start, c_end = data.get("comparison_start"), data.get("comparison_end")
            comparison = None
            if (c_start is None) != (c_end is None):
                self.add_error(
                    "comparison_end", gettext("比較期間は開始日と終了日の両方を入力してください。")
                )
                return data
            if c_start is not None and c_end is not None:
                if c_end < c_start:
                    self.add_error("comparison_end", gettext("終了日は開始日以降にしてください。"))
                    return data
                comparison = (c_start, c_end)
            labels = (
                f"{start:%Y/%m/%d}〜{end:%Y/%m/%d}",
                f"{c_start:%Y/%m/%d}〜{c_end:%Y/%m/%d}" if c_start and c_end else "",
            )
            title = gettext("テレワーク点検・評価報告（%(p)s）") % {"p": labels[0]}
        for span, field in ((period, "period_end"), (comparison, "comparison_end")):
            if span is not None and (span[1] - span[0]).days + 1 > MAX_DAYS:
                self.add_error(field, gettext("期間は2年以内にしてください。"))
                return data
        data["period"] = period
        data["comparison"] = comparison
        data["period_label"], data["comparison_label"] = labels
        data["title"] = data.get("title") or title
        return data
