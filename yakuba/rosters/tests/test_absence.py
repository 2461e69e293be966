"""An absence reported after publication is stored and repaired, together or not at all,
and never lost because another run of the period is going."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.rosters import services, tasks
from yakuba.rosters.models import (
    Assignment,
    RequestKind,
    RequestStatus,
    RosterVersion,
    StaffRequest,
    VersionStatus,
)
from yakuba.rosters.tests.conftest import MONDAY
from yakuba.rosters.tests.test_views import plan

WEDNESDAY = MONDAY + dt.timedelta(days=2)


def _published(client, make_user, roster_setup) -> tuple[Client, RosterVersion]:
    head = verified_client(client, make_user("unit_head"))
    version = plan(head, roster_setup)
    head.post(reverse("rosters:version_publish", args=[version.pk]))
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    return head, version


def _report(head: Client, version: RosterVersion, staff, day: dt.date) -> str:
    response = head.post(
        reverse("rosters:report_absence", args=[version.pk]),
        {"staff": staff.pk, "start": day.isoformat()},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


def _sick(version: RosterVersion, day: dt.date) -> set[int]:
    return set(
        StaffRequest.objects.filter(
            date=day, kind=RequestKind.SICK, status=RequestStatus.APPROVED
        ).values_list("staff_id", flat=True)
    )


@pytest.mark.django_db
def test_absence_during_a_running_solve_waits_for_it_and_then_runs(
    client, make_user, roster_setup, django_capture_on_commit_callbacks
) -> None:
    head, version = _published(client, make_user, roster_setup)
    # Another run of the period is being solved by a worker right now.
    other = RosterVersion.objects.create(
        period=version.period,
        number=2,
        based_on=version,
        created_by=version.created_by,
        time_limit=5,
    )
    running = tasks.claim_version(other.pk)
    assert running is not None and running.status == VersionStatus.RUNNING
    first, second = roster_setup["people"][3], roster_setup["people"][4]

    with django_capture_on_commit_callbacks(execute=True):
        page = _report(head, version, first, WEDNESDAY)
    repair = RosterVersion.objects.get(period=version.period, number=3)
    assert "作成中の第2版が終わると、続けて最小変更で再作成します（第3版）" in page
    assert repair.status == VersionStatus.QUEUED  # delivered, and left waiting
    assert repair.is_repair and repair.based_on == version
    assert _sick(version, WEDNESDAY) == {first.pk}

    # A second absence while the repair waits joins it rather than queueing another run.
    with django_capture_on_commit_callbacks(execute=True):
        page = _report(head, version, second, WEDNESDAY)
    assert "待機中の再作成（第3版）に含めます" in page
    assert version.period.versions.count() == 3
    assert _sick(version, WEDNESDAY) == {first.pk, second.pk}
    assert AuditEntry.objects.filter(
        object_type="rosters.rosterversion", object_id=str(repair.pk), action="update"
    ).exists()

    # The running solve ends; the worker goes on to the waiting repair.
    tasks.solve_claimed(running)
    other.refresh_from_db()
    repair.refresh_from_db()
    assert other.status == VersionStatus.SOLVED
    assert repair.status == VersionStatus.SOLVED, repair.diagnosis
    assert repair.started_at and other.finished_at and repair.started_at >= other.finished_at
    off = Assignment.objects.filter(version=repair, date=WEDNESDAY, staff__in=[first, second])
    assert {(a.activity_id, a.off_reason) for a in off} == {(None, RequestKind.SICK)}


@pytest.mark.django_db
def test_absence_with_nothing_running_starts_the_repair_at_once(
    client, make_user, roster_setup, django_capture_on_commit_callbacks
) -> None:
    head, version = _published(client, make_user, roster_setup)
    person = roster_setup["people"][2]
    with django_capture_on_commit_callbacks(execute=True):
        page = _report(head, version, person, WEDNESDAY)
    repair = RosterVersion.objects.get(period=version.period, number=2)
    assert "最小変更で再作成を始めました（第2版）" in page
    assert repair.status == VersionStatus.SOLVED


@pytest.mark.django_db
def test_an_absence_outside_the_period_stores_nothing(make_user, roster_setup) -> None:
    head = make_user("unit_head")
    period_version = RosterVersion.objects.create(
        period=services.create_period(
            actor=head,
            unit=roster_setup["org"]["shimin"],
            name="12月",
            start=MONDAY,
            end=MONDAY + dt.timedelta(days=6),
            mode="normal",
            office_cap=None,
        ),
        number=1,
        status=VersionStatus.PUBLISHED,
        created_by=head,
    )
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.report_absence(
            actor=head,
            version=period_version,
            staff=roster_setup["people"][0],
            dates=[WEDNESDAY, MONDAY + dt.timedelta(days=30)],
        )
    assert not StaffRequest.objects.exists()
    assert period_version.period.versions.count() == 1
    assert AuditEntry.objects.count() == audits


@pytest.mark.django_db
def test_another_units_head_cannot_report_an_absence(client, make_user, roster_setup) -> None:
    _head, version = _published(client, make_user, roster_setup)
    other = verified_client(Client(), make_user("unit_head", unit_key="zeimu", username="zh"))
    response = other.post(
        reverse("rosters:report_absence", args=[version.pk]),
        {"staff": roster_setup["people"][0].pk, "start": WEDNESDAY.isoformat()},
    )
    assert response.status_code == 404
    assert not StaffRequest.objects.exists()
    assert version.period.versions.count() == 1
