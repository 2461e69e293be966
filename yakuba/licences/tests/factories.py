"""Objects the licence tests and the authorization matrix need (made on demand)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from yakuba.licences.models import Licence, LicenceAssignment, LicenceKind, LicencePlatform
from yakuba.meetings.models import Meeting, Platform, PresenceInterval
from yakuba.org.models import Staff

MONTH = dt.date(2026, 10, 1)


def local(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hh, mm)))


def make_licence(
    name: str,
    holder: Staff | None = None,
    *,
    platform: str = LicencePlatform.ZOOM,
    cost: int = 2000,
    valid_from: dt.date = dt.date(2026, 4, 1),
    valid_to: dt.date | None = None,
    held_from: dt.date | None = None,
) -> Licence:
    licence = Licence.objects.create(
        platform=platform,
        name=name,
        kind=LicenceKind.HOST,
        monthly_cost=cost,
        valid_from=valid_from,
        valid_to=valid_to,
        holder=holder,
    )
    if holder is not None:
        LicenceAssignment.objects.create(
            licence=licence, staff=holder, start_on=held_from or valid_from
        )
    return licence


def hosted(
    organiser: Any,
    host: Staff | None,
    start: dt.datetime,
    minutes: int,
    *,
    platform: str = Platform.ZOOM,
    unit: Any = None,
    actual: tuple[dt.datetime, dt.datetime] | None = None,
) -> Meeting:
    """A meeting record hosted by `host` (with actual times from presence if given)."""
    meeting = Meeting.objects.create(
        title="定例",
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        platform=platform,
        unit=unit or (host.unit if host else organiser.staff.unit),
        organiser=organiser,
        host=host,
    )
    if actual is not None:
        PresenceInterval.objects.create(
            meeting=meeting, guest_name="host", join=actual[0], leave=actual[1], source="manual"
        )
    return meeting


def matrix_objects(objs: dict[str, Any]) -> dict[str, Any]:
    """A Zoom licence held by 山田 (made once per test)."""
    if "licences" in objs:
        return objs["licences"]
    licence = make_licence("Zoom ホスト（matrix）", objs["org"]["staff"]["1001"])
    objs["licences"] = {"licence": licence}
    return objs["licences"]
