from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yakuba.notifications.models import ChannelKind
from yakuba.org.models import Unit


class ChannelForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("所属"), queryset=Unit.objects.none())
    name = forms.CharField(label=_("名前"), max_length=100)
    kind = forms.ChoiceField(label=_("チャットの種類"), choices=ChannelKind.choices)
    url = forms.URLField(
        label=_("Webhook URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("保存後は一部しか表示されません。"),
        widget=forms.URLInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
