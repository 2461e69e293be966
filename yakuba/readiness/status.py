"""Where a person stands with the home checklist — a pure function of their latest answer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from yakuba.readiness.models import ChecklistSubmission


class Status(models.TextChoices):
    READY = "ready", _("準備完了")
    EXPIRING = "expiring", _("まもなく期限切れ")
    EXPIRED = "expired", _("期限切れ")
    INCOMPLETE = "incomplete", _("未対応の項目あり")
    NEVER = "never", _("未回答")


#: Statuses in which the person may telework (the checklist is complete and valid).
VALID = frozenset({Status.READY, Status.EXPIRING})


@dataclass(frozen=True)
class Standing:
    status: Status
    submission: ChecklistSubmission | None
    days_left: int | None = None  # until valid_until (0 = last valid day)

    @property
    def valid(self) -> bool:
        return self.status in VALID

    @property
    def valid_until(self) -> dt.date | None:
        return self.submission.valid_until if self.submission else None


def standing(
    submission: ChecklistSubmission | None, today: dt.date, reminder_days: int
) -> Standing:
    if submission is None:
        return Standing(Status.NEVER, None)
    if not submission.complete or submission.valid_until is None:
        return Standing(Status.INCOMPLETE, submission)
    days_left = (submission.valid_until - today).days
    if days_left < 0:
        return Standing(Status.EXPIRED, submission, days_left)
    if days_left <= reminder_days:
        return Standing(Status.EXPIRING, submission, days_left)
    return Standing(Status.READY, submission, days_left)


def valid_until(submitted_on: dt.date, validity_days: int) -> dt.date:
    """The last day a checklist answered on `submitted_on` counts (validity_days days)."""
    return submitted_on + dt.timedelta(days=validity_days - 1)
