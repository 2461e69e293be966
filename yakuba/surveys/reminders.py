"""Reminders to invitees who have not answered, through the notification module.

Two automatic steps per open survey — `SURVEYS_REMIND_DAYS_BEFORE` (3) days before its
end, and on its last day — each claimed once by its key ``<survey>:<step>`` in
`core.scheduling` (restart-safe; two schedulers are no-ops). If the scheduler was down
and both are due, only the last-day one is sent. A person is reminded at most once a day
whatever runs (a step, the owner's 「今すぐ催促」), recorded on the invitation. The same
job closes a survey whose end time has passed (answers were refused from then on anyway).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Set

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.accounts.models import User
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.conf import setting
from yakuba.core.scheduling import Due, Job, register
from yakuba.notifications.services import EMAIL, IN_APP, notify
from yakuba.surveys import building, selectors
from yakuba.surveys.models import Invitation, Survey, SurveyStatus

JOB_NAME = "surveys.reminders"
BEFORE, LAST_DAY, CLOSE, MANUAL = "before", "last_day", "close", "manual"


def days_before() -> int:
    return int(setting("SURVEYS_REMIND_DAYS_BEFORE", 3))


def remind_hour() -> int:
    return int(setting("SURVEYS_REMIND_HOUR", 9))


def step_due(survey: Survey, now: dt.datetime) -> str | None:
    """The reminder step due for `survey` at `now` (the latest one), if any."""
    if survey.status != SurveyStatus.OPEN or survey.closes_at is None:
        return None
    if now >= survey.closes_at or (survey.opens_at and now < survey.opens_at):
        return None
    end_day = timezone.localtime(survey.closes_at).date()
    local = timezone.localtime(now)
    at = dt.time(remind_hour())
    # On the last day from the reminder hour — or earlier if the survey closes before it.
    last_from = min(
        timezone.make_aware(dt.datetime.combine(end_day, at)),
        survey.closes_at - dt.timedelta(hours=2),
    )
    if now >= last_from:
        return LAST_DAY
    before_day = end_day - dt.timedelta(days=days_before())
    if local.date() >= before_day and local.time() >= at:
        return BEFORE
    return None


def due(now: dt.datetime, claimed: Set[str]) -> Iterable[Due]:
    steps: list[Due] = []
    for survey in Survey.objects.filter(status=SurveyStatus.OPEN).only(
        "pk", "status", "opens_at", "closes_at"
    ):
        if survey.closes_at is not None and now >= survey.closes_at:
            steps.append(Due(f"{survey.pk}:{CLOSE}", (survey.pk, CLOSE)))
            continue
        step = step_due(survey, now)
        if step is not None:
            steps.append(Due(f"{survey.pk}:{step}", (survey.pk, step)))
    return steps


def send(survey: Survey, step: str, now: dt.datetime) -> int:
    """Remind every invitee who has not answered and was not reminded today; returns how
    many. Nothing once the survey no longer accepts answers."""
    today = timezone.localdate(now)
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if not selectors.accepting(locked, now):
            return 0
        pending = list(
            Invitation.objects.select_for_update()
            .filter(survey=locked, answered=False, staff__active=True)
            .exclude(last_reminded_on=today)
            .select_related("staff__user")
        )
        users = [
            i.staff.user for i in pending if i.staff.user is not None and i.staff.user.is_active
        ]
        if not pending:
            return 0
        due_at = timezone.localtime(locked.closes_at)
        values = {"title": locked.title, "due": due_at.strftime("%Y-%m-%d %H:%M")}
        if step == LAST_DAY:
            subject = _("【アンケート】「%(title)s」は本日 %(due)s 締切です") % values
        else:
            subject = (
                _("【アンケート】「%(title)s」へのご回答をお願いします（締切 %(due)s）") % values
            )
        body = _("まだ回答していない方にお送りしています。回答済みの方には届きません。")
        if locked.anonymous:
            body += _("匿名のアンケートです。回答の内容とあなたを結び付ける情報は残りません。")
        notify(
            users,
            subject=subject,
            body=body,
            url=reverse("surveys:answer", args=[locked.pk]),
            channels=(IN_APP, EMAIL),
            purpose=f"survey:{locked.pk}:{step}",
        )
        Invitation.objects.filter(pk__in=[i.pk for i in pending]).update(
            reminders_sent=F("reminders_sent") + 1, last_reminded_on=today
        )
    return len(pending)


def run(survey_id: int, step: str) -> int:
    now = timezone.now()
    if step == CLOSE:
        return building.close_expired(now)
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        return 0
    sent = send(survey, step, now)
    if sent:
        record(
            AuditAction.UPDATE,
            actor=None,
            obj=survey,
            changes={"reminded": [step, sent]},
        )
    return sent


def remind_now(*, actor: User, survey: Survey, now: dt.datetime | None = None) -> int:
    """The owner's 「今すぐ催促」: everyone who has not answered and was not reminded today."""
    building._require_manage(actor)
    now = now or timezone.now()
    if not selectors.accepting(survey, now):
        raise ValidationError(_("回答受付中のアンケートではないため、催促できません。"))
    with transaction.atomic():
        sent = send(survey, MANUAL, now)
        record(AuditAction.UPDATE, actor=actor, obj=survey, changes={"reminded": [MANUAL, sent]})
    return sent


REMINDERS = register(
    Job(
        name=JOB_NAME,
        due=due,
        run=run,
        description="staff surveys: reminders before the end and on the last day; closing",
        memory=dt.timedelta(days=60),
    )
)
