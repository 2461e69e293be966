"""Forms of the local-account pages: provisioning scope, reissue, activation, reset."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from yakuba.accounts.models_activation import Delivery, RunScope
from yakuba.accounts.provisioning import import_staff_ids
from yakuba.core.forms import model_choice


class UnitChoiceField(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'　' * obj.depth}{obj.name}（{obj.code}）"


class ImportChoiceField(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.filename}（{obj.applied_at or obj.created_at:%Y-%m-%d %H:%M}）"


class ProvisionScopeForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("アカウントを作る範囲"),
        choices=[
            (RunScope.ALL, _("アカウントのない全職員")),
            (RunScope.UNIT, _("所属を選ぶ（下位の所属を含む）")),
            (RunScope.IMPORT, _("取り込みを選ぶ（その取り込みの職員）")),
        ],
        initial=RunScope.UNIT,
        widget=forms.RadioSelect,
    )
    unit = UnitChoiceField(label=_("所属"), queryset=None, required=False)
    import_batch = ImportChoiceField(
        label=_("取り込み"),
        queryset=None,
        required=False,
        help_text=_(
            "完了した取り込みのうち、新規採用者がいたものが選べます（その新規採用者が対象）。"
        ),
    )
    deliver = forms.ChoiceField(
        label=_("有効化の案内"),
        choices=[(Delivery.AUTO, Delivery.AUTO.label), (Delivery.SHEET, Delivery.SHEET.label)],
        initial=Delivery.AUTO,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from yakuba.org.models import ImportBatch, ImportStatus, Unit

        super().__init__(*args, **kwargs)
        model_choice(self, "unit").queryset = Unit.objects.filter(active=True).order_by("path")
        batches = [
            b.pk
            for b in ImportBatch.objects.filter(status=ImportStatus.DONE)[:50]
            if import_staff_ids(b)
        ]
        model_choice(self, "import_batch").queryset = ImportBatch.objects.filter(pk__in=batches)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scope = data.get("scope")
        if scope == RunScope.UNIT and not data.get("unit"):
            self.add_error("unit", _("所属を選んでください。"))
        if scope == RunScope.IMPORT and not data.get("import_batch"):
            self.add_error("import_batch", _("取り込みを選んでください。"))
        return data


class ReissueForm(forms.Form):
    deliver = forms.ChoiceField(
        label=_("送り方"),
        choices=[
            (Delivery.EMAIL, _("メールで送る")),
            (Delivery.SHEET, _("シート（PDF）を印刷して渡す")),
        ],
        widget=forms.RadioSelect,
    )
    revoke_password = forms.BooleanField(
        label=_("今のパスワードをすぐに使えなくする"),
        required=False,
        help_text=_(
            "乗っ取りが疑われるときだけ選びます。選ばないと、今のパスワードは新しいパスワードが"
            "設定されるまで使えます。"
        ),
    )

    def __init__(self, *args: Any, has_email: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_email = has_email
        self.fields["deliver"].initial = Delivery.EMAIL if has_email else Delivery.SHEET

    def clean_deliver(self) -> str:
        value = str(self.cleaned_data["deliver"])
        if value == Delivery.EMAIL and not self.has_email:
            raise forms.ValidationError(
                _("この職員にはメールアドレスが登録されていません。シートを選んでください。"),
                code="no_email",
            )
        return value


class ActivationCodeForm(forms.Form):
    code = forms.CharField(
        label=_("有効化コード"),
        max_length=40,
        help_text=_("シートまたはメールに書かれた12文字のコード（例: ABCD-EFGH-JKMN）"),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "characters",
                "autofocus": True,
            }
        ),
    )


class ChoosePasswordForm(SetPasswordForm):
    """Django's set-password form (AUTH_PASSWORD_VALIDATORS, with the person's staff
    number and name compared), with our labels."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("新しいパスワード")
        self.fields["new_password2"].label = _("新しいパスワード（確認）")
        self.fields["new_password2"].help_text = _("確認のため、もう一度入力してください。")
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.attrs.update({"autocomplete": "new-password"})
        self.fields["new_password1"].widget.attrs["autofocus"] = True

    def save(self, commit: bool = True) -> Any:  # pragma: no cover - a guard
        # SetPasswordForm.save would set the password without using up the token (and
        # without the audit entry); the one write is activation.set_password_with_token.
        raise TypeError("the password is set by activation.set_password_with_token")


class PasswordForgotForm(forms.Form):
    email = forms.EmailField(
        label=_("メールアドレス"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
