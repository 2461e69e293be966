"""Set-up screens: who may change what, and every change is audited."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.rosters.models import CoverRule, CoverSkill, TeleworkPolicy, WorkActivity, WorkRules


@pytest.mark.django_db
def test_unit_head_adds_an_activity_for_their_unit(client, make_user, org) -> None:
    head = verified_client(client, make_user("unit_head"))
    response = head.post(
        reverse("rosters:activity_create") + f"?unit={org['shimin'].pk}",
        {
            "code": "home-lgwan",
            "name": "在宅（LGWAN）",
            "kind": "telework",
            "access_method": "lgwan",
            "minutes": 465,
            "colour": "teal",
            "symbol": "L",
            "sort_order": 5,
            "active": "on",
        },
    )
    assert response.status_code == 302
    activity = WorkActivity.objects.get(code="home-lgwan")
    assert activity.unit == org["shimin"]
    assert AuditEntry.objects.filter(object_type="rosters.workactivity", action="create").exists()


@pytest.mark.django_db
def test_telework_without_access_method_is_refused(client, make_user, org) -> None:
    head = verified_client(client, make_user("unit_head"))
    response = head.post(
        reverse("rosters:activity_create"),
        {
            "code": "x",
            "name": "在宅",
            "kind": "telework",
            "access_method": "none",
            "minutes": 465,
            "colour": "teal",
            "symbol": "在",
            "sort_order": 5,
            "active": "on",
        },
    )
    assert "接続方法を選んでください" in response.content.decode()
    assert not WorkActivity.objects.exists()


@pytest.mark.django_db
def test_unit_head_cannot_edit_office_wide_activities_or_defaults(client, make_user) -> None:
    office = WorkActivity.objects.create(code="office", name="庁内", kind="office", symbol="庁")
    head = verified_client(client, make_user("unit_head"))
    assert head.get(reverse("rosters:activity_edit", args=[office.pk])).status_code == 403


@pytest.mark.django_db
def test_cover_rules_per_day_type_with_skills(client, make_user, org) -> None:
    head = verified_client(client, make_user("unit_head"))
    counter = org["counter"]
    url = reverse("rosters:cover_edit", args=[counter.pk])
    head.get(url)
    rules = list(CoverRule.objects.filter(counter=counter).order_by("pk"))
    assert len(rules) == 4
    data = {
        "form-TOTAL_FORMS": "4",
        "form-INITIAL_FORMS": "4",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    skill = org["skills"]["juminhyo"]
    for i, rule in enumerate(rules):
        data |= {
            f"form-{i}-id": rule.pk,
            f"form-{i}-day_type": rule.day_type,
            f"form-{i}-min_staff": 2 if rule.day_type == "weekday" else 0,
            f"form-{i}-target_staff": 3 if rule.day_type == "weekday" else 0,
            f"skill-{rule.pk}-{skill.pk}": 1 if rule.day_type == "weekday" else 0,
        }
    assert head.post(url, data).status_code == 302
    weekday = CoverRule.objects.get(counter=counter, day_type="weekday")
    assert (weekday.min_staff, weekday.target_staff) == (2, 3)
    assert CoverSkill.objects.get(rule=weekday).min_count == 1
    # Target below minimum is refused, nothing changes.
    data["form-0-target_staff"] = 0
    data["form-0-min_staff"] = 2
    response = head.post(url, data)
    assert response.status_code == 200 and "目標人数は最低人数以上" in response.content.decode()


@pytest.mark.django_db
def test_policy_and_rules_are_scoped_and_audited(client, make_user, org) -> None:
    head = verified_client(client, make_user("unit_head"))
    response = head.post(
        reverse("rosters:policy_edit") + f"?unit={org['shimin'].pk}",
        {
            "unit_scope": org["shimin"].pk,
            "allowed_employment_types": ["regular"],
            "exclude_personal_data_work": "on",
            "weekly_cap": 2,
            "min_office_days": 6,
        },
    )
    assert "7日以内" in response.content.decode()  # cap + office days > 7
    head.post(
        reverse("rosters:policy_edit") + f"?unit={org['shimin'].pk}",
        {
            "unit_scope": org["shimin"].pk,
            "allowed_employment_types": ["regular"],
            "exclude_personal_data_work": "on",
            "weekly_cap": 2,
            "min_office_days": 1,
        },
    )
    assert TeleworkPolicy.objects.get(unit=org["shimin"]).weekly_cap == 2
    head.post(
        reverse("rosters:rules_edit") + f"?unit={org['shimin'].pk}",
        {
            "unit_scope": org["shimin"].pk,
            "max_consecutive_days": 5,
            "max_weekends": 1,
            "substitute_window_before": 2,
            "substitute_window_after": 5,
            "split_mode": "never_both",
            "fairness_weight": 3,
        },
    )
    assert WorkRules.objects.get(unit=org["shimin"]).split_mode == "never_both"
    assert AuditEntry.objects.filter(object_type="rosters.workrules").exists()
    # The office-wide default is not theirs to change.
    other = verified_client(Client(), make_user("unit_head", unit_key="zeimu", username="z"))
    assert (
        other.get(reverse("rosters:policy_edit") + f"?unit={org['shimin'].pk}").status_code == 404
    )
