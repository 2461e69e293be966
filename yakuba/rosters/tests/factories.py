"""Objects the authorization matrix needs for roster URLs (made once per test, on demand)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from yakuba.accounts.models import User
from yakuba.rosters.models import (
    ActivityKind,
    RequestKind,
    RosterPeriod,
    RosterVersion,
    StaffRequest,
    VersionStatus,
    WorkActivity,
)
from yakuba.rosters.services import reset_calendar_feed

DAY = dt.date(2026, 12, 7)


def matrix_objects(objs: dict[str, Any]) -> dict[str, Any]:
    if "rosters" in objs:
        return objs["rosters"]
    org = objs["org"]
    owner = User.objects.filter(role="sysadmin").first() or User.objects.create_user(
        "roster-owner", role="sysadmin"
    )
    period = RosterPeriod.objects.create(
        unit=org["shimin"],
        name="12月",
        start_date=DAY,
        end_date=DAY + dt.timedelta(days=6),
        created_by=owner,
    )
    version = RosterVersion.objects.create(
        period=period, number=1, created_by=owner, status=VersionStatus.SOLVED, time_limit=5
    )
    activity = WorkActivity.objects.create(
        unit=org["shimin"],
        code="office-shimin",
        name="庁内（市民課）",
        kind=ActivityKind.OFFICE,
        symbol="庁",
    )
    staff = org["staff"]["1001"]
    request = StaffRequest.objects.create(
        staff=staff, date=DAY + dt.timedelta(days=400), kind=RequestKind.TELEWORK
    )
    token = reset_calendar_feed(actor=owner, staff=staff)
    objs["rosters"] = {
        "period": period,
        "version": version,
        "activity": activity,
        "staff": staff,
        "day": DAY,
        "request": request,
        "feed_token": token,
    }
    return objs["rosters"]
