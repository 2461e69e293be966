"""Public pages of local accounts: activation (by link or typed code) and the forgotten-
password mail. Nobody is signed in here, so every page answers the same way whether an
account, an address or a code exists or not."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from yakuba.accounts import activation
from yakuba.accounts.forms_activation import (
    ActivationCodeForm,
    ChoosePasswordForm,
    PasswordForgotForm,
)
from yakuba.accounts.models import ActivationToken, User
from yakuba.accounts.models_activation import TokenPurpose
from yakuba.core.downloads import private

# Between a correct code and the chosen password, the token's id waits in the session.
SESSION_TOKEN = "yakuba_activation_token"  # noqa: S105 - a session key name
LOCAL_BACKEND = "yakuba.accounts.directory.LocalAccountBackend"
# A person asking for several reset mails gets one per this interval (no mail flood).
RESET_MAIL_INTERVAL = dt.timedelta(minutes=5)


def _neutral(request: HttpRequest) -> HttpResponse:
    """The one answer for a link or code that is unknown, used, revoked or expired."""
    request.session.pop(SESSION_TOKEN, None)
    return private(
        render(request, "accounts/activate.html", {"form": ActivationCodeForm(), "invalid": True})
    )


def _throttled(request: HttpRequest) -> HttpResponse:
    context = {"form": ActivationCodeForm(), "throttled": True}
    return private(render(request, "accounts/activate.html", context, status=429))


def _password_page(
    request: HttpRequest, token: ActivationToken, form: ChoosePasswordForm
) -> HttpResponse:
    return private(
        render(
            request,
            "accounts/activate_password.html",
            {
                "form": form,
                "account": token.user,
                "reset": token.purpose == TokenPurpose.RESET,
                "expires_at": token.expires_at,
            },
        )
    )


def _finish(request: HttpRequest, token: ActivationToken) -> HttpResponse:
    form = ChoosePasswordForm(token.user, request.POST)
    if not form.is_valid():
        return _password_page(request, token, form)
    try:
        user = activation.set_password_with_token(
            token=token, password=form.cleaned_data["new_password1"]
        )
    except activation.TokenSpent:
        return _neutral(request)
    request.session.pop(SESSION_TOKEN, None)
    login(request, user, backend=LOCAL_BACKEND)
    # Privileged roles are sent on to enrol their authenticator app by the middleware.
    return redirect("accounts:activate_done")


@never_cache
def activate(request: HttpRequest) -> HttpResponse:
    """Type the short code from the sheet or the mail."""
    form = ActivationCodeForm(request.POST or None)
    if request.method != "POST":
        return private(render(request, "accounts/activate.html", {"form": form}))
    if not activation.code_guess_allowed(request):
        return _throttled(request)
    if not form.is_valid():
        return private(render(request, "accounts/activate.html", {"form": form}))
    token = activation.token_for_code(form.cleaned_data["code"])
    if token is None:
        if activation.note_failed_code(request):
            return _throttled(request)
        return _neutral(request)
    request.session.cycle_key()
    request.session[SESSION_TOKEN] = token.pk
    return redirect("accounts:activate_password")


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def activate_password(request: HttpRequest) -> HttpResponse:
    """Choose the password, after a correct code."""
    token = activation.token_by_id(request.session.get(SESSION_TOKEN))
    if token is None:
        return _neutral(request)
    if request.method == "POST":
        return _finish(request, token)
    return _password_page(request, token, ChoosePasswordForm(token.user))


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def activate_link(request: HttpRequest, secret: str) -> HttpResponse:
    """The link from the mail or the sheet's QR code: straight to choosing a password.
    The page loads nothing from elsewhere and Referrer-Policy is same-origin, so the
    secret in the address leaves this server in no Referer header."""
    token = activation.token_for_secret(secret)
    if token is None:
        return _neutral(request)
    if request.method == "POST":
        return _finish(request, token)
    return _password_page(request, token, ChoosePasswordForm(token.user))


def activate_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/activate_done.html")


@never_cache
def password_forgot(request: HttpRequest) -> HttpResponse:
    """Ask for a reset mail. Same answer whatever the address: a mail goes only to an
    address that is registered (a local account gets a link, a directory account is told
    to use the directory), at most one per RESET_MAIL_INTERVAL."""
    form = PasswordForgotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        base = request.build_absolute_uri("/").rstrip("/")
        for user_id in _reset_recipients(form.cleaned_data["email"]):
            transaction.on_commit(
                lambda uid=user_id: _enqueue_reset(uid, base)  # type: ignore[misc]
            )
        return redirect("accounts:password_forgot_sent")
    return render(request, "accounts/password_forgot.html", {"form": form})


def _enqueue_reset(user_id: int, base: str) -> None:
    from yakuba.accounts.tasks import send_reset_mail

    send_reset_mail.enqueue(user_id, base)


def _reset_recipients(email: str) -> list[int]:
    from django.db.models import Q

    matches = User.objects.filter(is_active=True).filter(
        Q(email__iexact=email) | Q(staff__email__iexact=email)
    )
    recent = timezone.now() - RESET_MAIL_INTERVAL
    busy = set(
        ActivationToken.objects.filter(
            purpose=TokenPurpose.RESET, created_by__isnull=True, created_at__gte=recent
        ).values_list("user_id", flat=True)
    )
    return [pk for pk in matches.values_list("pk", flat=True).distinct()[:5] if pk not in busy]


def password_forgot_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_forgot_sent.html")
