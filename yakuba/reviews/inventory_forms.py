"""Forms of the inventory pages: the upload, the procedure filters, the hourly rates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from yakuba.org.models import Unit
from yakuba.org.positions import LEVELS, level_label
from yakuba.reviews.meeting_costs import DEFAULT_RATES

YES_NO = [("", _("すべて")), ("yes", _("あり")), ("no", _("なし"))]


class InventoryUploadForm(forms.Form):
    file = forms.FileField(
        label=_("棚卸し表のファイル"),
        help_text=_(
            "Excel（.xlsx）または CSV（UTF-8 / Shift_JIS）。部ごとのシートに分かれていても"
            "取り込めます。"
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.YAKUBA_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("ファイルが大きすぎます（上限 %(mb)s MB）。") % {"mb": limit // (1024 * 1024)}
            )
        if not upload.name.lower().endswith((".xlsx", ".csv", ".txt")):
            raise forms.ValidationError(_(".xlsx または .csv のファイルを選んでください。"))
        return upload


class ConfirmForm(forms.Form):
    deactivate_missing = forms.BooleanField(
        label=_("ファイルにない手続を無効にする"),
        required=False,
        help_text=_(
            "チェックすると、上の一覧の手続を棚卸しの対象から外します（削除はしません。"
            "見直しの記録は残ります）。"
        ),
    )


class _UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'　' * max(0, obj.depth - 1)}{obj.name}"


class ProcedureFilterForm(forms.Form):
    q = forms.CharField(label=_("キーワード"), required=False, max_length=100)
    department = _UnitChoice(
        label=_("部"), queryset=Unit.objects.none(), required=False, empty_label=_("すべて")
    )
    unit = _UnitChoice(
        label=_("所管課"), queryset=Unit.objects.none(), required=False, empty_label=_("すべて")
    )
    seal = forms.ChoiceField(label=_("押印・署名"), choices=YES_NO, required=False)
    paper = forms.ChoiceField(label=_("書面"), choices=YES_NO, required=False)
    in_person = forms.ChoiceField(label=_("対面（来庁）"), choices=YES_NO, required=False)
    inactive = forms.BooleanField(label=_("無効の手続も表示する"), required=False)

    def __init__(
        self, *args: Any, departments: QuerySet[Unit], units: QuerySet[Unit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class HourlyRatesForm(forms.Form):
    """One yen-per-hour field per position level."""

    def __init__(self, *args: Any, current: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for level in LEVELS:
            self.fields[f"level_{level}"] = forms.IntegerField(
                label=level_label(level),
                min_value=1,
                max_value=1_000_000,
                initial=current.get(level, DEFAULT_RATES[level]),
                help_text=_("円／時間（既定値 %(yen)s 円）") % {"yen": f"{DEFAULT_RATES[level]:,}"},
            )

    def rates(self) -> dict[str, int]:
        return {level: self.cleaned_data[f"level_{level}"] for level in LEVELS}
