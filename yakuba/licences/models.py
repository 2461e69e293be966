"""Paid web-meeting licences (Zoom host licences and the like) and who holds them.

A licence is usually held by one host. Its holders over time are kept as assignments
(half-open date ranges ``[start_on, end_on)``), so a month's report counts the meetings
of whoever held the licence on each day, and a reassignment never rewrites history.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yakuba.meetings.models import Platform as MeetingPlatform


class LicencePlatform(models.TextChoices):
    """The online meeting platforms (values shared with `meetings.Platform`) and others
    that Yakuba does not record meetings for."""

    ZOOM = MeetingPlatform.ZOOM.value, MeetingPlatform.ZOOM.label
    TEAMS = MeetingPlatform.TEAMS.value, MeetingPlatform.TEAMS.label
    JITSI = MeetingPlatform.JITSI.value, MeetingPlatform.JITSI.label
    WEBEX = "webex", _("Webex")
    OTHER = "other", _("その他")


# Platforms whose meetings are recorded in `meetings.Meeting` (the others cannot be measured).
MEASURED_PLATFORMS = frozenset({LicencePlatform.ZOOM, LicencePlatform.TEAMS, LicencePlatform.JITSI})


class LicenceKind(models.TextChoices):
    HOST = "host", _("ホストライセンス")
    WEBINAR = "webinar", _("ウェビナー")
    LARGE = "large", _("大規模ミーティング")
    ROOM = "room", _("会議室端末")
    OTHER = "other", _("その他")


class Licence(models.Model):
    platform = models.CharField(_("方式"), max_length=20, choices=LicencePlatform.choices)
    name = models.CharField(
        _("名称・アカウント"),
        max_length=120,
        unique=True,
        help_text=_("例：Zoom ホスト01（zoom-host01@city.example.lg.jp）"),
    )
    kind = models.CharField(
        _("種類"), max_length=20, choices=LicenceKind.choices, default=LicenceKind.HOST
    )
    monthly_cost = models.PositiveIntegerField(_("月額（円）"), default=0)
    valid_from = models.DateField(_("契約開始日"))
    valid_to = models.DateField(_("契約終了日"), null=True, blank=True)
    holder = models.ForeignKey(
        "org.Staff",
        verbose_name=_("保有者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_licences",
        help_text=_("このライセンスでホストする職員（現在）"),
    )
    notes = models.TextField(_("備考"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Web会議ライセンス")
        verbose_name_plural = _("Web会議ライセンス")
        ordering = ["platform", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="licence_valid_to_after_from",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class LicenceAssignment(models.Model):
    """Who held a licence from `start_on` until the day before `end_on` (open: still)."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="assignments")
    staff = models.ForeignKey(
        "org.Staff", verbose_name=_("保有者"), on_delete=models.PROTECT, related_name="+"
    )
    start_on = models.DateField(_("開始日"))
    end_on = models.DateField(_("終了日（この日から外れる）"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ライセンスの割り当て")
        verbose_name_plural = _("ライセンスの割り当て")
        ordering = ["licence", "-start_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence"],
                condition=Q(end_on__isnull=True),
                name="one_open_assignment_per_licence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.licence} → {self.staff} {self.start_on}–{self.end_on or ''}"
