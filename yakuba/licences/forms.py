"""Input validation for the licence ledger and the report (views stay thin)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yakuba.core import forms as core_forms
from yakuba.core.forms import model_choice
from yakuba.core.text import nfkc
from yakuba.licences.models import Licence
from yakuba.licences.report import default_margin, last_complete_month
from yakuba.org.forms import StaffChoiceField
from yakuba.org.models import Staff


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _staff_field(label: Any, required: bool) -> forms.ModelChoiceField:
    field = StaffChoiceField(
        label=label,
        queryset=Staff.objects.filter(active=True).select_related("unit").order_by("staff_number"),
        required=required,
    )
    return field


class LicenceForm(forms.ModelForm):
    class Meta:
        model = Licence
        fields = ["platform", "name", "kind", "monthly_cost", "valid_from", "valid_to", "notes"]
        widgets = {
            "valid_from": DateInput(),
            "valid_to": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["monthly_cost"].widget.attrs.update({"min": 0, "step": 1})
        self.fields["valid_to"].help_text = _("空欄：契約中")
        if self.instance.pk is None:
            self.fields["holder"] = _staff_field(_("保有者"), required=False)
            self.fields["holder"].help_text = _(
                "このライセンスでホストする職員。後から「保有者の変更」で付け替えられます。"
            )
            if not self.is_bound:
                self.initial.setdefault("valid_from", timezone.localdate().replace(day=1))

    def clean_name(self) -> str:
        value = nfkc(self.cleaned_data["name"]).strip()
        if not value:
            raise forms.ValidationError(_("名称を入力してください。"))
        return value

    def clean_monthly_cost(self) -> int:
        value = self.cleaned_data["monthly_cost"]
        if value is None or value < 0:
            raise forms.ValidationError(_("0以上の金額（円）を入力してください。"))
        if value > 10_000_000:
            raise forms.ValidationError(
                _("月額が大きすぎます。1ライセンスの月額を入力してください。")
            )
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("契約終了日は契約開始日以降にしてください。"))
        return data


class ReassignForm(forms.Form):
    staff = forms.ModelChoiceField(queryset=Staff.objects.none(), required=False)
    on = core_forms.DateField(label=_("変更日"), widget=DateInput())

    def __init__(self, *args: Any, licence: Licence, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.licence = licence
        self.fields["staff"] = _staff_field(_("新しい保有者"), required=False)
        model_choice(self, "staff").empty_label = _("（保有者なし）")
        self.fields["staff"].help_text = _("空欄にすると、このライセンスは未割り当てになります。")
        self.fields["on"].help_text = _("この日の会議から新しい保有者の利用として数えます。")
        if not self.is_bound:
            self.initial.setdefault("on", timezone.localdate())

    def clean_on(self) -> dt.date:
        value = self.cleaned_data["on"]
        if value < self.licence.valid_from:
            raise forms.ValidationError(_("変更日は契約開始日以降にしてください。"))
        if self.licence.valid_to and value > self.licence.valid_to:
            raise forms.ValidationError(_("変更日は契約終了日以前にしてください。"))
        return value


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m", **kwargs)


class ReportForm(forms.Form):
    month = core_forms.DateField(
        label=_("対象月"), input_formats=["%Y-%m"], widget=MonthInput(), required=False
    )
    margin_min = forms.IntegerField(
        label=_("余裕（最低台数）"), min_value=0, max_value=50, required=False
    )
    margin_percent = forms.IntegerField(
        label=_("余裕（最大同時開催数に対する%）"), min_value=0, max_value=100, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        minimum, percent = default_margin()
        self.defaults = {
            "month": last_complete_month(),
            "margin_min": minimum,
            "margin_percent": percent,
        }
        for name in ("margin_min", "margin_percent"):
            self.fields[name].widget.attrs["placeholder"] = self.defaults[name]

    def clean_month(self) -> dt.date | None:
        value = self.cleaned_data["month"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("未来の月は選べません。"))
        return value.replace(day=1) if value else None

    def values(self) -> dict[str, Any]:
        """The chosen month and margin, the defaults where left empty or invalid."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {k: data.get(k) if data.get(k) is not None else d for k, d in self.defaults.items()}
