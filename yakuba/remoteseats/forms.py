"""Input validation for remote seats and the terminal ledger (views stay thin)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yakuba.core import forms as core_forms
from yakuba.core.forms import field_of, model_choice
from yakuba.core.text import nfkc
from yakuba.org.forms import StaffChoiceField
from yakuba.org.models import Staff
from yakuba.remoteseats.models import LoanedTerminal, tokyo_today
from yakuba.rosters.models import ActivityKind, RemoteResource, WorkActivity


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DayForm(forms.Form):
    date = core_forms.DateField(label=_("日付"), widget=DateInput(), required=False)


class BookingForm(forms.Form):
    resource = forms.ModelChoiceField(
        label=_("リモート接続枠"), queryset=RemoteResource.objects.filter(active=True)
    )
    date = core_forms.DateField(label=_("日付"), widget=DateInput())


class ResourceForm(forms.ModelForm):
    class Meta:
        model = RemoteResource
        fields = ["name", "capacity", "activities", "active"]
        widgets = {"activities": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "activities").queryset = WorkActivity.objects.filter(
            kind__in=[ActivityKind.TELEWORK, ActivityKind.SATELLITE]
        ).select_related("unit")
        self.fields["activities"].help_text = _(
            "公開済みの勤務表でこの勤務形態の人は、その日の枠を1つ使います。"
        )
        field_of(self, "capacity", forms.IntegerField).min_value = 1
        self.fields["capacity"].widget.attrs["min"] = 1

    def clean_name(self) -> str:
        return nfkc(self.cleaned_data["name"]).strip()

    def clean_capacity(self) -> int:
        value = self.cleaned_data["capacity"]
        if value < 1:
            raise forms.ValidationError(_("1以上の数を入力してください。"))
        return value


class TerminalForm(forms.ModelForm):
    class Meta:
        model = LoanedTerminal
        fields = ["asset_tag", "model_name", "description", "active", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def clean_asset_tag(self) -> str:
        value = nfkc(self.cleaned_data["asset_tag"]).strip().upper()
        if not value.isascii() or not value.replace("-", "").replace("_", "").isalnum():
            raise forms.ValidationError(_("資産番号は半角英数字とハイフンで入力してください。"))
        return value


class CheckOutForm(forms.Form):
    staff = StaffChoiceField(label=_("貸出先の職員"), queryset=Staff.objects.none())
    checked_out_on = core_forms.DateField(label=_("貸出日"), widget=DateInput())
    due_on = core_forms.DateField(label=_("返却予定日"), widget=DateInput())
    condition_out = forms.CharField(
        label=_("貸出時の状態"),
        max_length=200,
        required=False,
        help_text=_("例：傷なし、ACアダプタ・マウス付属"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "staff").queryset = (
            Staff.objects.filter(active=True).select_related("unit").order_by("staff_number")
        )
        if not self.is_bound:
            self.initial.setdefault("checked_out_on", tokyo_today())

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        out, due = data.get("checked_out_on"), data.get("due_on")
        if out and due and due < out:
            self.add_error("due_on", _("返却予定日は貸出日以降にしてください。"))
        return data


class ReturnForm(forms.Form):
    returned_on = core_forms.DateField(label=_("返却日"), widget=DateInput())
    condition_in = forms.CharField(
        label=_("返却時の状態"),
        max_length=200,
        required=False,
        help_text=_("傷・付属品の欠品・不具合など"),
    )

    def __init__(self, *args: Any, checked_out_on: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checked_out_on = checked_out_on
        if not self.is_bound:
            self.initial.setdefault("returned_on", tokyo_today())

    def clean_returned_on(self) -> Any:
        value = self.cleaned_data["returned_on"]
        if self.checked_out_on and value < self.checked_out_on:
            raise forms.ValidationError(_("返却日は貸出日以降にしてください。"))
        if value > tokyo_today():
            raise forms.ValidationError(_("返却日に未来の日付は指定できません。"))
        return value
