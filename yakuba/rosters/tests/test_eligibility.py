"""Telework eligibility shows why: each rule met or not, plus conditions added by other apps."""

from __future__ import annotations

import pytest

from yakuba.org.models import EmploymentType
from yakuba.rosters import eligibility
from yakuba.rosters.models import StaffWorkProfile, TeleworkPolicy


@pytest.fixture
def person(org):
    s = org["staff"]["1001"]
    StaffWorkProfile.objects.create(staff=s, telework_approved=True)
    return s


@pytest.mark.django_db
def test_eligible_when_every_rule_is_met(person) -> None:
    TeleworkPolicy.objects.create(
        unit=None, allowed_employment_types=[EmploymentType.REGULAR], weekly_cap=3
    )
    result = eligibility.evaluate(person)
    assert result.eligible
    assert {o.code for o in result.outcomes} == {
        "employment_type",
        "unit",
        "personal_data",
        "approval",
    }
    assert result.weekly_cap == 3


@pytest.mark.django_db
def test_each_unmet_rule_says_why(person, org) -> None:
    policy = TeleworkPolicy.objects.create(
        unit=None, allowed_employment_types=[EmploymentType.FISCAL_YEAR]
    )
    policy.excluded_units.set([org["dept"]])
    StaffWorkProfile.objects.filter(staff=person).update(
        handles_personal_data=True, telework_approved=False
    )
    result = eligibility.evaluate(person)
    assert not result.eligible
    reasons = {o.code: str(o.detail) for o in result.unmet}
    assert set(reasons) == {"employment_type", "unit", "personal_data", "approval"}
    assert "正規" in reasons["employment_type"]
    assert "市民課" in reasons["unit"]  # excluded through its department
    assert "個人情報" in reasons["personal_data"]
    assert reasons["approval"] == "未承認"


@pytest.mark.django_db
def test_nearest_unit_policy_wins_over_the_office_default(person, org) -> None:
    TeleworkPolicy.objects.create(unit=None, weekly_cap=3)
    TeleworkPolicy.objects.create(unit=org["shimin"], weekly_cap=1, requires_head_approval=False)
    result = eligibility.evaluate(person)
    assert result.weekly_cap == 1
    assert "approval" not in {o.code for o in result.outcomes}


@pytest.mark.django_db
def test_other_apps_can_add_conditions(person) -> None:
    def security_checklist(staff):
        return eligibility.RuleOutcome("checklist", "自宅端末チェックリスト", False, "未提出")

    eligibility.register_condition(security_checklist)
    try:
        result = eligibility.evaluate(person)
        assert not result.eligible
        assert [o.code for o in result.unmet] == ["checklist"]
    finally:
        eligibility.unregister_condition(security_checklist)
    assert eligibility.evaluate(person).eligible


@pytest.mark.django_db
def test_people_page_lists_reasons_for_the_unit_head(client, make_user, person) -> None:
    from django.urls import reverse

    from conftest import verified_client

    StaffWorkProfile.objects.filter(staff=person).update(telework_approved=False)
    head = verified_client(client, make_user("unit_head"))
    html = head.get(reverse("rosters:people")).content.decode()
    assert person.name in html and "未承認" in html


@pytest.mark.django_db
def test_a_condition_may_judge_many_people_at_once_or_not_apply(person, org) -> None:
    calls: list[int] = []

    class Gate:
        def __call__(self, staff):
            return self.many([staff]).get(staff.pk)

        def many(self, staff):
            calls.append(len(staff))
            # One person is not ready; the other does not concern this condition (None).
            return {
                s.pk: eligibility.RuleOutcome("gate", "準備", False, "未回答", action_url="/x/")
                for s in staff
                if s.pk == person.pk
            }

    gate = Gate()
    eligibility.register_condition(gate)
    try:
        others = org["staff"]["2001"]
        result = eligibility.evaluate_many([person, others])
        assert calls == [2]  # asked once for the list, not once per person
        assert [o.code for o in result[person.pk].unmet] == ["gate"]
        assert result[person.pk].unmet[0].action_url == "/x/"
        assert "gate" not in {o.code for o in result[others.pk].outcomes}
        assert not eligibility.evaluate(person).eligible
    finally:
        eligibility.unregister_condition(gate)
