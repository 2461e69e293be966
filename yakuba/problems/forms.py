"""Forms of the register: what a person types, checked with Japanese messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
        help_texts = {
            "reason": _("「見送り」にするときは必ず入力します。"),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = model_choice(self, "unit")
        unit.queryset = selectors.editable_units(user).order_by("path")
        unit.empty_label = _("（選んでください）")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("status") == Status.DECLINED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("「見送り」にするときは、見送りの理由を入力してください。"))
        return data


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


def period_choices(today: dt.date) -> list[tuple[str, str]]:
    """Quarters and halves a review may be recorded for: the last six quarters and the
    last three halves, the most recent first."""
    fy = periods.fiscal_year_of(today)
    quarters = [(y, n) for y in range(fy, fy - 3, -1) for n in (4, 3, 2, 1)]
    halves = [(y, n) for y in range(fy, fy - 3, -1) for n in (2, 1)]
    choices = [
        (f"q-{y}-{n}", periods.quarter(y, n).label)
        for y, n in quarters
        if periods.quarter(y, n).start <= today
    ][:6]
    choices += [
        (f"h-{y}-{n}", periods.half(y, n).label)
        for y, n in halves
        if periods.half(y, n).start <= today
    ][:3]
    return choices


def parse_period(value: str) -> periods.ReviewPeriod | None:
    try:
        kind, year, number = value.split("-")
        if kind == "q":
            return periods.quarter(int(year), int(number))
        if kind == "h":
            return periods.half(int(year), int(number))
    except ValueError:
        return None
    return None


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("点検する期間"))

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "period", forms.ChoiceField).choices = period_choices(today)

    def review_period(self) -> periods.ReviewPeriod:
        chosen = parse_period(self.cleaned_data["period"])
        if chosen is None:  # choices only hold parseable values
            raise ValidationError(_("点検する期間を選んでください。"))
        return chosen
