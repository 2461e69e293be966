"""Expiry reminders: once when a checklist enters its last `reminder_days` days, once when
it has expired. A daily scheduler job; each reminder is marked on the answer it is about
in the same transaction as the notice, so a job run twice (or a day's claim retried after
a crash) reminds nobody twice."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.core.scheduling import Job, daily
from yakuba.readiness.models import ChecklistSubmission, ReadinessSettings


def send_expiry_reminders(day: str | None = None) -> dict[str, int]:
    from yakuba.notifications.services import EMAIL, IN_APP, notify

    today = dt.date.fromisoformat(day) if day else timezone.localdate()
    office = ReadinessSettings.current()
    url = reverse("readiness:checklist")
    current = ChecklistSubmission.objects.filter(
        current=True,
        complete=True,
        staff__active=True,
        staff__user__isnull=False,
        staff__user__is_active=True,
    ).select_related("staff__user")
    sent = {"expiring": 0, "expired": 0}
    expiring = current.filter(
        valid_until__gte=today,
        valid_until__lte=today + dt.timedelta(days=office.reminder_days),
        reminded_soon_at__isnull=True,
    )
    for answer in expiring:
        assert answer.valid_until is not None
        with transaction.atomic():
            if not ChecklistSubmission.objects.filter(
                pk=answer.pk, reminded_soon_at__isnull=True
            ).update(reminded_soon_at=timezone.now()):
                continue  # another run reminded them meanwhile
            notify(
                [answer.staff.user],
                subject=_("在宅勤務の準備チェックの有効期限が近づいています（%(date)s まで）")
                % {"date": answer.valid_until.isoformat()},
                body=_(
                    "在宅勤務の準備チェックは %(date)s まで有効です。期限が切れると在宅勤務の"
                    "対象外になります。自宅のルーター・端末を確認して、もう一度答えてください。"
                )
                % {"date": answer.valid_until.isoformat()},
                url=url,
                channels=(IN_APP, EMAIL),
                purpose="readiness.expiring",
            )
        sent["expiring"] += 1
    expired = current.filter(valid_until__lt=today, reminded_expired_at__isnull=True)
    for answer in expired:
        assert answer.valid_until is not None
        with transaction.atomic():
            if not ChecklistSubmission.objects.filter(
                pk=answer.pk, reminded_expired_at__isnull=True
            ).update(reminded_expired_at=timezone.now()):
                continue
            notify(
                [answer.staff.user],
                subject=_("在宅勤務の準備チェックの有効期限が切れました"),
                body=_(
                    "在宅勤務の準備チェックは %(date)s で有効期限が切れました。もう一度答えると、"
                    "在宅勤務の対象に戻ります。"
                )
                % {"date": answer.valid_until.isoformat()},
                url=url,
                channels=(IN_APP, EMAIL),
                purpose="readiness.expired",
            )
        sent["expired"] += 1
    return sent


JOB = Job(
    name="readiness.expiry_reminders",
    due=daily(at=dt.time(8, 0)),
    run=send_expiry_reminders,
    description="telework checklist expiry reminders (30 days before and on expiry)",
)
