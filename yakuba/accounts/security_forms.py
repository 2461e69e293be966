"""Forms of the security page (password change) and the account hygiene screen."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from yakuba.accounts import hygiene, throttle


class YakubaPasswordChangeForm(PasswordChangeForm):
    """Django's form (current password checked, AUTH_PASSWORD_VALIDATORS on the new one)
    with the product's wording."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("現在のパスワードが正しくありません。もう一度入力してください。"),
        "password_mismatch": _("新しいパスワードが確認用と一致しません。"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("現在のパスワード")
        self.fields["new_password1"].label = _("新しいパスワード")
        self.fields["new_password2"].label = _("新しいパスワード（確認）")
        self.fields["new_password2"].help_text = _("確認のため、もう一度入力してください。")
        self.fields["old_password"].widget.attrs.pop("autofocus", None)

    @property
    def wrong_current_password(self) -> bool:
        return any(
            e.code == "password_incorrect" for e in self.errors.as_data().get("old_password", [])
        )


class IdleDaysForm(forms.Form):
    days = forms.IntegerField(
        label=_("サインインがない日数"),
        min_value=1,
        max_value=hygiene.MAX_IDLE_DAYS,
        help_text=_("この日数以上サインインしていない有効なアカウントを表示します。"),
    )


class UnlockForm(forms.Form):
    scope = forms.ChoiceField(
        choices=[(throttle.ACCOUNT, "account"), (throttle.ADDRESS, "address")]
    )
    username = forms.CharField(max_length=255, required=False)
    ip_address = forms.GenericIPAddressField()
