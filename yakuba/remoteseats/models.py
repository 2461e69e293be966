"""Remote seats day to day (リモート接続枠) and the ledger of loaned terminals (貸出端末).

A seat of a `rosters.RemoteResource` pool is used on a day either by a booking made here
or by a published roster's telework assignment whose activity consumes that pool.

Dependency direction: `rosters` owns the pools and `remoteseats` builds on it (models,
eligibility, published assignments); `rosters` never imports `remoteseats`. The roster learns
about bookings through `rosters.seat_providers`, which `apps.py` registers into.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yakuba.org.models import Staff
from yakuba.rosters.models import RemoteResource


class SeatBookingQuerySet(models.QuerySet["SeatBooking"]):
    def active(self) -> SeatBookingQuerySet:
        return self.filter(cancelled_at__isnull=True)


class SeatBooking(models.Model):
    """One person's remote seat of one pool for one day (cancelled rows are kept)."""

    resource = models.ForeignKey(
        RemoteResource,
        verbose_name=_("リモート接続枠"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    staff = models.ForeignKey(
        Staff, verbose_name=_("職員"), on_delete=models.CASCADE, related_name="seat_bookings"
    )
    date = models.DateField(_("日付"))
    created_at = models.DateTimeField(_("予約日時"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("取消日時"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = SeatBookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("リモート接続枠の予約")
        verbose_name_plural = _("リモート接続枠の予約")
        ordering = ["date", "resource__name", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "staff", "date"],
                condition=Q(cancelled_at__isnull=True),
                name="one_active_seat_booking_per_day",
            ),
        ]
        indexes = [models.Index(fields=["resource", "date"])]

    def __str__(self) -> str:
        return f"{self.staff} {self.date} {self.resource.name}"

    @property
    def is_active(self) -> bool:
        return self.cancelled_at is None


class SeatRefusal(models.Model):
    """A booking refused because every seat of the pool was taken that day (満席).

    Kept so the evidence report can count the demand a pool did not meet; read only as
    counts per pool and day (`selectors.refusals_by_day`), never per person.
    """

    resource = models.ForeignKey(
        RemoteResource, verbose_name=_("リモート接続枠"), on_delete=models.CASCADE, related_name="+"
    )
    staff = models.ForeignKey(
        Staff, verbose_name=_("職員"), on_delete=models.CASCADE, related_name="+"
    )
    date = models.DateField(_("日付"))
    refused_at = models.DateTimeField(_("日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("満席で断られた予約")
        verbose_name_plural = _("満席で断られた予約")
        indexes = [models.Index(fields=["resource", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.resource.name}"


class LoanedTerminal(models.Model):
    """A terminal the office lends for work away from the office (VPN PC, tablet…)."""

    asset_tag = models.CharField(_("資産番号"), max_length=40, unique=True)
    model_name = models.CharField(_("機種"), max_length=100)
    description = models.CharField(_("説明"), max_length=200, blank=True)
    active = models.BooleanField(_("貸出可能"), default=True, help_text=_("廃棄・修理中は外す"))
    notes = models.TextField(_("備考"), blank=True)

    # Not a column: the open loan (or None), set by `selectors.terminal_ledger`.
    current_loan: TerminalLoan | None

    class Meta:
        verbose_name = _("貸出端末")
        verbose_name_plural = _("貸出端末")
        ordering = ["asset_tag"]

    def __str__(self) -> str:
        return f"{self.asset_tag}（{self.model_name}）"


def tokyo_today() -> dt.date:
    return timezone.localdate()  # TIME_ZONE is Asia/Tokyo


class TerminalLoanQuerySet(models.QuerySet["TerminalLoan"]):
    def open(self) -> TerminalLoanQuerySet:
        return self.filter(returned_on__isnull=True)

    def overdue(self, today: dt.date | None = None) -> TerminalLoanQuerySet:
        return self.open().filter(due_on__lt=today or tokyo_today())


class TerminalLoan(models.Model):
    """One lending of a terminal to a person, from check-out to return."""

    terminal = models.ForeignKey(
        LoanedTerminal, verbose_name=_("端末"), on_delete=models.PROTECT, related_name="loans"
    )
    staff = models.ForeignKey(
        Staff, verbose_name=_("貸出先"), on_delete=models.PROTECT, related_name="terminal_loans"
    )
    checked_out_on = models.DateField(_("貸出日"))
    due_on = models.DateField(_("返却予定日"))
    returned_on = models.DateField(_("返却日"), null=True, blank=True)
    condition_out = models.CharField(_("貸出時の状態"), max_length=200, blank=True)
    condition_in = models.CharField(_("返却時の状態"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = TerminalLoanQuerySet.as_manager()

    class Meta:
        verbose_name = _("端末の貸出")
        verbose_name_plural = _("端末の貸出")
        ordering = ["-checked_out_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["terminal"],
                condition=Q(returned_on__isnull=True),
                name="one_open_loan_per_terminal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.terminal.asset_tag} → {self.staff.name} {self.checked_out_on}"

    @property
    def is_open(self) -> bool:
        return self.returned_on is None

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.returned_on is None and self.due_on < (today or tokyo_today())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def days_overdue(self) -> int:
        return max(0, (tokyo_today() - self.due_on).days) if self.returned_on is None else 0
