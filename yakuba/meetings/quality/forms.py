"""Validation of the connection-quality settings (information division)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yakuba.meetings.models import ConnectionQualitySettings


class QualitySettingsForm(forms.ModelForm):
    class Meta:
        model = ConnectionQualitySettings
        fields = [
            "drops_per_hour",
            "min_hours",
            "window_days",
            "nudge_every_days",
            "nudges_enabled",
        ]
        help_texts = {
            "drops_per_hour": _("この回数を超えた人に、接続チェックを勧めるお知らせを送ります。"),
            "min_hours": _(
                "会議への接続時間がこれより短い人は判定しません（短い会議1回で判定しないため）。"
            ),
            "window_days": _("この日数のあいだに終わった会議を集計します。"),
            "nudge_every_days": _("一度お知らせした人には、この日数が過ぎるまで送りません。"),
        }
        widgets = {
            "drops_per_hour": forms.NumberInput(attrs={"step": "0.1", "min": "0.1", "max": "60"}),
            "min_hours": forms.NumberInput(attrs={"step": "0.5", "min": "0", "max": "100"}),
            "window_days": forms.NumberInput(attrs={"min": "7", "max": "180"}),
            "nudge_every_days": forms.NumberInput(attrs={"min": "1", "max": "365"}),
        }

    def clean_drops_per_hour(self) -> float:
        value = self.cleaned_data["drops_per_hour"]
        if not 0.1 <= value <= 60:
            raise forms.ValidationError(_("0.1〜60 の範囲で入力してください。"))
        return value

    def clean_min_hours(self) -> float:
        value = self.cleaned_data["min_hours"]
        if not 0 <= value <= 100:
            raise forms.ValidationError(_("0〜100 の範囲で入力してください。"))
        return value

    def clean_window_days(self) -> int:
        value = self.cleaned_data["window_days"]
        if not 7 <= value <= 180:
            raise forms.ValidationError(_("7〜180 の範囲で入力してください。"))
        return value

    def clean_nudge_every_days(self) -> int:
        value = self.cleaned_data["nudge_every_days"]
        if not 1 <= value <= 365:
            raise forms.ValidationError(_("1〜365 の範囲で入力してください。"))
        return value
