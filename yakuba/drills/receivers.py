"""Receiver of `security.signals.suspicious_mail_reported` (sent by incidents)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from yakuba.drills.services import credit_reported_in_yakuba


def credit_reported_mail(
    sender: Any,
    *,
    staff: Any = None,
    reported_at: dt.datetime | None = None,
    incident_id: int | None = None,
    **kwargs: Any,
) -> bool | None:
    """True when the report is credited to a drill mail of the person (a drill report);
    None otherwise, as the signal's other receivers answer."""
    if staff is None:
        return None
    return credit_reported_in_yakuba(staff, reported_at or timezone.now()) or None
