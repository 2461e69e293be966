"""Fixtures for remote seats: a pool, a telework activity that consumes it, eligible staff."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

import pytest

_numbers = itertools.count(1)


@pytest.fixture
def today() -> dt.date:
    from yakuba.remoteseats.models import tokyo_today

    return tokyo_today()


@pytest.fixture
def telework(db):
    from yakuba.rosters.models import AccessMethod, ActivityKind, WorkActivity

    return WorkActivity.objects.create(
        code="TW-VPN",
        name="在宅（VPN）",
        kind=ActivityKind.TELEWORK,
        access_method=AccessMethod.VPN,
        symbol="在",
    )


@pytest.fixture
def pool(db, telework):
    from yakuba.rosters.models import RemoteResource

    resource = RemoteResource.objects.create(name="VPN端末", capacity=2)
    resource.activities.set([telework])
    return resource


def approve(staff) -> None:
    """Make `staff` eligible for telework under the default policy."""
    from yakuba.rosters.models import StaffWorkProfile

    StaffWorkProfile.objects.update_or_create(staff=staff, defaults={"telework_approved": True})


@pytest.fixture
def eligible_staff(org) -> Callable[..., object]:
    """A new active, telework-approved staff member in `unit_key`."""
    from yakuba.org.models import Staff

    def make(unit_key: str = "shimin", name: str | None = None):
        n = next(_numbers)
        staff = Staff(
            staff_number=f"7{n:04d}",
            name=name or f"在宅 {n}",
            name_kana="ザイタク",
            unit=org[unit_key],
        )
        staff.save()
        approve(staff)
        return staff

    return make


@pytest.fixture
def publish(db) -> Callable[..., object]:
    """Publish a roster in which `staff` do `activity` on `date`."""
    from yakuba.accounts.models import User
    from yakuba.rosters.models import Assignment, RosterPeriod, RosterVersion

    def make(unit, date: dt.date, activity, staff: list, *, status: str = "published"):
        author = User.objects.filter(username="roster-author").first() or (
            User.objects.create_user("roster-author", password=None, role="hr")
        )
        period = RosterPeriod.objects.create(
            unit=unit, name="期間", start_date=date, end_date=date, created_by=author
        )
        version = RosterVersion.objects.create(
            period=period, number=1, status=status, created_by=author
        )
        for s in staff:
            Assignment.objects.create(version=version, staff=s, date=date, activity=activity)
        return version

    return make
