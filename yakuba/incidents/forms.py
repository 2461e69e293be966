"""Input validation for reports, triage, the timeline, closing and lesson drafts."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yakuba.core.text import TextValidator
from yakuba.incidents.models import Category, Incident, Outcome, PersonalData, Severity, Status

_SPACES = re.compile(r"\s+")


def one_line(value: str) -> str:
    """A subject or sender copied from a mail client may carry line breaks: one line."""
    return _SPACES.sub(" ", value).strip()


class OneLineField(forms.CharField):
    """Folds line breaks and tabs into single spaces before the field is validated."""

    def to_python(self, value: Any) -> str:
        return one_line(str(super().to_python(value) or ""))


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ReportForm(forms.ModelForm):
    class Meta:
        model = Incident
        fields = ["category", "occurred_at", "place", "description", "personal_data"]
        widgets = {
            "category": forms.RadioSelect,
            "personal_data": forms.RadioSelect,
            "occurred_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "occurred_at": _("わからなければ空欄で構いません。"),
            "place": _("例：自宅、庁舎3階会議室、通勤の電車内"),
            "description": _(
                "何が起きたか、いつ気づいたか、すでにしたこと。人の名前は書かなくて構いません。"
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.DateTimeField, self.fields["occurred_at"]).input_formats = ["%Y-%m-%dT%H:%M"]
        cast(forms.ChoiceField, self.fields["personal_data"]).choices = PersonalData.choices
        cast(forms.ChoiceField, self.fields["category"]).choices = Category.choices

    def clean_occurred_at(self) -> Any:
        value = self.cleaned_data.get("occurred_at")
        if value and value > timezone.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError(_("発生日時が未来になっています。"))
        return value

    def clean_description(self) -> str:
        return str(self.cleaned_data["description"]).strip()


class SuspiciousMailForm(forms.Form):
    subject = OneLineField(
        label=_("件名（見えたとおりに）"),
        max_length=300,
        required=False,
        validators=[TextValidator(300)],
    )
    sender = OneLineField(
        label=_("差出人（名前やアドレス）"),
        max_length=300,
        required=False,
        validators=[TextValidator(300)],
    )
    note = forms.CharField(
        label=_("気づいたこと（任意）"),
        max_length=2000,
        required=False,
        validators=[TextValidator(2000, multiline=True)],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例：リンクを開いてしまった、添付ファイルを開いた、など。"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("subject") and not data.get("sender") and not self.errors:
            raise forms.ValidationError(
                _("件名か差出人のどちらかを入力してください（わかる範囲で構いません）。")
            )
        return data


class TriageForm(forms.ModelForm):
    class Meta:
        model = Incident
        fields = ["category", "severity", "personal_data_confirmed", "people_affected"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["severity"].required = True
        cast(forms.ChoiceField, self.fields["severity"]).choices = [("", "—"), *Severity.choices]
        self.fields["people_affected"].widget.attrs.update({"min": 0})


class EntryForm(forms.Form):
    text = forms.CharField(
        label=_("対応の内容"),
        max_length=2000,
        validators=[TextValidator(2000, multiline=True)],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    for_reporter = forms.BooleanField(
        label=_("報告者にも表示する"),
        required=False,
        help_text=_("オフのときは情報セキュリティ担当だけが見る内部メモになります。"),
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("結果"), choices=[("", "—"), *Outcome.choices])
    message = forms.CharField(
        label=_("報告者へのひとこと"),
        max_length=2000,
        required=False,
        validators=[TextValidator(2000, multiline=True)],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("空欄なら「対応を完了しました。」と表示されます。"),
    )


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状況"), choices=[("", _("すべて")), *Status.choices], required=False
    )
    category = forms.ChoiceField(
        label=_("種類"), choices=[("", _("すべて")), *Category.choices], required=False
    )

    def values(self) -> dict[str, str]:
        if not self.is_valid():
            return {"status": "", "category": ""}
        return {k: self.cleaned_data.get(k) or "" for k in ("status", "category")}


class LessonDraftForm(forms.Form):
    title = forms.CharField(label=_("題名"), max_length=100, validators=[TextValidator(100)])
    body = forms.CharField(
        label=_("本文"),
        max_length=4000,
        validators=[TextValidator(4000, multiline=True)],
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    question = forms.CharField(
        label=_("問題文"),
        max_length=1000,
        validators=[TextValidator(1000, multiline=True)],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    choice_1 = forms.CharField(label=_("選択肢1"), max_length=300, validators=[TextValidator(300)])
    choice_2 = forms.CharField(label=_("選択肢2"), max_length=300, validators=[TextValidator(300)])
    choice_3 = forms.CharField(
        label=_("選択肢3"), max_length=300, required=False, validators=[TextValidator(300)]
    )
    correct = forms.ChoiceField(
        label=_("正解"),
        choices=[("1", _("選択肢1")), ("2", _("選択肢2")), ("3", _("選択肢3"))],
        widget=forms.RadioSelect,
    )
    explanation = forms.CharField(
        label=_("解説"),
        max_length=2000,
        validators=[TextValidator(2000, multiline=True)],
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("correct") == "3" and not data.get("choice_3"):
            self.add_error("choice_3", _("正解にした選択肢3が空欄です。"))
        return data

    def choices(self) -> list[tuple[str, bool]]:
        data = self.cleaned_data
        picked = data["correct"]
        return [
            (data[f"choice_{i}"], str(i) == picked) for i in (1, 2, 3) if data.get(f"choice_{i}")
        ]
