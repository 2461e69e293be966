"""The account hygiene screen (system administrator; auditors read it)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakuba.accounts import hygiene
from yakuba.accounts.models import User
from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.accounts.security_forms import IdleDaysForm, UnlockForm
from yakuba.core.downloads import table_download
from yakuba.core.permissions import capability_required

PAGE_SIZE = 50
# Most urgent first: the order of the counts on top.
ORDER = (hygiene.LOCKED, hygiene.NO_TOTP, hygiene.IDLE, hygiene.NEVER, hygiene.DISABLED)


def list_url(list_name: str, days: int) -> str:
    query = {"list": list_name}
    if days != hygiene.idle_days_default():
        query["days"] = str(days)
    return f"{reverse('accounts:hygiene')}?{urlencode(query)}"


def _chosen_list(request: AuthenticatedHttpRequest, counts: dict[str, int]) -> str:
    wanted = request.GET.get("list", "")
    if wanted in hygiene.LISTS:
        return wanted
    # No list asked for: the most urgent one that has anybody in it.
    return next((name for name in ORDER if counts[name]), hygiene.LOCKED)


@capability_required(Capability.VIEW_ACCOUNT_HYGIENE)
def hygiene_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    days = hygiene.parse_idle_days(request.GET.get("days"))
    counts = hygiene.counts(days)
    list_name = _chosen_list(request, counts)
    rows: Any = (
        hygiene.lock_outs() if list_name == hygiene.LOCKED else hygiene.accounts_of(list_name, days)
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    hygiene.record_view(
        request.user, list_name, page=page.number, shown=len(page.object_list), days=days
    )
    tiles = [
        {
            "name": name,
            "label": hygiene.LISTS[name],
            "count": counts[name],
            "url": list_url(name, days),
            "current": name == list_name,
        }
        for name in ORDER
    ]
    query = {"list": list_name, "days": str(days)}
    return render(
        request,
        "accounts/hygiene.html",
        {
            "tiles": tiles,
            "list_name": list_name,
            "list_label": hygiene.LISTS[list_name],
            "page": page,
            "days": days,
            "days_form": IdleDaysForm(initial={"days": days}),
            "default_days": hygiene.idle_days_default(),
            "querystring": urlencode(query),
            "can_manage": request.user.can(Capability.MANAGE_ACCOUNT_HYGIENE),
            "now": timezone.now(),
        },
    )


def _account_row(user: User) -> list[object]:
    staff = getattr(user, "staff", None)
    return [
        user.username,
        staff.name if staff else "",
        staff.unit.name if staff else "",
        str(user.get_role_display()),
        str(user.get_auth_source_display()),
        timezone.localtime(user.last_login).strftime("%Y-%m-%d %H:%M") if user.last_login else "",
        timezone.localtime(user.date_joined).strftime("%Y-%m-%d"),
        _("有効") if user.is_active else _("無効"),
    ]


@capability_required(Capability.VIEW_ACCOUNT_HYGIENE)
def hygiene_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    days = hygiene.parse_idle_days(request.GET.get("days"))
    list_name = request.GET.get("list", "")
    if list_name not in hygiene.LISTS:
        list_name = hygiene.IDLE
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    encoding = "cp932" if request.GET.get("encoding") == "cp932" else "utf-8"
    header: list[str]
    rows: list[list[object]]
    if list_name == hygiene.LOCKED:
        header = [
            _("種類"),
            _("ユーザー名"),
            _("接続元アドレス"),
            _("失敗回数"),
            _("最後の失敗"),
            _("解除予定"),
        ]
        rows = [
            [
                _("アカウント") if lock.scope == "account" else _("接続元"),
                lock.username,
                lock.ip_address,
                lock.failures,
                timezone.localtime(lock.last_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(lock.until).strftime("%Y-%m-%d %H:%M"),
            ]
            for lock in hygiene.lock_outs()
        ]
    else:
        header = [
            _("ユーザー名"),
            _("氏名"),
            _("所属"),
            _("役割"),
            _("認証方式"),
            _("最後のサインイン"),
            _("作成日"),
            _("状態"),
        ]
        rows = [_account_row(u) for u in hygiene.accounts_of(list_name, days).iterator()]
    return table_download(
        header,
        rows,
        fmt=fmt,
        stem=f"account-hygiene-{list_name}-{timezone.localdate():%Y%m%d}",
        actor=request.user,
        object_type="accounts.hygiene",
        encoding=encoding,
        changes={"list": list_name, "idle_days": days, "rows": len(rows)},
    )


@require_POST
@capability_required(Capability.MANAGE_ACCOUNT_HYGIENE)
def hygiene_unlock(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = UnlockForm(request.POST)
    back = list_url(hygiene.LOCKED, hygiene.idle_days_default())
    if not form.is_valid():
        messages.error(request, _("解除するロックを指定してください。"))
        return redirect(back)
    data = form.cleaned_data
    try:
        hygiene.unlock(
            actor=request.user,
            scope=data["scope"],
            username=data["username"],
            ip_address=data["ip_address"],
        )
    except hygiene.NothingToUnlock:
        messages.warning(request, _("このロックは既に解除されています。"))
    else:
        target = data["username"] or data["ip_address"]
        messages.success(request, _("「%(target)s」のロックを解除しました。") % {"target": target})
    return redirect(back)


@require_POST
@capability_required(Capability.MANAGE_ACCOUNT_HYGIENE)
def hygiene_disable(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Disable selected idle accounts: a confirmation page listing who, then the leaver
    path. Accounts that are no longer idle (or the administrator's own) are left out."""
    days = hygiene.parse_idle_days(request.POST.get("days"))
    back = list_url(hygiene.IDLE, days)
    chosen = hygiene.selected_idle(request.user, request.POST.getlist("user"), days)
    if not chosen:
        messages.warning(
            request,
            _(
                "無効にするアカウントを選んでください（長期間サインインしていない有効なアカウントだけが対象です）。"
            ),
        )
        return redirect(back)
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "accounts/hygiene_disable_confirm.html",
            {
                "chosen": chosen,
                "days": days,
                "back": back,
                "asked": len(request.POST.getlist("user")),
            },
        )
    disabled = hygiene.disable_idle(actor=request.user, users=chosen, days=days)
    messages.success(
        request,
        _("%(n)d 件のアカウントを無効にしました（セッションとAPIトークンも終了しました）。")
        % {"n": disabled},
    )
    return redirect(back)
