"""Targeting from the published rosters: ≥ N telework days in a period, eligible people
who never teleworked; resolved once at launch with each person's telework days."""

from __future__ import annotations

import datetime as dt

import pytest

from yakuba.rosters.audience import Audience, AudienceForm, describe, resolve, telework_days
from yakuba.surveys import building
from yakuba.surveys.models import Invitation
from yakuba.surveys.tests.factories import make_survey

pytestmark = pytest.mark.django_db

JAN = (dt.date(2026, 1, 1), dt.date(2026, 1, 31))


def days(n: int, start: int = 5) -> list[dt.date]:
    return [dt.date(2026, 1, start + i) for i in range(n)]


def numbers(audience: Audience) -> set[str]:
    return set(resolve(audience).values_list("staff_number", flat=True))


@pytest.fixture
def january(org, roster):
    staff = org["staff"]
    roster(staff["1001"], days(6))  # 6 telework days
    roster(staff["1002"], days(2))  # 2
    roster(staff["1002"], days(3, start=20), kind="office")
    roster(staff["2001"], days(9), status="solved")  # a draft roster: does not count
    return staff


def test_at_least_n_telework_days_in_published_rosters(january) -> None:
    start, end = JAN
    assert numbers(Audience(teleworked_from=start, teleworked_to=end)) == {"1001", "1002"}
    assert numbers(Audience(teleworked_from=start, teleworked_to=end, min_days=3)) == {"1001"}
    assert numbers(Audience(teleworked_from=start, teleworked_to=end, min_days=7)) == set()
    assert telework_days(start, end) == {january["1001"].pk: 6, january["1002"].pk: 2}
    assert "在宅勤務を3日以上した人" in describe(
        Audience(teleworked_from=start, teleworked_to=end, min_days=3)
    )


def test_a_day_in_two_published_rosters_counts_once(january, roster) -> None:
    roster(january["1002"], days(2), roster=2)  # same days again, another roster
    assert telework_days(*JAN)[january["1002"].pk] == 2


def test_eligible_people_who_never_teleworked(january) -> None:
    from yakuba.rosters.models import StaffWorkProfile, TeleworkPolicy

    start, end = JAN
    never = Audience(teleworked_from=start, teleworked_to=end, eligible_never_teleworked=True)
    # The default policy needs the head's approval: nobody is approved yet.
    assert numbers(never) == set()
    for number in ("1001", "2001"):
        StaffWorkProfile.objects.create(staff=january[number], telework_approved=True)
    assert numbers(never) == {"2001"}  # its draft roster does not count as telework
    # Fiscal-year appointees excluded by the office's policy: no longer eligible.
    january["2001"].employment_type = "fiscal_year"
    january["2001"].save()
    TeleworkPolicy.objects.create(unit=None, allowed_employment_types=["regular"])
    assert numbers(never) == set()
    assert "一度も在宅勤務しなかった人" in describe(never)


def test_criteria_narrow_together(january, org) -> None:
    start, end = JAN
    audience = Audience(unit_ids=(org["madoguchi"].pk,), teleworked_from=start, teleworked_to=end)
    assert numbers(audience) == {"1002"}


def test_the_form_asks_for_a_period_and_refuses_contradictions(org) -> None:
    form = AudienceForm(data={"min_days": "3"})
    assert not form.is_valid() and "期間を入力してください" in str(form.errors)
    form = AudienceForm(
        data={
            "teleworked_from": "2026-01-01",
            "teleworked_to": "2026-01-31",
            "min_days": "3",
            "eligible_never_teleworked": "on",
        }
    )
    assert not form.is_valid() and "同時に指定できません" in str(form.errors)
    form = AudienceForm(
        data={"teleworked_from": "2026-01-01", "teleworked_to": "2026-01-31", "min_days": "3"}
    )
    assert form.is_valid()
    audience = form.audience()
    assert audience.min_days == 3
    assert Audience.from_json(audience.to_json()) == audience
    # JSON stored by earlier versions (no new keys) still reads.
    assert Audience.from_json({"roles": ["staff"]}).min_days == 1


def test_launch_fixes_people_and_their_telework_days(january, make_user) -> None:
    planner = make_user("planning")
    start, end = JAN
    survey = make_survey(audience=Audience(teleworked_from=start, teleworked_to=end), period=JAN)
    assert building.launch(actor=planner, survey=survey) == 2
    got = dict(Invitation.objects.values_list("staff__staff_number", "telework_days"))
    assert got == {"1001": 6, "1002": 2}
    # A roster changed later adds nobody and changes no one's days.
    from yakuba.rosters.models import Assignment

    Assignment.objects.filter(staff=january["1002"]).delete()
    assert dict(Invitation.objects.values_list("staff__staff_number", "telework_days")) == got
