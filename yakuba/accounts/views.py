from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from yakuba.accounts import history, services, throttle
from yakuba.accounts.directory import DirectoryConfig
from yakuba.accounts.forms import (
    ApiTokenCreateForm,
    DirectoryLinkForm,
    OtpTokenForm,
    RoleForm,
    SignInForm,
)
from yakuba.accounts.models import ApiToken, DirectoryLinkRequest, User
from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.permissions import capability_required, login_required

# The secret of an enrolment in progress lives in the session until a code confirms it.
ENROLMENT_KEY = "yakuba_totp_enrolment_key"


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["directory_enabled"] = DirectoryConfig.from_settings().enabled
        return context


class SignOutView(auth_views.LogoutView):
    pass


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes calls this when a sign-in is locked after repeated failures: the account
    from this address, or (many user names failed) the address itself."""
    address = throttle.lock_scope(request) == throttle.ADDRESS
    return render(request, "accounts/locked_out.html", {"address_locked": address}, status=429)


def _safe_next(request: HttpRequest) -> str:
    """Where to go after the second factor: a path on this site, else the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and not target.startswith("//")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return target
    return "/"


@login_required
def otp_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect(_safe_next(request))
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            history.on_second_factor(request)
            return redirect(_safe_next(request))
        record(AuditAction.OTP_FAILED, actor=request.user, obj=request.user)
        form.add_error("token", _("確認コードが正しくありません。もう一度入力してください。"))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request)})


@login_required
def otp_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code, confirm one code, keep the recovery codes."""
    user: User = request.user
    has_confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if has_confirmed and not user.is_verified():
        # Re-enrolment needs the current second factor first.
        return redirect("accounts:otp_verify")
    key = request.session.get(ENROLMENT_KEY) or services.new_totp_key()
    request.session[ENROLMENT_KEY] = key  # session bookkeeping: nothing stored until confirmed
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_totp_enrolment(
            user=user, key=key, token=str(form.cleaned_data["token"])
        )
        if codes is not None:
            del request.session[ENROLMENT_KEY]
            otp_login(request, TOTPDevice.objects.get(user=user, confirmed=True))
            history.on_second_factor(request)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _safe_next(request)},
            )
        form.add_error("token", _("確認コードが正しくありません。時刻の設定も確認してください。"))
    device = services.unsaved_totp_device(user, key)
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr_data_uri": qr.svg_data_uri(scale=5, border=2),
            "secret": _b32(device.bin_key),
            "next": _safe_next(request),
        },
    )


def _b32(key: bytes) -> str:
    import base64

    raw = base64.b32encode(key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    user: User = request.user
    return render(
        request,
        "accounts/profile.html",
        {
            "has_totp": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            "staff": getattr(user, "staff", None),
        },
    )


@capability_required(Capability.MANAGE_API_TOKENS)
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ApiTokenCreateForm(request.POST or None)
    new_raw = None
    if request.method == "POST" and form.is_valid():
        _token, new_raw = services.create_api_token(
            actor=request.user, name=form.cleaned_data["name"], owner=form.cleaned_data["owner"]
        )
        form = ApiTokenCreateForm()
    tokens = ApiToken.objects.select_related("owner", "created_by")
    return render(
        request, "accounts/token_list.html", {"form": form, "tokens": tokens, "new_raw": new_raw}
    )


@require_POST
@capability_required(Capability.MANAGE_API_TOKENS)
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk)
    services.revoke_api_token(actor=request.user, token=token)
    messages.success(request, _("トークン「%(name)s」を失効させました。") % {"name": token.name})
    return redirect("accounts:token_list")


@capability_required(Capability.MANAGE_ACCOUNTS)
def account_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    users = User.objects.select_related("staff", "staff__unit").order_by("username")
    return render(
        request,
        "accounts/account_list.html",
        {
            "users": users,
            "perms_directory": request.user.can(Capability.LINK_DIRECTORY_ACCOUNTS),
            "perms_provision": request.user.can(Capability.PROVISION_ACCOUNTS),
        },
    )


@capability_required(Capability.MANAGE_ACCOUNTS)
def account_role(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User, pk=pk)
    form = RoleForm(request.POST or None, granter=request.user, initial={"role": target.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_role(actor=request.user, user=target, role=form.cleaned_data["role"])
        except services.PermissionDenied:
            form.add_error("role", _("この役割を変更できるのはシステム管理者だけです。"))
        else:
            messages.success(request, _("役割を変更しました。"))
            return redirect("accounts:account_list")
    return render(request, "accounts/account_role.html", {"form": form, "target": target})


@capability_required(Capability.LINK_DIRECTORY_ACCOUNTS)
def directory_links(request: HttpRequest) -> HttpResponse:
    """Directory people whose sign-in could not be linked to a staff record."""
    entries = DirectoryLinkRequest.objects.select_related("linked_user", "resolved_by")
    open_entries = [e for e in entries if e.resolved_at is None]
    resolved = [e for e in entries if e.resolved_at is not None][:50]
    return render(
        request,
        "accounts/directory_links.html",
        {"open_entries": open_entries, "resolved": resolved},
    )


@capability_required(Capability.LINK_DIRECTORY_ACCOUNTS)
def directory_link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(DirectoryLinkRequest, pk=pk, resolved_at__isnull=True)
    initial = {"staff_number": entry.staff_number} if entry.staff_number else {}
    form = DirectoryLinkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.link_directory_account(
                actor=request.user, entry=entry, staff=form.cleaned_data["staff_number"]
            )
        except services.LinkRefused as refused:
            form.add_error("staff_number", refused.message)
        else:
            messages.success(
                request,
                _(
                    "「%(name)s」を職員情報に関連付けました。次回からディレクトリのパスワードで"
                    "サインインできます。"
                )
                % {"name": account.get_username()},
            )
            return redirect("accounts:directory_links")
    return render(request, "accounts/directory_link.html", {"form": form, "entry": entry})
