"""A roster built from the ORM satisfies every cover and capacity rule (checked by the
planner's independent evaluator)."""

from __future__ import annotations

import datetime as dt
from collections import Counter as Tally

import pytest

from yakuba import planner
from yakuba.rosters.models import (
    Assignment,
    RequestKind,
    RequestStatus,
    RosterPeriod,
    RosterVersion,
    StaffRequest,
    VersionStatus,
)
from yakuba.rosters.solver_io import activity_key, build_problem, staff_key
from yakuba.rosters.tasks import solve_version
from yakuba.rosters.tests.conftest import MONDAY


def make_version(setup, user, days: int = 7, **period_kwargs) -> RosterVersion:
    period = RosterPeriod.objects.create(
        unit=setup["org"]["shimin"],
        name="12月",
        start_date=MONDAY,
        end_date=MONDAY + dt.timedelta(days=days - 1),
        created_by=user,
        **period_kwargs,
    )
    return RosterVersion.objects.create(period=period, number=1, created_by=user, time_limit=8)


def roster_from_db(version: RosterVersion, ctx) -> planner.Roster:
    index = {d: i for i, d in enumerate(ctx.days)}
    grid: planner.Roster = {k: [None] * len(ctx.days) for k in ctx.staff}
    for a in version.assignments.all():
        grid[staff_key(a.staff_id)][index[a.date]] = (
            activity_key(a.activity_id) if a.activity_id else None
        )
    return grid


@pytest.mark.django_db
def test_solved_roster_covers_counters_and_respects_vpn_seats(roster_setup, make_user) -> None:
    head = make_user("unit_head")
    version = make_version(roster_setup, head)
    people = roster_setup["people"]
    StaffRequest.objects.create(
        staff=people[2],
        date=MONDAY + dt.timedelta(days=2),
        kind=RequestKind.ANNUAL_LEAVE,
        status=RequestStatus.APPROVED,
    )
    for s in people[:3]:
        StaffRequest.objects.create(
            staff=s, date=MONDAY + dt.timedelta(days=1), kind=RequestKind.TELEWORK
        )
    solve_version.enqueue(version.pk)
    version.refresh_from_db()
    assert version.status == VersionStatus.SOLVED, (
        version.status,
        version.diagnosis,
        version.failure,
    )
    ctx = build_problem(version)
    roster = roster_from_db(version, ctx)
    evaluation = planner.evaluate(ctx.problem, roster)
    assert evaluation.feasible, evaluation.hard_violations
    assert evaluation.objective == version.objective
    desk, vpn = roster_setup["desk"], roster_setup["vpn"]
    cells = list(Assignment.objects.filter(version=version).select_related("activity"))
    for day in range(6):  # Monday–Saturday: the counter is open
        date = MONDAY + dt.timedelta(days=day)
        at_desk = [c for c in cells if c.date == date and c.activity_id == desk.pk]
        assert at_desk, f"counter closed on {date}"
        assert any(c.staff.skills.filter(code="juminhyo").exists() for c in at_desk)
    vpn_per_day = Tally(c.date for c in cells if c.activity_id == vpn.pk)
    assert max(vpn_per_day.values(), default=0) <= 1
    sunday = MONDAY + dt.timedelta(days=6)
    assert all(c.activity_id is None for c in cells if c.date == sunday)  # nothing opens on Sunday
    leave = [
        c for c in cells if c.staff_id == people[2].pk and c.date == MONDAY + dt.timedelta(days=2)
    ]
    assert leave[0].activity_id is None and leave[0].off_reason == RequestKind.ANNUAL_LEAVE
    assert version.progress, "progress was recorded"


@pytest.mark.django_db
def test_saturday_duty_earns_a_substitute_weekday_off(roster_setup, make_user) -> None:
    version = make_version(roster_setup, make_user("unit_head"))
    solve_version.enqueue(version.pk)
    version.refresh_from_db()
    cells = {(a.staff_id, a.date): a.activity_id for a in version.assignments.all()}
    saturday = MONDAY + dt.timedelta(days=5)
    workers = [sid for (sid, d), act in cells.items() if d == saturday and act is not None]
    assert workers
    for sid in workers:
        window = [saturday + dt.timedelta(days=k) for k in range(-3, 2)]
        assert any(cells.get((sid, d)) is None for d in window if d.weekday() < 5)
    reasons = {(a.staff_id, a.date): a.off_reason for a in version.assignments.all()}
    assert all(
        any(
            reasons.get((sid, saturday + dt.timedelta(days=k))) == "substitute"
            for k in range(-3, 2)
        )
        for sid in workers
    ), "the swapped weekday is shown as a substitute day off"


@pytest.mark.django_db
def test_ineligible_people_never_telework(roster_setup, make_user) -> None:
    from yakuba.rosters.models import StaffWorkProfile

    people = roster_setup["people"]
    StaffWorkProfile.objects.filter(staff__in=people).update(handles_personal_data=True)
    for s in people:
        StaffRequest.objects.create(staff=s, date=MONDAY, kind=RequestKind.TELEWORK, weight=3)
    version = make_version(roster_setup, make_user("unit_head"))
    solve_version.enqueue(version.pk)
    version.refresh_from_db()
    assert not version.assignments.filter(activity=roster_setup["vpn"]).exists()
    assert any(v["rule"] == "request_on" for v in version.violations)


@pytest.mark.django_db
def test_contradicting_hard_rules_return_a_diagnosis(roster_setup, make_user) -> None:
    people = roster_setup["people"]
    # Everyone with the counter skill is on leave on Tuesday: the counter's minimum cannot hold.
    for s in people[1:]:
        StaffRequest.objects.create(
            staff=s,
            date=MONDAY + dt.timedelta(days=1),
            kind=RequestKind.ANNUAL_LEAVE,
            status=RequestStatus.APPROVED,
        )
    version = make_version(roster_setup, make_user("unit_head"))
    solve_version.enqueue(version.pk)
    version.refresh_from_db()
    assert version.status == VersionStatus.INFEASIBLE
    assert version.diagnosis and all(d["ja"] for d in version.diagnosis)
    assert not version.assignments.exists()


@pytest.mark.django_db
def test_greedy_start_is_feasible_for_the_evaluator(roster_setup, make_user) -> None:
    from yakuba.rosters.solver_io import start_roster

    version = make_version(roster_setup, make_user("unit_head"), days=14)
    ctx = build_problem(version)
    start = start_roster(ctx)
    assert start is not None
    assert planner.evaluate(ctx.problem, start).feasible


@pytest.mark.django_db
def test_weekly_telework_cap_holds_even_when_everyone_asks(roster_setup, make_user) -> None:
    from yakuba.rosters.models import RemoteResource, TeleworkPolicy

    TeleworkPolicy.objects.filter(unit=None).update(weekly_cap=2, min_office_days=1)
    RemoteResource.objects.update(capacity=10)
    person = roster_setup["people"][0]
    for day in range(5):
        StaffRequest.objects.create(
            staff=person, date=MONDAY + dt.timedelta(days=day), kind=RequestKind.TELEWORK, weight=3
        )
    version = make_version(roster_setup, make_user("unit_head"))
    solve_version.enqueue(version.pk)
    version.refresh_from_db()
    assert version.status == VersionStatus.SOLVED
    home_days = version.assignments.filter(staff=person, activity=roster_setup["vpn"]).count()
    assert home_days == 2
    assert (
        sum(
            1
            for v in version.violations
            if v["rule"] == "request_on" and v.get("staff_id") == person.pk
        )
        == 3
    )
