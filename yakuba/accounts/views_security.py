"""The person's own security page (sign-in history) and password change."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from yakuba.accounts import history, password
from yakuba.accounts.models import AuthSource, User
from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.security_forms import YakubaPasswordChangeForm
from yakuba.core.permissions import login_required

HISTORY_PAGE_SIZE = 20


@login_required
def security(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Recent sign-ins to the person's own account (their own data: not a read to audit)."""
    user: User = request.user
    page = Paginator(history.events_of(user), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/security.html",
        {
            "page": page,
            "failures": history.failures_since_previous_sign_in(user),
            "can_change_password": password.can_change_here(user),
            "is_directory": user.auth_source == AuthSource.DIRECTORY,
            "has_totp": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            "history_days": history.history_days(),
        },
    )


def _closed(request: AuthenticatedHttpRequest, user: User) -> HttpResponse:
    return render(
        request,
        "accounts/password_change.html",
        {"form": None, "locked_until": password.retry_at(user), "limit": password.failure_limit()},
        status=429,
    )


@login_required
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    user: User = request.user
    if not password.can_change_here(user):
        if request.method == "POST":
            raise PermissionDenied("this account's password is not kept by Yakuba")
        return render(
            request,
            "accounts/password_change.html",
            {"form": None, "is_directory": user.auth_source == AuthSource.DIRECTORY},
        )
    if password.retry_at(user) is not None:
        return _closed(request, user)
    form = YakubaPasswordChangeForm(user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            password.change_password(user=user, new_password=form.cleaned_data["new_password1"])
            # This session stays signed in; the person's other sessions end at their next
            # request (their auth hash was made from the old password).
            update_session_auth_hash(request, user)
            messages.success(
                request,
                _("パスワードを変更しました。ほかの端末やブラウザーでのサインインは終了しました。"),
            )
            return redirect("accounts:security")
        if form.wrong_current_password and password.note_wrong_current_password(request, user):
            return _closed(request, user)
    return render(request, "accounts/password_change.html", {"form": form})
