from __future__ import annotations

import json
import math
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yakuba.netcheck.judging import Link
from yakuba.netcheck.models import Place

MAX_SERIES = 1000


class ResultForm(forms.Form):
    """What the page sends when the person saves a finished test (all re-checked here)."""

    run = forms.CharField(max_length=64, widget=forms.HiddenInput)
    place = forms.ChoiceField(label=_("測定した場所"), choices=Place.choices)
    link = forms.ChoiceField(label=_("接続方法"), choices=Link.choices)
    download_mbps = forms.FloatField(min_value=0, max_value=100_000, widget=forms.HiddenInput)
    upload_mbps = forms.FloatField(min_value=0, max_value=100_000, widget=forms.HiddenInput)
    ping_ms = forms.FloatField(min_value=0, max_value=60_000, widget=forms.HiddenInput)
    jitter_ms = forms.FloatField(min_value=0, max_value=60_000, widget=forms.HiddenInput)
    loss_pct = forms.FloatField(min_value=0, max_value=100, widget=forms.HiddenInput)
    ping_series = forms.CharField(
        required=False, max_length=MAX_SERIES * 12, widget=forms.HiddenInput
    )

    def clean_ping_series(self) -> list[float | None]:
        raw = self.cleaned_data.get("ping_series") or "[]"
        try:
            values = json.loads(raw)
        except ValueError as exc:
            raise forms.ValidationError(_("測定データの形式が正しくありません。")) from exc
        if not isinstance(values, list) or len(values) > MAX_SERIES:
            raise forms.ValidationError(_("測定データの形式が正しくありません。"))
        series: list[float | None] = []
        for v in values:
            if v is None:
                series.append(None)
            elif (
                isinstance(v, (int, float))
                and not isinstance(v, bool)
                and math.isfinite(v)
                and 0 <= v <= 60_000
            ):
                series.append(round(float(v), 1))
            else:
                raise forms.ValidationError(_("測定データの形式が正しくありません。"))
        return series

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for key in ("download_mbps", "upload_mbps", "ping_ms", "jitter_ms", "loss_pct"):
            if key in data and not math.isfinite(data[key]):
                self.add_error(key, _("測定データの形式が正しくありません。"))
        return data


class PlaceLinkForm(forms.Form):
    """Where and how a saved result was measured: the only parts the person may change."""

    place = forms.ChoiceField(label=_("測定した場所"), choices=Place.choices)
    link = forms.ChoiceField(label=_("接続方法"), choices=Link.choices)
