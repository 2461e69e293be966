"""What people are told, and the daily reminder job (idempotent).

The job runs once a day (a scheduler claim per day) and, within a day, marks what it has
sent (`Sheet.reminded_on`, `Finding.overdue_notified_on`), so a step run twice — a task
delivered again, a second worker — tells nobody twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.core.scheduling import Job, daily, register
from yakuba.notifications.services import EMAIL, IN_APP, notify

# Reminders before the due date (days left) and after it (every few days).
REMIND_DAYS_BEFORE = (7, 1)
REMIND_EVERY_DAYS_AFTER = 3
# An overdue finding's owner is told again after this many days.
OVERDUE_AGAIN_DAYS = 7
PURPOSE = "inspections"


def _users(staff_list: list[Any]) -> list[Any]:
    return [s.user for s in staff_list if s is not None and s.user_id and s.user.is_active]


def tell_round_launched(round_: Any, users: list[Any]) -> None:
    notify(
        users,
        subject=_("情報セキュリティ自己点検「%(title)s」の回答をお願いします（期限 %(due)s）")
        % {"title": round_.title, "due": round_.due_on.isoformat()},
        body=_("「わたしのセキュリティ」から回答票を開いて、各項目に回答してください。"),
        url=reverse("inspections:mine"),
        channels=(IN_APP, EMAIL),
        purpose=PURPOSE,
    )


def tell_sheet_submitted(sheet: Any) -> None:
    from yakuba.notifications.selectors import unit_heads

    heads = [u for u in unit_heads(sheet.unit) if getattr(u, "staff", None) != sheet.staff]
    if heads:
        notify(
            heads,
            subject=_("%(name)sさんが自己点検の回答票を提出しました") % {"name": sheet.staff.name},
            url=reverse("inspections:review_sheet", args=[sheet.pk]),
            purpose=PURPOSE,
        )


def tell_sheet_reviewed(sheet: Any) -> None:
    user = sheet.staff.user
    if user is None:
        return
    if sheet.status == "returned":
        subject = _("自己点検の回答票が差し戻されました：%(comment)s") % {
            "comment": sheet.review_comment[:80]
        }
    else:
        subject = _("自己点検の回答票が確認されました")
    notify(
        [user], subject=subject, url=reverse("inspections:sheet", args=[sheet.pk]), purpose=PURPOSE
    )


def _sheet_reminder_due(due_on: dt.date, today: dt.date) -> bool:
    left = (due_on - today).days
    if left in REMIND_DAYS_BEFORE:
        return True
    return left < 0 and (-left) % REMIND_EVERY_DAYS_AFTER == 1


def send_reminders(day: str) -> dict[str, int]:
    """Remind people of unsubmitted sheets (7 and 1 days before, then every 3 days after
    the due date) and owners of overdue findings (then weekly)."""
    from yakuba.inspections.models import (
        EDITABLE_SHEETS,
        UNRESOLVED_FINDINGS,
        Finding,
        RoundStatus,
        Sheet,
    )

    today = dt.date.fromisoformat(day)
    sent = {"sheets": 0, "findings": 0}
    with transaction.atomic():
        sheets = list(
            Sheet.objects.select_for_update(of=("self",))
            .filter(round__status=RoundStatus.OPEN, status__in=EDITABLE_SHEETS)
            .exclude(reminded_on=today)
            .select_related("round", "staff__user")
        )
        by_round: dict[int, list[Any]] = defaultdict(list)
        for sheet in sheets:
            if _sheet_reminder_due(sheet.round.due_on, today):
                by_round[sheet.round_id].append(sheet)
        for group in by_round.values():
            round_ = group[0].round
            left = (round_.due_on - today).days
            subject = (
                _("自己点検「%(title)s」の回答期限（%(due)s）が近づいています")
                if left >= 0
                else _("自己点検「%(title)s」の回答期限（%(due)s）を過ぎています")
            ) % {"title": round_.title, "due": round_.due_on.isoformat()}
            notify(
                _users([s.staff for s in group]),
                subject=subject,
                url=reverse("inspections:mine"),
                channels=(IN_APP, EMAIL),
                purpose=PURPOSE,
            )
            Sheet.objects.filter(pk__in=[s.pk for s in group]).update(reminded_on=today)
            sent["sheets"] += len(group)
        again = today - dt.timedelta(days=OVERDUE_AGAIN_DAYS)
        findings = list(
            Finding.objects.select_for_update(of=("self",))
            .filter(status__in=UNRESOLVED_FINDINGS, due_on__lt=today, owner__isnull=False)
            .exclude(overdue_notified_on__gt=again)
            .select_related("owner__user", "item")
        )
        by_owner: dict[int, list[Any]] = defaultdict(list)
        for finding in findings:
            if finding.owner_id is not None:
                by_owner[finding.owner_id].append(finding)
        for group in by_owner.values():
            notify(
                _users([group[0].owner]),
                subject=_("期限を過ぎた自己点検の指摘事項が %(n)s 件あります") % {"n": len(group)},
                body="\n".join(
                    f"・{f.item.code} {f.item.text}（{f.due_on.isoformat()}）" for f in group
                ),
                url=reverse("inspections:finding_list") + "?overdue=1&mine=1",
                channels=(IN_APP, EMAIL),
                purpose=PURPOSE,
            )
            Finding.objects.filter(pk__in=[f.pk for f in group]).update(overdue_notified_on=today)
            sent["findings"] += len(group)
    return sent


REMINDERS = register(
    Job(
        name="inspections.reminders",
        due=daily(at=dt.time(9, 0)),
        run=send_reminders,
        description="self-inspection: remind unanswered sheets and overdue findings",
    )
)


def today() -> dt.date:
    return timezone.localdate()
