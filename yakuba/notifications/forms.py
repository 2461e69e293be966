from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yakuba.core.forms import model_choice
from yakuba.notifications import outbound
from yakuba.notifications.models import ChannelKind, normalise_handle, validate_handle
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
        model_choice(self, "unit").queryset = units

    def clean_url(self) -> str:
        """Only where the system administrator allows (https, allowed host, public address)."""
        url = self.cleaned_data["url"]
        outbound.check_webhook_url(url)
        return url


class ChatIdentityForm(forms.Form):
    """The person's handle in each chat that can mention them (blank: named, not mentioned)."""

    slack = forms.CharField(
        label=_("Slack のメンバーID"),
        required=False,
        max_length=30,
        help_text=_("Slack のプロフィール →「メンバーIDをコピー」（例：U012AB3CD）"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    mattermost = forms.CharField(
        label=_("Mattermost のユーザー名"),
        required=False,
        max_length=30,
        help_text=_(
            "@ の後ろの部分（例：yamada.taro）。Yakuba のユーザー名と違ってもかまいません。"
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    teams = forms.CharField(
        label=_("Microsoft Teams のID"),
        required=False,
        max_length=254,
        help_text=_(
            "Entra ID（Azure AD）のオブジェクトID、またはサインインに使うユーザープリンシパル名"
            "（例：taro.yamada@city.example.lg.jp）"
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def _clean_handle(self, kind: str) -> str:
        value = normalise_handle(kind, self.cleaned_data.get(kind) or "")
        if value:
            validate_handle(kind, value)
        return value

    def clean_slack(self) -> str:
        return self._clean_handle(ChannelKind.SLACK)

    def clean_mattermost(self) -> str:
        return self._clean_handle(ChannelKind.MATTERMOST)

    def clean_teams(self) -> str:
        return self._clean_handle(ChannelKind.TEAMS)
