"""The gate in a real roster solve: someone not ready is never rostered at home even when
they ask for it; once they answer the checklist, the next solve honours their wish."""

from __future__ import annotations

import pytest

from yakuba.readiness.tests.conftest import answer_all
from yakuba.rosters.models import (
    RemoteResource,
    RequestKind,
    RosterVersion,
    StaffRequest,
    VersionStatus,
)
from yakuba.rosters.solver_io import build_problem
from yakuba.rosters.tasks import solve_version
from yakuba.rosters.tests.conftest import MONDAY
from yakuba.rosters.tests.test_solver_io import make_version


@pytest.mark.django_db
def test_a_person_who_is_not_ready_is_not_rostered_to_telework(
    roster_setup, make_user, gate_on
) -> None:
    RemoteResource.objects.update(capacity=10)
    people = roster_setup["people"]
    not_ready, ready = people[0], people[3]
    for s in people:
        if s is not not_ready:
            answer_all(s)
    for s in (not_ready, ready):
        StaffRequest.objects.create(staff=s, date=MONDAY, kind=RequestKind.TELEWORK, weight=3)
    head = make_user("unit_head")
    version = make_version(roster_setup, head)
    solve_version.enqueue(version.pk)
    version.refresh_from_db()
    assert version.status == VersionStatus.SOLVED, (version.status, version.diagnosis)
    vpn = roster_setup["vpn"]
    assert not version.assignments.filter(staff=not_ready, activity=vpn).exists()
    assert version.assignments.filter(staff=ready, activity=vpn, date=MONDAY).exists()
    ctx = build_problem(version)
    assert not ctx.eligibility[not_ready.pk].eligible
    assert "在宅勤務の準備チェック" in str(ctx.eligibility[not_ready.pk].unmet[0].detail)

    answer_all(not_ready)
    second = RosterVersion.objects.create(
        period=version.period, number=2, created_by=head, time_limit=8
    )
    solve_version.enqueue(second.pk)
    second.refresh_from_db()
    assert second.status == VersionStatus.SOLVED
    assert build_problem(second).eligibility[not_ready.pk].eligible
    assert second.assignments.filter(staff=not_ready, activity=vpn, date=MONDAY).exists()
