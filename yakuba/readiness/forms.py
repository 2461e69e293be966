"""Input validation for the checklist, its items and the office's settings."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from yakuba.org.models import Unit
from yakuba.readiness.models import ChecklistItem, ReadinessSettings
from yakuba.readiness.status import Status

DONE, NOT_YET = "done", "not_yet"
ANSWERS = [(DONE, _("できている")), (NOT_YET, _("まだ"))]


class ChecklistForm(forms.Form):
    """One required yes/not-yet question per active item: every item must be confirmed."""

    def __init__(self, *args: Any, items: list[ChecklistItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for number, item in enumerate(items, start=1):
            field = forms.ChoiceField(
                label=item.text,
                choices=ANSWERS,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("「%(item)s」に「できている」か「まだ」で答えてください。")
                    % {"item": item.text},
                    "invalid_choice": _("「できている」か「まだ」を選んでください。"),
                },
            )
            field.item = item  # type: ignore[attr-defined]
            field.number = number  # type: ignore[attr-defined]
            self.fields[f"item_{item.pk}"] = field

    def answers(self) -> dict[int, bool]:
        return {item.pk: self.cleaned_data[f"item_{item.pk}"] == DONE for item in self.items}

    def item_fields(self) -> list[Any]:
        return [self[f"item_{item.pk}"] for item in self.items]


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ReadinessSettings
        fields = [
            "enforce_gate",
            "validity_days",
            "reminder_days",
            "require_netcheck",
            "netcheck_max_age_days",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        validity, reminder = data.get("validity_days"), data.get("reminder_days")
        if validity and reminder and reminder >= validity:
            self.add_error("reminder_days", _("お知らせの日数は、有効期間より短くしてください。"))
        return data


class ItemForm(forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["text", "guidance", "order", "active"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 4})}

    def clean_text(self) -> str:
        return str(self.cleaned_data["text"]).strip()

    def clean_guidance(self) -> str:
        return str(self.cleaned_data["guidance"]).strip()


class PeopleFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状況"), choices=[("", _("すべて")), *Status.choices], required=False
    )
    unit = forms.ModelChoiceField(label=_("所属"), queryset=Unit.objects.none(), required=False)
    everyone = forms.BooleanField(
        label=_("在宅勤務の予定・実績がない職員も表示する"), required=False
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = cast(forms.ModelChoiceField, self.fields["unit"])
        unit.queryset = units
        unit.empty_label = _("権限のあるすべての所属")

    def values(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"status": "", "unit": None, "everyone": False}
        return {
            "status": self.cleaned_data.get("status") or "",
            "unit": self.cleaned_data.get("unit"),
            "everyone": bool(self.cleaned_data.get("everyone")),
        }
