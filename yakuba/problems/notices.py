"""Overdue reminders: the heads of a countermeasure's owner unit are told once per due date.

The job runs daily (a scheduler claim per day). Each countermeasure still 検討中 or 対応中
after its due date is reminded once for that due date (`Countermeasure.reminded_due_on`);
a new due date may be reminded again. A step run twice — a task delivered again, a second
worker — tells nobody twice (the rows are locked and marked in the same transaction).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from yakuba.core.scheduling import Job, daily, register
from yakuba.notifications.services import EMAIL, IN_APP, notify

PURPOSE = "problems"


def send_overdue_reminders(day: str) -> dict[str, int]:
    """Tell the heads of each owner unit about its countermeasures overdue on ``day``."""
    from yakuba.notifications.selectors import unit_heads
    from yakuba.problems.models import OPEN_STATUSES, Countermeasure

    today = dt.date.fromisoformat(day)
    sent = {"countermeasures": 0, "notices": 0}
    with transaction.atomic():
        due = list(
            Countermeasure.objects.select_for_update(of=("self",))
            .filter(status__in=OPEN_STATUSES, due_on__lt=today)
            .filter(Q(reminded_due_on__isnull=True) | ~Q(reminded_due_on=F("due_on")))
            .select_related("problem", "unit")
            .order_by("unit_id", "due_on", "pk")
        )
        by_unit: dict[int, list[Any]] = defaultdict(list)
        for countermeasure in due:
            by_unit[countermeasure.unit_id].append(countermeasure)
        for group in by_unit.values():
            heads = unit_heads(group[0].unit)
            if heads:
                notices = notify(
                    heads,
                    subject=_("期限を過ぎた対応策が %(n)s 件あります（%(unit)s）")
                    % {"n": len(group), "unit": group[0].unit.name},
                    body="\n".join(
                        _("・%(problem)s：%(measure)s（期限 %(due)s）")
                        % {
                            "problem": c.problem.title,
                            "measure": c.description[:80],
                            "due": c.due_on.isoformat(),
                        }
                        for c in group
                    ),
                    url=reverse("problems:list") + f"?overdue=1&unit={group[0].unit_id}",
                    channels=(IN_APP, EMAIL),
                    purpose=PURPOSE,
                )
                sent["notices"] += len(notices)
            Countermeasure.objects.filter(pk__in=[c.pk for c in group]).update(
                reminded_due_on=F("due_on")
            )
            sent["countermeasures"] += len(group)
    return sent


REMINDERS = register(
    Job(
        name="problems.overdue_reminders",
        due=daily(at=dt.time(9, 0)),
        run=send_overdue_reminders,
        description="problems register: remind owner unit heads of overdue countermeasures",
    )
)
