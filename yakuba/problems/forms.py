"""Forms of the register: what a person types, checked with Japanese messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yakuba.core.forms import field_of, model_choice
from yakuba.core.text import TextValidator
from yakuba.org.models import Unit
from yakuba.problems import periods, selectors
from yakuba.problems.models import (
    Countermeasure,
    Problem,
    SourceKind,
    Status,
    validate_internal_url,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return "\u3000" * max(obj.depth, 0) + obj.name


class ProblemForm(forms.ModelForm):
    class Meta:
        model = Problem
        fields = (
            "title",
            "description",
            "unit",
            "fiscal_year",
            "period_start",
            "period_end",
            "source_kind",
            "source_id",
            "source_key",
            "source_label",
        )
        field_classes = {"unit": _UnitChoice}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "period_start": DATE,
            "period_end": DATE,
        }
        labels = {"description": pgettext_lazy("problem", "内容")}
        help_texts = {
            "title": _("例：自宅から財務会計システムに接続できない"),
            "fiscal_year": _(
                "課題を把握した年度（西暦、例：2020）。期間で示す場合は下の日付を入力します。"
            ),
            "source_id": _("アンケート・困りごと・指摘事項・インシデントの番号"),
            "source_key": _("自由記述グループのキー、または困りごとの分類コード"),
            "source_label": _("自由記述グループ・困りごとの分類の名称"),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = model_choice(self, "unit")
        unit.queryset = selectors.editable_units(user).order_by("path")
        unit.empty_label = _("（選んでください）")
        self.fields["fiscal_year"].widget.attrs.update(min=1989, max=2200)
        self.fields["source_id"].widget.attrs.update(min=1)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("期間の終了日は開始日以降にしてください。"))
        return data


class EvidenceForm(forms.Form):
    label = forms.CharField(
        label=_("根拠の名称"), max_length=200, required=False, validators=[TextValidator(200)]
    )
    url = forms.CharField(
        label=_("このサイト内のURL"),
        max_length=500,
        required=False,
        validators=[validate_internal_url],
        help_text=_("例：/security/inspections/findings/12/"),
    )
    reference = forms.CharField(
        label=_("資料名・所在"),
        max_length=300,
        required=False,
        validators=[TextValidator(300)],
        help_text=_("サイトの外の資料（例：令和2年度 在宅勤務アンケート 問5）"),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        label, url, reference = (data.get(k, "").strip() for k in ("label", "url", "reference"))
        if not (label or url or reference) and not self.errors:
            return data
        if not label and "label" not in self.errors:
            self.add_error("label", _("根拠の名称を入力してください。"))
        if not url and not reference and "url" not in self.errors:
            self.add_error(
                "url", _("根拠には、このサイト内のURLか資料名のどちらかを入力してください。")
            )
        return data

    @property
    def filled(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(str(data.get(k, "")).strip() for k in ("label", "url", "reference"))


EvidenceFormSet = forms.formset_factory(EvidenceForm, extra=2, max_num=20, validate_max=True)


def evidence_initial(problem: Problem | None) -> list[dict[str, str]]:
    if problem is None:
        return []
    return [
        {"label": e.label, "url": e.url, "reference": e.reference} for e in problem.evidence.all()
    ]


class CountermeasureForm(forms.ModelForm):
    class Meta:
        model = Countermeasure
        fields = ("description", "unit", "due_on", "status", "reason")
        field_classes = {"unit": _UnitChoice}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "reason": forms.Textarea(attrs={"rows": 3}),
            "due_on": DATE,
        }
        labels = {"description": pgettext_lazy("problem", "対応策の内容")}
        help_texts = {
            "reason": _("「見送り」にするときは必ず入力します。"),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = model_choice(self, "unit")
        unit.queryset = selectors.editable_units(user).order_by("path")
        unit.empty_label = _("（選んでください）")

    # 見送り without a reason is refused by `Countermeasure.clean` (run by the form), once.


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=_("対応策の状況"), required=False)
    unit = _UnitChoice(
        label=_("担当所属"), queryset=Unit.objects.none(), required=False, empty_label=_("すべて")
    )
    source = forms.ChoiceField(label=_("把握のきっかけ"), required=False)
    overdue = forms.BooleanField(label=_("期限超過のみ"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "status", forms.ChoiceField).choices = [
            ("", _("すべて")),
            *Status.choices,
            ("none", _("対応策なし")),
        ]
        field_of(self, "source", forms.ChoiceField).choices = [
            ("", _("すべて")),
            *SourceKind.choices,
        ]
        model_choice(self, "unit").queryset = Unit.objects.filter(active=True).order_by("path")

    def values(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"status": "", "unit": None, "source": "", "overdue": False}
        return dict(self.cleaned_data)


PARTS = (
    ("q1", _("第1四半期（4〜6月）")),
    ("q2", _("第2四半期（7〜9月）")),
    ("q3", _("第3四半期（10〜12月）")),
    ("q4", _("第4四半期（1〜3月）")),
    ("h1", _("上半期（4〜9月）")),
    ("h2", _("下半期（10〜3月）")),
)
#: How many fiscal years back a review may be recorded (the register keeps the 2020 ones).
YEARS_BACK = 10


def review_period(fiscal_year: int, part: str) -> periods.ReviewPeriod:
    number = int(part[1])
    return (
        periods.quarter(fiscal_year, number)
        if part[0] == "q"
        else periods.half(fiscal_year, number)
    )


class PeriodForm(forms.Form):
    """The period a review covers: a fiscal year and a quarter or half of it."""

    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    part = forms.ChoiceField(label=_("期"), choices=PARTS)

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        current = periods.fiscal_year_of(today)
        field_of(self, "fiscal_year", forms.TypedChoiceField).choices = [
            (y, periods.fiscal_year_label(y)) for y in range(current, current - YEARS_BACK, -1)
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "fiscal_year" in data and "part" in data:
            chosen = review_period(data["fiscal_year"], data["part"])
            if chosen.start > self.today:
                raise ValidationError(_("まだ始まっていない期間は点検できません。"))
            data["period"] = chosen
        return data

    @staticmethod
    def initial_for(period: periods.ReviewPeriod) -> dict[str, Any]:
        fy = periods.fiscal_year_of(period.start)
        months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month
        index = ((period.start.month - 4) % 12) // (3 if months < 3 else 6) + 1
        return {"fiscal_year": fy, "part": f"{'q' if months < 3 else 'h'}{index}"}
