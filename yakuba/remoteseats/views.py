"""Remote seats and the terminal ledger. Thin: forms validate, services write, selectors scope.

The pools themselves belong to `rosters` (an input of the roster); their set-up pages are
here, where the people who run them work, and write through `rosters.services`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core.permissions import capability_required, get_for_user_or_404, login_required
from yakuba.remoteseats import selectors, services
from yakuba.remoteseats.forms import (
    BookingForm,
    CheckOutForm,
    DayForm,
    ResourceForm,
    ReturnForm,
    TerminalForm,
)
from yakuba.remoteseats.models import LoanedTerminal, TerminalLoan, tokyo_today
from yakuba.rosters import selectors as rosters_selectors
from yakuba.rosters import services as rosters_services
from yakuba.rosters.models import RemoteResource


def _seats_url(day: dt.date | None) -> str:
    url = reverse("remoteseats:seats")
    return f"{url}?date={day.isoformat()}" if day else url


@login_required
def seats(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Pick a day, see the next 14 days per pool, book or cancel one's own seat."""
    today = tokyo_today()
    form = DayForm(request.GET or None)
    day = today
    if form.is_valid() and form.cleaned_data["date"]:
        day = form.cleaned_data["date"]
    resources = list(selectors.bookable_resources())
    holders = selectors.holders_for_day(request.user, resources, day)
    context: dict[str, Any] = {
        "form": form,
        "day": day,
        "today": today,
        "is_past": day < today,
        "resources": resources,
        "day_holders": [holders[r.pk] for r in resources],
        "can_book": getattr(request.user, "staff", None) is not None,
        "sees_names": request.user.can(Capability.VIEW_SEAT_HOLDERS),
        "can_manage": request.user.can(Capability.MANAGE_REMOTE_SEATS),
    }
    if request.htmx and request.htmx.target == "day-panel":
        return render(request, "remoteseats/partials/day_panel.html", context)
    days = selectors.coming_days(today)
    table = selectors.availability(resources, days)
    context.update(
        {
            "days": days,
            "rows": [(d, [table[r.pk][i] for r in resources]) for i, d in enumerate(days)],
            "my_bookings": selectors.my_bookings(request.user),
            "my_loans": selectors.my_loans(request.user),
        }
    )
    return render(request, "remoteseats/seats.html", context)


@require_POST
@login_required
def book(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff = getattr(request.user, "staff", None)
    form = BookingForm(request.POST)
    if staff is None:
        messages.error(request, _("職員情報と連携したアカウントでのみ予約できます。"))
        return redirect("remoteseats:seats")
    if not form.is_valid():
        messages.error(request, _("予約する枠と日付を選んでください。"))
        return redirect("remoteseats:seats")
    day = form.cleaned_data["date"]
    resource = form.cleaned_data["resource"]
    try:
        services.book_seat(request.user, staff, resource, day)
    except services.BookingError as exc:
        text = str(exc)
        if exc.reasons:
            text = f"{text}（{'、'.join(exc.reasons)}）"
        messages.error(request, text)
    else:
        messages.success(
            request,
            _("%(date)s の%(name)sを予約しました。")
            % {"date": day.strftime("%Y-%m-%d"), "name": resource.name},
        )
    return redirect(_seats_url(day))


@require_POST
@login_required
def cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    booking = get_for_user_or_404(selectors.cancellable_bookings, request.user, pk)
    try:
        services.cancel_booking(request.user, booking)
    except services.BookingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(date)s の%(name)sの予約を取り消しました。")
            % {"date": booking.date.strftime("%Y-%m-%d"), "name": booking.resource.name},
        )
    return redirect(_seats_url(booking.date))


# Pools ------------------------------------------------------------------------------


@capability_required(Capability.MANAGE_REMOTE_SEATS)
def resource_list(request: HttpRequest) -> HttpResponse:
    resources = rosters_selectors.remote_pools()
    return render(request, "remoteseats/resource_list.html", {"resources": resources})


def _resource_form_view(
    request: AuthenticatedHttpRequest, resource: RemoteResource | None
) -> HttpResponse:
    form = ResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in ("name", "capacity", "active")}
        saved = rosters_services.save_remote_pool(
            actor=request.user,
            pool=resource,
            values=values,
            activities=form.cleaned_data["activities"],
        )
        messages.success(
            request, _("リモート接続枠「%(name)s」を保存しました。") % {"name": saved.name}
        )
        return redirect("remoteseats:resource_list")
    return render(request, "remoteseats/resource_form.html", {"form": form, "resource": resource})


@capability_required(Capability.MANAGE_REMOTE_SEATS)
def resource_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _resource_form_view(request, None)


@capability_required(Capability.MANAGE_REMOTE_SEATS)
def resource_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _resource_form_view(
        request, get_for_user_or_404(selectors.manageable_pools, request.user, pk)
    )


# Terminals --------------------------------------------------------------------------


@capability_required(Capability.VIEW_TERMINALS)
def terminal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    terminals = selectors.terminal_ledger(request.user)
    return render(
        request,
        "remoteseats/terminal_list.html",
        {
            "terminals": terminals,
            "today": tokyo_today(),
            "overdue_count": sum(1 for t in terminals if t.current_loan and t.current_loan.overdue),
            "can_manage": request.user.can(Capability.MANAGE_TERMINALS),
        },
    )


@capability_required(Capability.VIEW_TERMINALS)
def terminal_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    terminal = get_for_user_or_404(selectors.visible_terminals, request.user, pk)
    loans = list(terminal.loans.select_related("staff__unit").order_by("-checked_out_on", "-pk"))
    current = next((loan for loan in loans if loan.is_open), None)
    return render(
        request,
        "remoteseats/terminal_detail.html",
        {
            "terminal": terminal,
            "loans": loans,
            "current": current,
            "can_manage": request.user.can(Capability.MANAGE_TERMINALS),
        },
    )


def _terminal_form_view(
    request: AuthenticatedHttpRequest, terminal: LoanedTerminal | None
) -> HttpResponse:
    form = TerminalForm(request.POST or None, instance=terminal)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in form.fields}
        saved = services.save_terminal(actor=request.user, terminal=terminal, values=values)
        messages.success(request, _("端末「%(tag)s」を保存しました。") % {"tag": saved.asset_tag})
        return redirect("remoteseats:terminal_detail", pk=saved.pk)
    return render(request, "remoteseats/terminal_form.html", {"form": form, "terminal": terminal})


@capability_required(Capability.MANAGE_TERMINALS)
def terminal_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _terminal_form_view(request, None)


@capability_required(Capability.MANAGE_TERMINALS)
def terminal_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    terminal = get_for_user_or_404(selectors.visible_terminals, request.user, pk)
    return _terminal_form_view(request, terminal)


@capability_required(Capability.MANAGE_TERMINALS)
def terminal_checkout(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    terminal = get_for_user_or_404(selectors.visible_terminals, request.user, pk)
    current = TerminalLoan.objects.open().filter(terminal=terminal).select_related("staff").first()
    form = CheckOutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            loan = services.check_out_terminal(
                request.user,
                terminal,
                form.cleaned_data["staff"],
                checked_out_on=form.cleaned_data["checked_out_on"],
                due_on=form.cleaned_data["due_on"],
                condition_out=form.cleaned_data["condition_out"],
            )
        except services.LoanError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("端末「%(tag)s」を%(name)sさんに貸し出しました。")
                % {"tag": terminal.asset_tag, "name": loan.staff.name},
            )
            return redirect("remoteseats:terminal_detail", pk=terminal.pk)
    return render(
        request,
        "remoteseats/terminal_checkout.html",
        {"terminal": terminal, "form": form, "current": current},
    )


@capability_required(Capability.MANAGE_TERMINALS)
def terminal_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    terminal = get_for_user_or_404(selectors.visible_terminals, request.user, pk)
    loan = TerminalLoan.objects.open().filter(terminal=terminal).select_related("staff").first()
    if loan is None:
        messages.error(request, _("この端末は貸出中ではありません。"))
        return redirect("remoteseats:terminal_detail", pk=terminal.pk)
    form = ReturnForm(request.POST or None, checked_out_on=loan.checked_out_on)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_terminal(
                request.user,
                loan,
                returned_on=form.cleaned_data["returned_on"],
                condition_in=form.cleaned_data["condition_in"],
            )
        except services.LoanError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("端末「%(tag)s」の返却を記録しました。") % {"tag": terminal.asset_tag}
            )
            return redirect("remoteseats:terminal_detail", pk=terminal.pk)
    return render(
        request,
        "remoteseats/terminal_return.html",
        {"terminal": terminal, "loan": loan, "form": form},
    )
