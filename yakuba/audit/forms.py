from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yakuba.audit.models import AuditAction
from yakuba.core import forms as core_forms


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=[("", _("すべて")), *AuditAction.choices]
    )
    actor = forms.CharField(label=_("操作者"), required=False, max_length=150)
    object_type = forms.CharField(label=_("対象の種類"), required=False, max_length=100)
    date_from = core_forms.DateField(
        label=_("開始日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = core_forms.DateField(
        label=_("終了日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("開始日は終了日より前にしてください。"))
        return data
