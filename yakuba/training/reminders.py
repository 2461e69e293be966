"""Reminders of training sessions (the day before), through `core.scheduling`.

One step per session, claimed once by its key ``<session>:day_before`` when the session
starts within `TRAINING_REMIND_HOURS_BEFORE` (24) hours. The step reminds each registered
person whose registration has not been reminded yet (`Registration.reminded_at`, set under
the session lock), so a person is reminded once per registration even when the step runs
again or someone is promoted from the waiting list after it ran (the next run of the job
does not re-claim the key; the promotion notice says when the session is).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Set

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from yakuba.core.conf import setting
from yakuba.core.scheduling import Due, Job, register
from yakuba.notifications.services import EMAIL, IN_APP, notify
from yakuba.training import selectors
from yakuba.training.models import Registration, RegistrationStatus, TrainingSession

JOB_NAME = "training.reminders"


def hours_before() -> int:
    return int(setting("TRAINING_REMIND_HOURS_BEFORE", 24))


def due(now: dt.datetime, claimed: Set[str]) -> Iterable[Due]:
    within = dt.timedelta(hours=hours_before())
    return [
        Due(f"{pk}:day_before", (pk,))
        for pk in selectors.upcoming_for_reminder(now, within).values_list("pk", flat=True)
        if f"{pk}:day_before" not in claimed
    ]


def send(session_id: int) -> int:
    """Remind the registered people not reminded yet; returns how many."""
    now = timezone.now()
    with transaction.atomic():
        session = (
            # Only the session row is locked (the meeting is an outer join: PostgreSQL
            # refuses FOR UPDATE on its nullable side).
            TrainingSession.objects.select_for_update(of=("self",))
            .select_related("course", "meeting")
            .get(pk=session_id)
        )
        if session.status != "scheduled" or session.starts_at <= now:
            return 0
        regs = list(
            Registration.objects.select_for_update(of=("self",))
            .filter(session=session, status=RegistrationStatus.REGISTERED, reminded_at=None)
            .select_related("staff__user")
        )
        if not regs:
            return 0
        Registration.objects.filter(pk__in=[r.pk for r in regs]).update(reminded_at=now)
        where = session.place or (session.meeting.join_url if session.meeting else "")
        notify(
            [r.staff.user for r in regs if r.staff.user is not None],
            subject=_("研修会のお知らせ：%(course)s") % {"course": session.course.title},
            body=_("%(at)s から「%(course)s」があります。会場：%(where)s")
            % {
                "at": date_format(timezone.localtime(session.starts_at), "Y-m-d H:i"),
                "course": session.course.title,
                "where": where,
            },
            url=reverse("training:session_detail", args=[session.pk]),
            channels=(IN_APP, EMAIL),
            purpose="training.reminder",
        )
    return len(regs)


register(
    Job(
        name=JOB_NAME,
        due=due,
        run=send,
        description="研修会の前日のお知らせ",
        memory=dt.timedelta(days=3),
    )
)
