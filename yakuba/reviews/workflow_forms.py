"""Forms of the review workflow: opening a round, deciding, implemented, change tasks, the
assumptions, and reading the answer form (one radio group per question, named
``<track>__<question>``, with ``__note`` and ``__article`` beside it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yakuba.core.text import TextValidator
from yakuba.org.models import Staff, Unit, UnitKind
from yakuba.reviews.criteria_access import Definition
from yakuba.reviews.models import ChangeKind, CriteriaVersion, OutcomeEffect, VersionStatus
from yakuba.reviews.workflow import AnswerInput, Answers


class DateInput(forms.DateInput):
    input_type = "date"


class VersionChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: CriteriaVersion) -> str:
        kind = obj.criteria_set.get_applies_to_display()
        return f"{obj.criteria_set.name}（{kind}・第{obj.number}版）"


class RoundForm(forms.Form):
    name = forms.CharField(
        label=_("名称"),
        max_length=200,
        validators=[TextValidator(200)],
        help_text=_("例：令和3年度 押印・書面・対面の見直し"),
    )
    due_on = forms.DateField(label=_("回答期限"), widget=DateInput)
    criteria_versions = VersionChoice(
        label=_("適用する基準（公開中の版）"),
        queryset=CriteriaVersion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    include_procedures = forms.BooleanField(
        label=_("手続・書類を対象とする（有効な手続すべて）"), required=False, initial=True
    )
    include_meetings = forms.BooleanField(
        label=_("定例会議を対象とする（有効な定例会議すべて）"), required=False
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("対象の部"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("選ばなければ全庁が対象です。"),
    )
    description = forms.CharField(
        label=_("説明"),
        required=False,
        max_length=4000,
        validators=[TextValidator(4000, multiline=True)],
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["criteria_versions"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = (
            CriteriaVersion.objects.filter(status=VersionStatus.PUBLISHED)
            .select_related("criteria_set")
            .order_by("criteria_set__applies_to", "criteria_set__name")
        )
        depts = self.fields["departments"]
        assert isinstance(depts, forms.ModelMultipleChoiceField)
        depts.queryset = Unit.objects.filter(kind=UnitKind.DEPARTMENT, active=True).order_by(
            "sort_order", "path"
        )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("差し戻しの理由（担当課への連絡）"),
        required=False,
        max_length=2000,
        validators=[TextValidator(2000, multiline=True)],
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ImplementedForm(forms.Form):
    on = forms.DateField(label=_("実施日"), widget=DateInput)


class OverrideForm(forms.Form):
    track = forms.CharField(max_length=50)
    outcome = forms.CharField(max_length=50)
    reason = forms.CharField(
        label=_("変更の理由"),
        required=False,
        max_length=2000,
        validators=[TextValidator(2000, multiline=True)],
    )


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label=_("種類"), choices=ChangeKind.choices)
    description = forms.CharField(label=_("内容"), max_length=500, validators=[TextValidator(500)])
    owner = forms.ModelChoiceField(label=_("担当者"), queryset=Staff.objects.none(), required=False)
    due_on = forms.DateField(label=_("期限"), required=False, widget=DateInput)

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = Staff.objects.filter(
            unit__path__startswith=unit.path, active=True
        ).order_by("unit__path", "staff_number")


class TaskUpdateForm(TaskForm):
    done = forms.BooleanField(label=_("完了"), required=False)

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, unit=unit, **kwargs)
        for name in ("kind", "description"):
            self.fields[name].required = False


def assumption_rows(current: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every effect with its current minutes and basis (for the assumptions form)."""
    from yakuba.reviews.workflow import DEFAULT_ASSUMPTIONS

    return [
        {
            "effect": value,
            "label": label,
            # Not set yet: the starting value is offered (saved only with the form).
            "minutes": getattr(
                current.get(value),
                "minutes_saved_per_case",
                DEFAULT_ASSUMPTIONS.get(value, (0, ""))[0],
            ),
            "basis": getattr(
                current.get(value), "basis", DEFAULT_ASSUMPTIONS.get(value, (0, ""))[1]
            ),
            "saved": value in current,
        }
        for value, label in OutcomeEffect.choices
        if value not in ("kept", "kept_by_law")
    ]


def read_assumptions(data: Mapping[str, Any]) -> tuple[dict[str, tuple[int, str]], list[str]]:
    """({effect: (minutes, basis)}, problems) from the assumptions form."""
    values: dict[str, tuple[int, str]] = {}
    problems: list[str] = []
    for value, label in OutcomeEffect.choices:
        if value in ("kept", "kept_by_law"):
            continue
        raw = str(data.get(f"minutes_{value}", "")).strip()
        basis = str(data.get(f"basis_{value}", ""))
        if not raw.isascii() or not raw.isdigit() or int(raw) > 10000:
            problems.append(
                str(_("「%(label)s」の削減時間は0〜10000の整数（分）で入力してください。"))
                % {"label": label}
            )
            continue
        values[value] = (int(raw), basis)
    return values, problems


def read_answers(
    data: Mapping[str, Any], definition: Definition, tracks: list[str] | None = None
) -> Answers:
    """The answers posted by the answer form (only ``tracks`` when given)."""
    answers: dict[str, dict[str, AnswerInput]] = {}
    for track in definition.tracks:
        if tracks is not None and track.key not in tracks:
            continue
        for question in track.questions:
            name = f"{track.key}__{question.key}"
            option = str(data.get(name, "") or "")[:50]
            if not option:
                continue
            answers.setdefault(track.key, {})[question.key] = AnswerInput(
                option=option,
                note=str(data.get(f"{name}__note", "") or ""),
                article=str(data.get(f"{name}__article", "") or ""),
            )
    return answers


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None
