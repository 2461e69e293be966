"""Forms of the policy evaluation cycle (validation only; writes go through services)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yakuba.core.text import TextValidator
from yakuba.org.models import Unit
from yakuba.policies.models import (
    Comment,
    CommentHeading,
    Policy,
    PolicyYear,
    UnitContact,
    YearStatus,
    fiscal_year_label,
)
from yakuba.policies.services import IndicatorInput

MAX_INDICATORS = 8


class PolicyForm(forms.ModelForm[Policy]):
    class Meta:
        model = Policy
        fields = ["code", "title", "responsible_unit", "description", "first_year", "last_year"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units: QuerySet[Unit] = Unit.objects.filter(active=True).order_by("path")
        field = self.fields["responsible_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units


def _year_choices() -> list[tuple[int, str]]:
    this = timezone.localdate()
    current = this.year if this.month >= 4 else this.year - 1
    return [(y, f"{fiscal_year_label(y)}（{y}）") for y in range(current + 1, current - 11, -1)]


class YearForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["fiscal_year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = _year_choices()


class EvaluationForm(forms.ModelForm[PolicyYear]):
    """The internal evaluation, with up to `MAX_INDICATORS` indicator rows."""

    class Meta:
        model = PolicyYear
        fields = ["rating", "self_assessment", "issues", "status"]
        widgets = {
            "self_assessment": forms.Textarea(attrs={"rows": 6}),
            "issues": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        if not (self.instance and self.instance.publications.exists()):
            status.choices = [c for c in YearStatus.choices if c[0] != YearStatus.PUBLISHED]
        existing = list(self.instance.indicators.order_by("order", "pk")) if self.instance else []
        for n in range(1, MAX_INDICATORS + 1):
            current = existing[n - 1] if n <= len(existing) else None
            self.fields[f"ind{n}_name"] = forms.CharField(
                label=_("指標名"),
                required=False,
                max_length=200,
                validators=[TextValidator(200)],
                initial=current.name if current else "",
            )
            self.fields[f"ind{n}_unit"] = forms.CharField(
                label=_("単位"),
                required=False,
                max_length=20,
                validators=[TextValidator(20)],
                initial=current.unit_label if current else "",
            )
            self.fields[f"ind{n}_target"] = forms.DecimalField(
                label=_("目標値"),
                required=False,
                max_digits=14,
                decimal_places=2,
                initial=current.target if current else None,
            )
            self.fields[f"ind{n}_actual"] = forms.DecimalField(
                label=_("実績値"),
                required=False,
                max_digits=14,
                decimal_places=2,
                initial=current.actual if current else None,
            )

    def indicator_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"ind{n}_{part}"] for part in ("name", "unit", "target", "actual")]
            for n in range(1, MAX_INDICATORS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, MAX_INDICATORS + 1):
            filled = any(
                data.get(f"ind{n}_{p}") not in (None, "") for p in ("unit", "target", "actual")
            )
            if filled and not data.get(f"ind{n}_name"):
                self.add_error(f"ind{n}_name", _("指標名を入力してください。"))
        return data

    def indicators(self) -> list[IndicatorInput]:
        data = self.cleaned_data
        rows = []
        for n in range(1, MAX_INDICATORS + 1):
            name = data.get(f"ind{n}_name") or ""
            if not name:
                continue
            target: Decimal | None = data.get(f"ind{n}_target")
            actual: Decimal | None = data.get(f"ind{n}_actual")
            rows.append(IndicatorInput(name, data.get(f"ind{n}_unit") or "", target, actual))
        return rows


class CommentForm(forms.ModelForm[Comment]):
    class Meta:
        model = Comment
        fields = ["heading", "text", "evaluator", "order"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"order": _("空欄なら見出しの最後に追加します。")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        heading = self.fields["heading"]
        assert isinstance(heading, forms.ModelChoiceField)
        heading.queryset = CommentHeading.objects.order_by("order", "pk")
        heading.empty_label = None


class HeadingForm(forms.ModelForm[CommentHeading]):
    class Meta:
        model = CommentHeading
        fields = ["name", "order"]


class ContactForm(forms.ModelForm[UnitContact]):
    class Meta:
        model = UnitContact
        fields = ["section_name", "postal_code", "address", "phone", "fax", "email"]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("意見のファイル（.xlsx または .csv）"),
        help_text=_("列：年度・施策コード・見出し・意見（任意で評価者）。1行目は見出し行です。"),
    )


class CommentChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"［{obj.heading.name}］{obj.text}"


class CountermeasureChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.problem}：{obj}"


class ReplyForm(forms.Form):
    comments = CommentChoices(
        label=_("この返答が答える意見"),
        queryset=Comment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("この返答が答える意見を1つ以上選んでください。")},
    )
    text = forms.CharField(
        label=_("返答"),
        max_length=8000,
        validators=[TextValidator(8000, multiline=True)],
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    countermeasures = CountermeasureChoices(
        label=_("関連する対応策（課題と対応策）"),
        queryset=Comment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    evidence_report = forms.ModelChoiceField(
        label=_("根拠となる点検・評価報告"),
        queryset=Comment.objects.none(),
        required=False,
        empty_label=_("（なし）"),
    )

    def __init__(
        self,
        *args: Any,
        year: PolicyYear,
        countermeasures: QuerySet[Any],
        reports: QuerySet[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        comments = self.fields["comments"]
        assert isinstance(comments, forms.ModelMultipleChoiceField)
        comments.queryset = Comment.objects.filter(year=year).select_related("heading")
        cms = self.fields["countermeasures"]
        assert isinstance(cms, forms.ModelMultipleChoiceField)
        cms.queryset = countermeasures
        report = self.fields["evidence_report"]
        assert isinstance(report, forms.ModelChoiceField)
        report.queryset = reports


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("差し戻す場合の理由"),
        required=False,
        max_length=2000,
        validators=[TextValidator(2000, multiline=True)],
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PublishForm(forms.Form):
    page_date = forms.DateField(
        label=_("更新日"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("公開ページに「更新日」として表示する日付です。"),
    )
    note = forms.CharField(
        label=_("変更内容（2版目以降）"),
        required=False,
        max_length=200,
        validators=[TextValidator(200)],
    )
