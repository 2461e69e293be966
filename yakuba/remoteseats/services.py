"""Seat bookings and terminal loans: every write in a transaction and audited.

Capacity is enforced exactly under concurrency: a booking locks its pool's row
(`select_for_update`; on SQLite the IMMEDIATE transaction mode serialises writers), then
counts the seats already used that day, then writes. Two bookings for the same pool
therefore never count at the same time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yakuba.accounts.models import User
from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record, save_audited
from yakuba.org.models import Staff
from yakuba.remoteseats import selectors
from yakuba.remoteseats.models import (
    LoanedTerminal,
    SeatBooking,
    SeatRefusal,
    TerminalLoan,
    tokyo_today,
)
from yakuba.rosters.eligibility import evaluate
from yakuba.rosters.models import RemoteResource

# How far ahead a seat can be booked.
BOOKING_HORIZON_DAYS = 60
TERMINAL_FIELDS = ("asset_tag", "model_name", "description", "active", "notes")


class BookingError(Exception):
    """A booking or cancellation refused for a reason the user should read."""

    def __init__(self, message: Any, reasons: Iterable[Any] = ()) -> None:
        super().__init__(str(message))
        self.message = message
        self.reasons = [str(r) for r in reasons]

    def __str__(self) -> str:
        return str(self.message)


class SeatsFull(BookingError):
    """満席: every seat of the pool is taken that day."""


class NotEligible(BookingError):
    pass


class AlreadyBooked(BookingError):
    pass


class LoanError(Exception):
    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def _may_act_for(actor: User | None, staff: Staff) -> bool:
    if actor is None:  # system (demo seed)
        return True
    if getattr(actor, "staff", None) is not None and actor.staff.pk == staff.pk:
        return True
    return actor.can(Capability.MANAGE_REMOTE_SEATS)


def book_seat(
    actor: User | None, staff: Staff, resource: RemoteResource, date: dt.date
) -> SeatBooking:
    """Book one seat of `resource` for `staff` on `date`, or raise a BookingError."""
    if not _may_act_for(actor, staff):
        raise PermissionDenied("may book only for oneself")
    today = tokyo_today()
    if date < today:
        raise BookingError(_("過去の日付は予約できません。"))
    if date > today + dt.timedelta(days=BOOKING_HORIZON_DAYS):
        raise BookingError(
            _("予約できるのは%(days)s日先までです。") % {"days": BOOKING_HORIZON_DAYS}
        )
    if not staff.active:
        raise BookingError(_("在職中の職員のみ予約できます。"))
    eligibility = evaluate(staff)
    if not eligibility.eligible:
        raise NotEligible(
            _("在宅勤務の要件を満たしていないため予約できません。"),
            reasons=[f"{o.label}: {o.detail}" for o in eligibility.unmet],
        )
    booking: SeatBooking | None
    with transaction.atomic():
        # The lock: every booking of this pool waits here for the one before it.
        locked = RemoteResource.objects.select_for_update().get(pk=resource.pk)
        if not locked.active:
            raise BookingError(_("このリモート接続枠は現在使用できません。"))
        if SeatBooking.objects.active().filter(resource=locked, staff=staff, date=date).exists():
            raise AlreadyBooked(_("この日は既に予約しています。"))
        if selectors.roster_holders(locked, date).filter(staff=staff).exists():
            raise AlreadyBooked(
                _("公開済みの勤務表で、この日は既にこの枠を使う在宅勤務になっています。")
            )
        used = selectors.seats_used(locked, date)
        if used >= locked.capacity:
            # Kept so that the evidence report can count the demand the pool did not meet
            # ("how many seats would have met it"); the refusal is raised after the commit.
            refusal = SeatRefusal.objects.create(resource=locked, staff=staff, date=date)
            record(
                AuditAction.CREATE,
                actor=actor,
                obj=refusal,
                changes={"resource": locked.name, "date": date.isoformat(), "used": used},
            )
            booking = None
        else:
            try:
                with transaction.atomic():
                    booking = SeatBooking.objects.create(
                        resource=locked,
                        staff=staff,
                        date=date,
                        created_by=actor if getattr(actor, "is_authenticated", False) else None,
                    )
            except IntegrityError as exc:  # the same person, twice at once
                raise AlreadyBooked(_("この日は既に予約しています。")) from exc
            record(
                AuditAction.CREATE,
                actor=actor,
                obj=booking,
                changes={
                    "resource": locked.name,
                    "staff": str(staff),
                    "date": date.isoformat(),
                    "used": [used, used + 1],
                    "capacity": locked.capacity,
                },
            )
    if booking is None:
        raise SeatsFull(_("この日のリモート接続枠（%(name)s）は満席です。") % {"name": locked.name})
    return booking


def cancel_booking(actor: User | None, booking: SeatBooking) -> SeatBooking:
    """Cancel an active booking (the seat becomes free at once); the row is kept."""
    if not _may_act_for(actor, booking.staff):
        raise PermissionDenied("may cancel only one's own booking")
    with transaction.atomic():
        locked = SeatBooking.objects.select_for_update().get(pk=booking.pk)
        if locked.cancelled_at is not None:
            raise BookingError(_("この予約は既に取り消されています。"))
        if locked.date < tokyo_today():
            raise BookingError(_("過去の予約は取り消せません。"))
        locked.cancelled_at = timezone.now()
        locked.cancelled_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(update_fields=["cancelled_at", "cancelled_by"])
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=locked,
            changes={"cancelled": [False, True], "date": locked.date.isoformat()},
        )
    return locked


def _require(actor: User | None, capability: str) -> None:
    if actor is not None and not actor.can(capability):
        raise PermissionDenied(f"missing capability {capability}")


@transaction.atomic
def save_terminal(
    *, actor: User | None, terminal: LoanedTerminal | None, values: dict[str, Any]
) -> LoanedTerminal:
    _require(actor, Capability.MANAGE_TERMINALS)
    creating = terminal is None
    return save_audited(
        actor=actor,
        obj=terminal or LoanedTerminal(),
        creating=creating,
        fields=TERMINAL_FIELDS,
        values=values,
    )


def check_out_terminal(
    actor: User | None,
    terminal: LoanedTerminal,
    staff: Staff,
    *,
    due_on: dt.date,
    checked_out_on: dt.date | None = None,
    condition_out: str = "",
) -> TerminalLoan:
    """Lend `terminal` to `staff`; a terminal is never lent twice at once."""
    _require(actor, Capability.MANAGE_TERMINALS)
    checked_out_on = checked_out_on or tokyo_today()
    if due_on < checked_out_on:
        raise LoanError(_("返却予定日は貸出日以降にしてください。"))
    with transaction.atomic():
        locked = LoanedTerminal.objects.select_for_update().get(pk=terminal.pk)
        if not locked.active:
            raise LoanError(_("この端末は貸出可能になっていません。"))
        current = TerminalLoan.objects.open().filter(terminal=locked).select_related("staff")
        holder = current.first()
        if holder is not None:
            raise LoanError(_("この端末は%(name)sさんに貸出中です。") % {"name": holder.staff.name})
        if not staff.active:
            raise LoanError(_("在職中の職員にのみ貸し出せます。"))
        try:
            with transaction.atomic():
                loan = TerminalLoan.objects.create(
                    terminal=locked,
                    staff=staff,
                    checked_out_on=checked_out_on,
                    due_on=due_on,
                    condition_out=condition_out,
                    created_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
        except IntegrityError as exc:
            raise LoanError(_("この端末は貸出中です。")) from exc
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=loan,
            changes={
                "terminal": locked.asset_tag,
                "staff": str(staff),
                "checked_out_on": checked_out_on.isoformat(),
                "due_on": due_on.isoformat(),
                "condition_out": condition_out,
            },
        )
    return loan


def return_terminal(
    actor: User | None,
    loan: TerminalLoan,
    *,
    returned_on: dt.date | None = None,
    condition_in: str = "",
) -> TerminalLoan:
    _require(actor, Capability.MANAGE_TERMINALS)
    returned_on = returned_on or tokyo_today()
    with transaction.atomic():
        locked = TerminalLoan.objects.select_for_update().get(pk=loan.pk)
        if locked.returned_on is not None:
            raise LoanError(_("この貸出は既に返却済みです。"))
        if returned_on < locked.checked_out_on:
            raise LoanError(_("返却日は貸出日以降にしてください。"))
        if returned_on > tokyo_today():
            raise LoanError(_("返却日に未来の日付は指定できません。"))
        was_overdue = locked.is_overdue(returned_on)
        locked.returned_on = returned_on
        locked.condition_in = condition_in
        locked.returned_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(update_fields=["returned_on", "condition_in", "returned_by"])
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=locked,
            changes={
                "returned_on": [None, returned_on.isoformat()],
                "condition_in": ["", condition_in],
                "overdue": was_overdue,
            },
        )
    return locked
