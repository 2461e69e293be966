"""All validation of drill input (infosec's templates and drills)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yakuba.core.forms import DateTimeField
from yakuba.drills.content import html_problems
from yakuba.drills.models import Drill, DrillTemplate
from yakuba.drills.services import check_window

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class TemplateForm(forms.ModelForm):
    class Meta:
        model = DrillTemplate
        fields = (
            "name",
            "subject",
            "sender_name",
            "sender_address",
            "body",
            "html_body",
            "signs",
            "fake_form",
            "form_title",
        )
        widgets = {
            "body": forms.Textarea(attrs={"rows": 10}),
            "html_body": forms.Textarea(attrs={"rows": 6}),
            "signs": forms.Textarea(attrs={"rows": 5}),
        }

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if "{link}" not in body:
            raise forms.ValidationError(_("本文に {link}（訓練用のリンク）を入れてください。"))
        return body

    def clean_html_body(self) -> str:
        html: str = self.cleaned_data.get("html_body") or ""
        if html.strip():
            problems = html_problems(html)
            if problems:
                raise forms.ValidationError(problems)
            if "{link}" not in html:
                raise forms.ValidationError(_("HTMLの本文にも {link} を入れてください。"))
        return html

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("fake_form") and not (data.get("form_title") or "").strip():
            self.add_error(
                "form_title", _("偽のフォームを表示するときは、その見出しを入力してください。")
            )
        return data


class DrillForm(forms.ModelForm):
    send_from = DateTimeField(label=_("送信開始"), widget=DATETIME_INPUT)
    send_until = DateTimeField(
        label=_("送信終了"),
        widget=DATETIME_INPUT,
        help_text=_("この間に、一人ずつ時刻をずらして送ります。"),
    )
    ends_at = DateTimeField(
        label=_("訓練の終了"),
        widget=DATETIME_INPUT,
        help_text=_(
            "この日時で結果を確定し、リンクを開いた人にフォローアップの学習を割り当てます。"
        ),
    )

    class Meta:
        model = Drill
        fields = ("name", "template", "send_from", "send_until", "ends_at")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, until, ends = data.get("send_from"), data.get("send_until"), data.get("ends_at")
        if start and until and ends:
            try:
                check_window(start, until, ends)
            except forms.ValidationError as exc:
                raise forms.ValidationError(exc.messages) from None
        return data
