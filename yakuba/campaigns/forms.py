"""Input validation for courses, campaigns and the reminder settings (views stay thin)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yakuba.awareness.models import Lesson, Question
from yakuba.campaigns import content
from yakuba.campaigns.models import Campaign, CampaignSettings, Course
from yakuba.core import forms as core_forms
from yakuba.core.text import nfkc

CODES_HELP = _(
    "問題バンクのレッスン・問題のコードを、出す順に1行に1つ書きます。"
    "レッスンは読んで「次へ」、問題は答えると解説が出ます。"
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _codes_field(required: bool) -> forms.CharField:
    return forms.CharField(
        label=_("レッスン・問題（コード）"),
        required=required,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocapitalize": "off"}),
        help_text=CODES_HELP,
    )


def _clean_title(value: str) -> str:
    text = nfkc(value or "").strip()
    if not text:
        raise ValidationError(_("名前を入力してください。"))
    return text


class CourseForm(forms.ModelForm):
    codes = _codes_field(required=True)

    class Meta:
        model = Course
        fields = [
            "title",
            "description",
            "pass_percent",
            "required_for_telework",
            "validity_days",
            "active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["codes"] = content.codes_text(content.items_of(course=self.instance))
        self.items: list[Lesson | Question] = []

    def clean_title(self) -> str:
        return _clean_title(self.cleaned_data.get("title", ""))

    def clean_codes(self) -> str:
        text = self.cleaned_data.get("codes", "")
        self.items = content.parse_codes(text)
        if not any(isinstance(i, Question) for i in self.items):
            raise ValidationError(_("合格点で判定するため、問題を1問以上入れてください。"))
        return text


class CampaignForm(forms.ModelForm):
    starts_on = core_forms.DateField(label=_("開始日"), widget=DateInput())
    due_on = core_forms.DateField(label=_("期限"), widget=DateInput())
    codes = _codes_field(required=False)

    class Meta:
        model = Campaign
        fields = ["title", "description", "course", "starts_on", "due_on"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        course = self.fields["course"]
        assert isinstance(course, forms.ModelChoiceField)
        course.queryset = Course.objects.filter(active=True).order_by("title")
        course.empty_label = _("（研修を使わず、下のレッスン・問題を出す）")
        course.help_text = _("研修を選ぶと、その研修の内容と合格点で実施します。")
        self.fields["codes"].help_text = _("研修を選ばないときに入力します。") + " " + CODES_HELP
        if not self.is_bound:
            if self.instance.pk:
                self.initial["codes"] = content.codes_text(content.items_of(campaign=self.instance))
            else:
                today = timezone.localdate()
                self.initial.setdefault("starts_on", today)
                self.initial.setdefault("due_on", today + dt.timedelta(days=14))
        self.items: list[Lesson | Question] = []

    def clean_title(self) -> str:
        return _clean_title(self.cleaned_data.get("title", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, due = data.get("starts_on"), data.get("due_on")
        if start and due and due < start:
            self.add_error("due_on", _("期限は開始日以降にしてください。"))
        codes = (data.get("codes") or "").strip()
        if data.get("course") is not None:
            if codes:
                self.add_error(
                    "codes",
                    _(
                        "研修を選んだときは、レッスン・問題は入力しません（研修の内容で実施します）。"
                    ),
                )
        elif "course" in data:
            if not codes:
                self.add_error(
                    "codes", _("研修を選ばないときは、レッスン・問題を入力してください。")
                )
            else:
                try:
                    self.items = content.parse_codes(codes)
                except ValidationError as exc:
                    self.add_error("codes", exc)
        return data


class SettingsForm(forms.ModelForm):
    class Meta:
        model = CampaignSettings
        fields = [
            "remind_days_before",
            "remind_hour",
            "overdue_reminders",
            "send_email",
            "post_to_chat",
        ]
