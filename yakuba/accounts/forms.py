from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from yakuba.accounts.directory import DirectoryError
from yakuba.accounts.models import ApiToken
from yakuba.accounts.roles import PRIVILEGED_ROLES, Role
from yakuba.core.forms import model_choice


class SignInForm(AuthenticationForm):
    username = forms.CharField(
        label=_("ユーザー名"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("パスワード"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "ユーザー名またはパスワードが正しくありません。"
            "続けて失敗するとアカウントが一時的にロックされます。"
        ),
        "inactive": _("このアカウントは無効です。"),
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except DirectoryError as error:
            # Directory unreachable, or no staff record to link to: the person is told
            # why (audited by the backend); not a wrong password, so not counted by axes.
            raise forms.ValidationError(error.message, code=error.code) from None


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("確認コード"),
        max_length=16,
        help_text=_("認証アプリに表示される6桁のコード、または回復コード"),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].replace(" ", "").strip()


class ApiTokenCreateForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "owner"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "owner").queryset = get_user_model().objects.filter(is_active=True)
        self.fields["owner"].help_text = _("APIはこのアカウントの権限の範囲で応答します。")


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("役割"), choices=Role.choices)

    def __init__(self, *args: Any, granter: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.granter = granter

    def clean_role(self) -> str:
        role = self.cleaned_data["role"]
        # Only a system admin can hand out privileged roles; HR assigns the others.
        if role in PRIVILEGED_ROLES and self.granter.role != Role.SYSADMIN:
            raise forms.ValidationError(
                _("この役割を付与できるのはシステム管理者だけです。"), code="forbidden_role"
            )
        return role


class DirectoryLinkForm(forms.Form):
    staff_number = forms.CharField(
        label=_("職員番号"),
        max_length=20,
        help_text=_("このディレクトリのアカウントでサインインする職員の職員番号"),
    )

    def clean_staff_number(self) -> Any:
        from yakuba.org.models import Staff

        number = self.cleaned_data["staff_number"].strip()
        staff = Staff.objects.select_related("user").filter(staff_number=number).first()
        if staff is None:
            raise forms.ValidationError(
                _("職員番号「%(number)s」の職員は登録されていません。"),
                code="unknown_staff",
                params={"number": number},
            )
        if not staff.active:
            raise forms.ValidationError(
                _("この職員は在職になっていません。"), code="inactive_staff"
            )
        return staff
