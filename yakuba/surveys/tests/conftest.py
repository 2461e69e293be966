from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def me(make_user, client_factory):
    """A member of staff with an account, and a client signed in as them."""
    from conftest import verified_client

    user = make_user("staff")
    return user, verified_client(client_factory(), user)


@pytest.fixture
def planner(make_user, client_factory):
    from conftest import verified_client

    user = make_user("planning", username="planner")
    return user, verified_client(client_factory(), user)


@pytest.fixture
def roster(make_user):
    """`roster(staff, days, kind="telework")`: published roster cells for `staff`."""
    from yakuba.rosters.models import RosterPeriod, RosterVersion, WorkActivity

    author = make_user("hr", username="roster-author")
    activities = {
        "telework": WorkActivity.objects.create(code="T", name="在宅", kind="telework"),
        "office": WorkActivity.objects.create(code="O", name="庁内", kind="office"),
    }
    versions: dict[str, object] = {}

    def version(status: str, n: int = 1):
        key = f"{status}{n}"
        if key not in versions:
            period = RosterPeriod.objects.create(
                name=f"期間 {status}",
                start_date=dt.date(2026, 1, 1),
                end_date=dt.date(2026, 12, 31),
                created_by=author,
            )
            versions[key] = RosterVersion.objects.create(
                period=period, number=1, status=status, created_by=author
            )
        return versions[key]

    def add(staff, days, kind="telework", status="published", roster=1):
        from yakuba.rosters.models import Assignment

        for day in days:
            Assignment.objects.create(
                version=version(status, roster), staff=staff, date=day, activity=activities[kind]
            )

    return add
