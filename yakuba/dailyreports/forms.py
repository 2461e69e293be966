"""Morning-report forms: field-level validation and messages for the screens (the services
check the same limits again, so chat commands and scripts meet them too)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yakuba.core import forms as core_forms
from yakuba.core.forms import field_of, model_choice
from yakuba.core.text import TextValidator
from yakuba.dailyreports import selectors
from yakuba.dailyreports.models import (
    MAX_ANSWER,
    MAX_SYMPTOMS,
    MAX_TEMPERATURE,
    MIN_TEMPERATURE,
    BlockerStatus,
    Question,
    QuestionKind,
    ReportWindow,
    WorkPlace,
)
from yakuba.org.models import Staff, Unit

WEEKDAYS = (
    ("0", _("月")),
    ("1", _("火")),
    ("2", _("水")),
    ("3", _("木")),
    ("4", _("金")),
    ("5", _("土")),
    ("6", _("日")),
)
MAX_RANGE_DAYS = 366


class ReportForm(forms.Form):
    """The phone-friendly daily form: one textarea per active question, work place,
    yesterday's plan to tick off, carried-over blockers to resolve, optional health check."""

    work_place = forms.ChoiceField(label=_("今日の勤務場所"), choices=WorkPlace.choices)

    def __init__(
        self,
        *args: Any,
        questions: list[Question],
        plan_lines: list[str],
        open_blockers: list[Any],
        health_check: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            self.fields[f"q_{q.pk}"] = forms.CharField(
                label=q.text,
                required=False,
                max_length=MAX_ANSWER,
                validators=[TextValidator(MAX_ANSWER, multiline=True)],
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"q_{q.pk}"].question = q  # type: ignore[attr-defined]
        if plan_lines:
            self.fields["plan_done"] = forms.MultipleChoiceField(
                label=_("前回の予定（終わったものに印）"),
                choices=[(str(i), line) for i, line in enumerate(plan_lines)],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        if open_blockers:
            self.fields["resolved_blockers"] = forms.MultipleChoiceField(
                label=_("続いている困りごと（解決したものに印）"),
                choices=[(str(b.pk), b.text) for b in open_blockers],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        if health_check:
            self.fields["temperature"] = forms.DecimalField(
                label=_("体温（℃）"),
                required=False,
                min_value=MIN_TEMPERATURE,
                max_value=MAX_TEMPERATURE,
                decimal_places=1,
                widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
            )
            self.fields["symptoms"] = forms.CharField(
                label=_("症状（せき・のどの痛みなど。なければ空欄）"),
                required=False,
                max_length=MAX_SYMPTOMS,
                validators=[TextValidator(MAX_SYMPTOMS)],
            )

    def question_fields(self) -> list[Any]:
        return [self[f"q_{q.pk}"] for q in self.questions]

    def submitting(self) -> bool:
        return "draft" not in self.data

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.submitting():
            for q in self.questions:
                if q.required and not (data.get(f"q_{q.pk}") or "").strip():
                    self.add_error(f"q_{q.pk}", _("この質問は必須です。"))
        return data

    def answers(self) -> dict[str, str]:
        return {str(q.pk): self.cleaned_data.get(f"q_{q.pk}", "") for q in self.questions}

    def health(self) -> dict[str, Any] | None:
        if "temperature" not in self.fields:
            return None
        return {
            "temperature": self.cleaned_data.get("temperature"),
            "symptoms": self.cleaned_data.get("symptoms", ""),
        }

    def report_values(self) -> dict[str, Any]:
        """The keyword arguments of `services.save_report` this form stands for."""
        return {
            "answers": self.answers(),
            "work_place": self.cleaned_data["work_place"],
            "submit": self.submitting(),
            # The form always shows the ticks: unticking all of them clears them.
            "plan_done": [int(i) for i in self.cleaned_data.get("plan_done", [])],
            "resolved_blockers": [int(i) for i in self.cleaned_data.get("resolved_blockers", [])],
            "health": self.health(),
        }


class WindowForm(forms.ModelForm):
    weekdays = forms.MultipleChoiceField(
        label=_("実施する曜日"),
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ReportWindow
        fields = (
            "enabled",
            "opens_at",
            "closes_at",
            "reminder_minutes",
            "work_on_holidays",
            "health_check",
            "fever_threshold",
            "digest_in_app",
            "digest_email",
            "remind_email",
            "remind_chat",
            "channels",
            "escalate_after_days",
            "health_retention_days",
        )
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "channels": forms.CheckboxSelectMultiple,
        }
        labels = {"remind_chat": _("催促をチャットでも送る（メンション）")}
        help_texts = {
            "remind_chat": _(
                "各自が登録したチャットのID（アカウント情報 → チャットのID）でメンションします。"
                "未登録の人は氏名で表示します。"
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(
            self, "channels", forms.ModelChoiceField
        ).queryset = self.instance.unit.channels.filter(active=True)
        self.initial["weekdays"] = [
            str(i) for i, c in enumerate(self.instance.workdays) if c == "1"
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("締切は受付開始より後にしてください。"))
        days = set(data.get("weekdays") or [])
        data["workdays"] = "".join("1" if str(i) in days else "0" for i in range(7))
        return data

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("channels", None)
        data.pop("weekdays", None)
        return data


class QuestionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(label=_("質問"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("種類"), choices=QuestionKind.choices)
    position = forms.IntegerField(label=_("順番"), min_value=0, max_value=99, initial=9)
    required = forms.BooleanField(label=_("必須"), required=False)
    active = forms.BooleanField(label=_("使用する"), required=False, initial=True)
    delete = forms.BooleanField(label=_("削除"), required=False)


QuestionFormSet = forms.formset_factory(QuestionForm, extra=1, max_num=20)


class BlockerForm(forms.Form):
    status = forms.ChoiceField(label=_("状態"), choices=BlockerStatus.choices)
    helpers = forms.ModelMultipleChoiceField(
        label=_("手伝える人"), queryset=Staff.objects.none(), required=False
    )

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "helpers").queryset = selectors.possible_helpers(unit)


class RangeForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("所属"), queryset=Unit.objects.none(), required=False)
    start = core_forms.DateField(
        label=_("開始日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = core_forms.DateField(
        label=_("終了日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    q = forms.CharField(label=_("報告を検索"), required=False, max_length=100)
    format = forms.ChoiceField(
        label=_("形式"), choices=(("xlsx", "Excel (.xlsx)"), ("csv", "CSV")), required=False
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "unit").queryset = units

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - dt.timedelta(days=27)
        if start > end:
            raise ValidationError(_("開始日は終了日以前にしてください。"))
        if (end - start).days > MAX_RANGE_DAYS:
            raise ValidationError(_("期間は1年以内にしてください。"))
        data["start"], data["end"] = start, end
        return data
