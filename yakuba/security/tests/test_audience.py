"""Who an audience names: units with the units below them, roles, employment types and
people who teleworked in a published roster — every criterion narrows."""

from __future__ import annotations

import datetime as dt

import pytest

from yakuba.rosters.audience import Audience, AudienceForm, describe, previous_month, resolve

pytestmark = pytest.mark.django_db


def names(audience: Audience) -> set[str]:
    return set(resolve(audience).values_list("staff_number", flat=True))


def test_empty_audience_is_every_serving_member_of_staff(org) -> None:
    org["staff"]["2001"].active = False
    org["staff"]["2001"].save()
    assert names(Audience()) == {"1001", "1002"}
    assert describe(Audience()) == "全職員"


def test_a_unit_includes_the_units_below_it(org) -> None:
    assert names(Audience(unit_ids=(org["shimin"].pk,))) == {"1001", "1002"}
    assert names(Audience(unit_ids=(org["madoguchi"].pk,))) == {"1002"}
    assert "市民課（配下を含む）" in describe(Audience(unit_ids=(org["shimin"].pk,)))


def test_an_audience_naming_only_deleted_units_names_nobody(org) -> None:
    assert names(Audience(unit_ids=(999_999,))) == set()


def test_roles_and_employment_types_narrow(org, make_user) -> None:
    head = make_user("unit_head", staff_number="7001")
    assert names(Audience(roles=("unit_head",))) == {head.staff.staff_number}
    org["staff"]["1002"].employment_type = "fiscal_year"
    org["staff"]["1002"].save()
    assert names(Audience(employment_types=("fiscal_year",))) == {"1002"}
    assert names(Audience(employment_types=("fiscal_year",), unit_ids=(org["zeimu"].pk,))) == set()


def test_teleworked_reads_published_rosters_only(org, make_user) -> None:
    from yakuba.rosters.models import (
        Assignment,
        RosterPeriod,
        RosterVersion,
        VersionStatus,
        WorkActivity,
    )

    planner = make_user("hr")
    home = WorkActivity.objects.create(code="T", name="在宅", kind="telework")
    office = WorkActivity.objects.create(code="O", name="庁内", kind="office")
    period = RosterPeriod.objects.create(
        name="11月",
        start_date=dt.date(2026, 11, 1),
        end_date=dt.date(2026, 11, 30),
        created_by=planner,
    )
    published = RosterVersion.objects.create(
        period=period, number=1, status=VersionStatus.PUBLISHED, created_by=planner
    )
    draft = RosterVersion.objects.create(
        period=period, number=2, status=VersionStatus.SOLVED, created_by=planner
    )
    day = dt.date(2026, 11, 10)
    staff = org["staff"]
    Assignment.objects.create(version=published, staff=staff["1001"], date=day, activity=home)
    Assignment.objects.create(version=published, staff=staff["1002"], date=day, activity=office)
    Assignment.objects.create(version=draft, staff=staff["2001"], date=day, activity=home)

    start, end = previous_month(dt.date(2026, 12, 7))
    assert (start, end) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert names(Audience(teleworked_from=start, teleworked_to=end)) == {"1001"}
    assert (
        names(Audience(teleworked_from=dt.date(2026, 12, 1), teleworked_to=dt.date(2026, 12, 31)))
        == set()
    )


def test_json_round_trip() -> None:
    audience = Audience(
        unit_ids=(3, 1),
        roles=("staff",),
        employment_types=("regular",),
        teleworked_from=dt.date(2026, 11, 1),
        teleworked_to=dt.date(2026, 11, 30),
    )
    assert Audience.from_json(audience.to_json()) == audience
    assert Audience.from_json(None) == Audience()


def test_form_refuses_half_a_telework_period(org) -> None:
    form = AudienceForm(data={"teleworked_from": "2026-11-01"})
    assert not form.is_valid()
    assert "開始と終了の両方" in str(form.errors)
    form = AudienceForm(data={"teleworked_from": "2026-11-30", "teleworked_to": "2026-11-01"})
    assert not form.is_valid()
    form = AudienceForm(data={"units": [org["shimin"].pk], "roles": ["staff"]})
    assert form.is_valid(), form.errors
    assert form.audience() == Audience(unit_ids=(org["shimin"].pk,), roles=("staff",))
