"""Infosec builds a campaign, targets it and launches it: the people are fixed at launch,
one assignment each, and launching again changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from yakuba.audit.models import AuditEntry
from yakuba.campaigns import services
from yakuba.campaigns.models import Assignment, Campaign, CampaignStatus
from yakuba.campaigns.tests.factories import make_bank, make_campaign, make_course
from yakuba.rosters.audience import Audience, previous_month

pytestmark = pytest.mark.django_db


def numbers(campaign: Campaign) -> set[str]:
    return set(
        Assignment.objects.filter(campaign=campaign).values_list("staff__staff_number", flat=True)
    )


def _published_telework(org, make_user, day: dt.date) -> None:
    from yakuba.rosters.models import (
        Assignment as RosterCell,
    )
    from yakuba.rosters.models import (
        RosterPeriod,
        RosterVersion,
        VersionStatus,
        WorkActivity,
    )

    planner = make_user("hr", username="planner")
    home = WorkActivity.objects.create(code="T", name="在宅", kind="telework")
    office = WorkActivity.objects.create(code="O", name="庁内", kind="office")
    period = RosterPeriod.objects.create(
        name="先月",
        start_date=day.replace(day=1),
        end_date=day.replace(day=28),
        created_by=planner,
    )
    published = RosterVersion.objects.create(
        period=period, number=1, status=VersionStatus.PUBLISHED, created_by=planner
    )
    draft = RosterVersion.objects.create(
        period=period, number=2, status=VersionStatus.SOLVED, created_by=planner
    )
    staff = org["staff"]
    RosterCell.objects.create(version=published, staff=staff["1001"], date=day, activity=home)
    RosterCell.objects.create(version=published, staff=staff["1002"], date=day, activity=office)
    # Only a draft says 鈴木 teleworked: not counted.
    RosterCell.objects.create(version=draft, staff=staff["2001"], date=day, activity=home)


def test_launch_assigns_the_people_the_audience_names_once(org, make_user) -> None:
    infosec = make_user("infosec")
    campaign = make_campaign(audience=Audience(unit_ids=(org["shimin"].pk,)))
    assert services.launch(actor=infosec, campaign=campaign) == 3  # 山田, 佐藤, infosec 職員
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.LAUNCHED
    assert numbers(campaign) == {"1001", "1002", infosec.staff.staff_number}
    # A second launch is refused and assigns nobody twice.
    with pytest.raises(ValidationError, match="既に開始"):
        services.launch(actor=infosec, campaign=campaign)
    assert Assignment.objects.filter(campaign=campaign).count() == 3
    # People who join the unit later are not added: the people were fixed at launch.
    make_user("staff", unit_key="madoguchi")
    assert Assignment.objects.filter(campaign=campaign).count() == 3
    assert AuditEntry.objects.filter(
        object_type="campaigns.campaign", object_id=str(campaign.pk), action="update"
    ).exists()


def test_one_assignment_per_person_is_enforced_by_the_database(org) -> None:
    from django.db import IntegrityError, transaction

    campaign = make_campaign()
    person = org["staff"]["1001"]
    Assignment.objects.create(campaign=campaign, staff=person, assigned_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(campaign=campaign, staff=person, assigned_at=timezone.now())


def test_roster_target_everyone_who_teleworked_last_month(org, make_user) -> None:
    infosec = make_user("infosec")
    start, end = previous_month(timezone.localdate())
    _published_telework(org, make_user, start + dt.timedelta(days=9))
    campaign = make_campaign(audience=Audience(teleworked_from=start, teleworked_to=end))
    services.launch(actor=infosec, campaign=campaign)
    assert numbers(campaign) == {"1001"}


def test_an_audience_naming_nobody_is_not_launched(org, make_user) -> None:
    infosec = make_user("infosec")
    campaign = make_campaign(audience=Audience(roles=("auditor",)))
    with pytest.raises(ValidationError, match="対象者がいない"):
        services.launch(actor=infosec, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_staff_cannot_launch(org, make_user) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.launch(actor=make_user("staff"), campaign=make_campaign())
    assert not Assignment.objects.exists()


def _form_data(**extra: object) -> dict[str, object]:
    today = timezone.localdate()
    return {
        "title": "在宅勤務の前に",
        "description": "",
        "course": "",
        "starts_on": today.isoformat(),
        "due_on": (today + dt.timedelta(days=7)).isoformat(),
        "codes": "t-lesson-1\nt-q-1\n",
        **extra,
    }


def test_one_click_preset_fills_last_month_and_saves_nothing(client_for, org) -> None:
    make_bank()
    client = client_for("infosec")
    page = client.post(
        reverse("campaigns:campaign_create"), _form_data(preset="teleworked_last_month")
    )
    assert page.status_code == 200
    start, end = previous_month(timezone.localdate())
    html = page.content.decode()
    assert f'value="{start.isoformat()}"' in html and f'value="{end.isoformat()}"' in html
    assert not Campaign.objects.exists()
    saved = client.post(
        reverse("campaigns:campaign_create"),
        _form_data(
            **{"aud-teleworked_from": start.isoformat(), "aud-teleworked_to": end.isoformat()}
        ),
    )
    assert saved.status_code == 302
    campaign = Campaign.objects.get()
    assert Audience.from_json(campaign.audience).teleworked == (start, end)
    assert next(i.lesson or i.question for i in campaign.items.all()).code == "t-lesson-1"


def test_unknown_codes_are_all_listed_and_nothing_is_saved(client_for, org) -> None:
    make_bank()
    page = client_for("infosec").post(
        reverse("campaigns:campaign_create"), _form_data(codes="t-q-1\nnope\nt-q-1\nzzz")
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "「nope」という使用中のレッスン・問題はありません" in html
    assert "「zzz」" in html and "2回あります" in html
    assert not Campaign.objects.exists()


def test_a_course_campaign_takes_no_codes_and_launched_ones_are_not_edited(
    client_for, org, make_user
) -> None:
    course = make_course()
    client = client_for("infosec")
    refused = client.post(reverse("campaigns:campaign_create"), _form_data(course=str(course.pk)))
    assert "研修を選んだときは" in refused.content.decode()
    ok = client.post(
        reverse("campaigns:campaign_create"), _form_data(course=str(course.pk), codes="")
    )
    assert ok.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.course == course and not campaign.items.exists()
    client.post(reverse("campaigns:campaign_launch", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.launched
    edit = client.get(reverse("campaigns:campaign_edit", args=[campaign.pk]))
    assert edit.status_code == 302  # sent back to the campaign with a message
