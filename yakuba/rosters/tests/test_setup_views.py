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


def _cover_post(skill, days: dict[str, tuple[int, int, int]]) -> dict[str, object]:
    data: dict[str, object] = {
        "form-TOTAL_FORMS": str(len(days)),
        "form-INITIAL_FORMS": str(len(days)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "4",
    }
    for i, (day_type, (low, target, with_skill)) in enumerate(days.items()):
        data |= {
            f"form-{i}-day_type": day_type,
            f"form-{i}-min_staff": low,
            f"form-{i}-target_staff": target,
            f"form-{i}-skill_{skill.pk}": with_skill,
        }
    return data


@pytest.mark.django_db
def test_cover_rules_per_day_type_with_skills(client, make_user, org) -> None:
    head = verified_client(client, make_user("unit_head"))
    counter = org["counter"]
    url = reverse("rosters:cover_edit", args=[counter.pk])
    page = head.get(url).content.decode()
    assert "土曜" in page and "うち住民票" in page
    assert not CoverRule.objects.exists()  # opening the page writes nothing
    skill = org["skills"]["juminhyo"]
    days = {"weekday": (2, 3, 1), "saturday": (0, 0, 0), "sunday": (0, 0, 0), "holiday": (0, 0, 0)}
    assert head.post(url, _cover_post(skill, days)).status_code == 302
    weekday = CoverRule.objects.get(counter=counter, day_type="weekday")
    assert (weekday.min_staff, weekday.target_staff) == (2, 3)
    assert CoverSkill.objects.get(rule=weekday).min_count == 1
    assert CoverRule.objects.filter(counter=counter).count() == 4
    assert AuditEntry.objects.filter(object_type="rosters.coverskill", action="create").exists()
    # Target below minimum, or more skilled people than the minimum: refused, nothing changes.
    for bad in [(2, 0, 1), (1, 2, 2)]:
        response = head.post(url, _cover_post(skill, days | {"weekday": bad}))
        assert response.status_code == 200
    assert (
        "目標人数は最低人数以上"
        in head.post(url, _cover_post(skill, days | {"weekday": (2, 0, 1)})).content.decode()
    )
    weekday.refresh_from_db()
    assert (weekday.min_staff, weekday.target_staff) == (2, 3)
    # The same day type twice is refused as a whole.
    twice = _cover_post(skill, days)
    twice["form-1-day_type"] = "weekday"
    assert "曜日区分が重複" in head.post(url, twice).content.decode()
    # Removing the skill requirement deletes its row, audited.
    assert head.post(url, _cover_post(skill, days | {"weekday": (2, 3, 0)})).status_code == 302
    assert not CoverSkill.objects.exists()
    assert AuditEntry.objects.filter(object_type="rosters.coverskill", action="delete").exists()


@pytest.mark.django_db
def test_cover_of_another_units_counter_is_not_found(client, make_user, org) -> None:
    head = verified_client(client, make_user("unit_head"))
    url = reverse("rosters:cover_edit", args=[org["zei_counter"].pk])
    assert head.get(url).status_code == 404
    skill = org["skills"]["zei"]
    assert head.post(url, _cover_post(skill, {"weekday": (1, 1, 0)})).status_code == 404
    assert not CoverRule.objects.exists()
    assert AuditEntry.objects.filter(action="denied").exists()


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


ACTIVITY = {
    "code": "home-vpn",
    "name": "在宅（VPN）",
    "kind": "telework",
    "access_method": "vpn",
    "minutes": 465,
    "colour": "green",
    "symbol": "在",
    "sort_order": 5,
    "active": "on",
}


@pytest.mark.django_db
def test_another_units_activity_is_not_found_and_a_taken_code_is_explained(
    client, make_user, org
) -> None:
    theirs = WorkActivity.objects.create(
        unit=org["zeimu"], code="zei-office", name="税務課", kind="office", symbol="税"
    )
    head = verified_client(client, make_user("unit_head"))
    assert head.get(reverse("rosters:activity_edit", args=[theirs.pk])).status_code == 404
    url = reverse("rosters:activity_create") + f"?unit={org['shimin'].pk}"
    assert head.post(url, ACTIVITY).status_code == 302
    response = head.post(url, ACTIVITY | {"name": "二つ目"})
    assert response.status_code == 200
    assert "既に存在します" in response.content.decode()
    assert list(WorkActivity.objects.filter(code="home-vpn").values_list("name", flat=True)) == [
        "在宅（VPN）"
    ]
    # Someone else's unit as the target of a new activity: not found, nothing written.
    other = reverse("rosters:activity_create") + f"?unit={org['zeimu'].pk}"
    assert head.post(other, ACTIVITY | {"code": "x"}).status_code == 404
    assert not WorkActivity.objects.filter(code="x").exists()


@pytest.mark.django_db
def test_person_edit_is_scoped_and_audited(client, make_user, org) -> None:
    from yakuba.rosters.models import StaffWorkProfile

    head = verified_client(client, make_user("unit_head"))
    mine, theirs = org["staff"]["1002"], org["staff"]["2001"]
    assert head.get(reverse("rosters:person_edit", args=[theirs.pk])).status_code == 404
    response = head.post(
        reverse("rosters:person_edit", args=[mine.pk]),
        {"team": "A", "telework_approved": "on", "life_event": ""},
    )
    assert response.status_code == 302
    profile = StaffWorkProfile.objects.get(staff=mine)
    assert profile.team == "A" and profile.telework_approved
    assert AuditEntry.objects.filter(
        object_type="rosters.staffworkprofile", action="create"
    ).exists()


@pytest.mark.django_db
def test_setup_pages_write_nothing_and_show_inherited_settings(client, make_user, org) -> None:
    WorkRules.objects.create(unit=org["dept"], max_consecutive_days=4)
    head = verified_client(client, make_user("unit_head"))
    before = AuditEntry.objects.count()
    page = head.get(reverse("rosters:setup_home") + f"?unit={org['madoguchi'].pk}")
    assert "「市民部」の設定を引き継いでいます" in page.content.decode()
    for name in ("policy_edit", "rules_edit", "people"):
        assert head.get(reverse(f"rosters:{name}")).status_code == 200
    assert head.get(reverse("rosters:cover_edit", args=[org["counter"].pk])).status_code == 200
    assert AuditEntry.objects.count() == before
    assert not TeleworkPolicy.objects.exists() and WorkRules.objects.count() == 1
    assert not CoverRule.objects.exists()


@pytest.mark.django_db
def test_setup_services_refuse_what_the_role_may_not_change(make_user, org) -> None:
    from django.core.exceptions import PermissionDenied

    from yakuba.rosters import services

    head = make_user("unit_head")
    values = {
        "allowed_employment_types": [],
        "exclude_personal_data_work": True,
        "requires_head_approval": True,
        "weekly_cap": 2,
        "min_office_days": 1,
    }
    with pytest.raises(PermissionDenied):
        services.save_telework_policy(actor=head, unit=None, values=values)
    with pytest.raises(PermissionDenied):
        services.save_telework_policy(actor=head, unit=org["zeimu"], values=values)
    with pytest.raises(PermissionDenied):
        services.save_work_profile(
            actor=make_user("auditor", username="aud"),
            staff=org["staff"]["1001"],
            values={
                "team": "",
                "telework_approved": True,
                "handles_personal_data": False,
                "life_event": "",
            },
        )
    assert not TeleworkPolicy.objects.exists()
    services.save_telework_policy(actor=head, unit=org["madoguchi"], values=values)
    assert TeleworkPolicy.objects.get(unit=org["madoguchi"]).weekly_cap == 2
