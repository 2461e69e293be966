"""Progress by unit: unit heads see their own units (and the names of who is overdue there),
infosec every unit with names, the auditor every unit without names, staff nothing. The
export follows the same rules; pages read in a constant number of queries."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yakuba.audit.models import AuditEntry
from yakuba.campaigns.models import Assignment
from yakuba.campaigns.tests.factories import launched, make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue_campaign(org):
    today = timezone.localdate()
    campaign = make_campaign(
        title="先月の研修",
        starts_on=today - dt.timedelta(days=20),
        due_on=today - dt.timedelta(days=2),
    )
    staff = org["staff"]
    a1001, a1002, _a2001 = launched(campaign, [staff["1001"], staff["1002"], staff["2001"]])
    Assignment.objects.filter(pk=a1001.pk).update(
        started_at=timezone.now(), completed_at=timezone.now()
    )
    Assignment.objects.filter(pk=a1002.pk).update(started_at=timezone.now())
    return campaign


def detail(client, campaign) -> str:
    page = client.get(reverse("campaigns:campaign_detail", args=[campaign.pk]))
    assert page.status_code == 200
    return page.content.decode()


def test_unit_head_sees_only_their_units_and_their_overdue_people(
    overdue_campaign, make_user, client_factory
) -> None:
    from conftest import verified_client

    head = make_user("unit_head", unit_key="shimin")
    html = detail(verified_client(client_factory(), head), overdue_campaign)
    assert "市民課" in html and "窓口係" in html
    assert "税務課" not in html and "鈴木" not in html
    assert "佐藤 花子" in html  # overdue in their unit, named
    assert "山田 太郎" not in html  # completed: not in the overdue list


def test_infosec_sees_every_unit_and_names(overdue_campaign, client_for) -> None:
    html = detail(client_for("infosec"), overdue_campaign)
    assert "税務課" in html and "鈴木 一郎" in html and "佐藤 花子" in html


def test_auditor_sees_every_unit_but_no_names(overdue_campaign, client_for) -> None:
    html = detail(client_for("auditor"), overdue_campaign)
    assert "税務課" in html
    assert "鈴木 一郎" not in html and "佐藤 花子" not in html
    assert "個人名は" in html


def test_staff_and_hr_see_no_progress(overdue_campaign, client_for) -> None:
    for role in ("staff", "hr", "sysadmin"):
        client = client_for(role)
        assert client.get(reverse("campaigns:campaign_list")).status_code == 403
        assert (
            client.get(reverse("campaigns:campaign_detail", args=[overdue_campaign.pk])).status_code
            == 403
        )


def test_counts_and_percentages(overdue_campaign, client_for) -> None:
    from yakuba.accounts.models import User
    from yakuba.campaigns.selectors import progress_by_unit

    infosec = User.objects.create_user("x-infosec", password=None, role="infosec")
    progress = progress_by_unit(infosec, overdue_campaign, timezone.localdate())
    total = progress.total
    assert (
        total.assigned,
        total.completed,
        total.in_progress,
        total.not_started,
        total.overdue,
    ) == (
        3,
        1,
        1,
        1,
        2,
    )
    assert total.completed_pct == 33 and total.overdue_pct == 67
    assert [p.label for p in progress.units] == ["市民課", "窓口係", "税務課"]


def test_drafts_are_seen_by_infosec_only(org, client_for) -> None:
    draft = make_campaign(title="まだ下書き")
    assert (
        "まだ下書き"
        in client_for("infosec").get(reverse("campaigns:campaign_list")).content.decode()
    )
    head = client_for("unit_head")
    assert "まだ下書き" not in head.get(reverse("campaigns:campaign_list")).content.decode()
    assert head.get(reverse("campaigns:campaign_detail", args=[draft.pk])).status_code == 404


def test_export_xlsx_follows_the_same_rules(overdue_campaign, client_for) -> None:
    from openpyxl import load_workbook

    infosec = client_for("infosec")
    book = load_workbook(
        io.BytesIO(
            infosec.get(reverse("campaigns:campaign_export", args=[overdue_campaign.pk])).content
        )
    )
    assert book.sheetnames == ["所属別", "期限切れ"]
    names = [str(row[2]) for row in book["期限切れ"].iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["佐藤 花子", "鈴木 一郎"]
    auditor = client_for("auditor")
    book = load_workbook(
        io.BytesIO(
            auditor.get(reverse("campaigns:campaign_export", args=[overdue_campaign.pk])).content
        )
    )
    assert book.sheetnames == ["所属別"]
    assert AuditEntry.objects.filter(action="export", object_type="campaigns.campaign").count() == 2


def test_pages_read_in_a_constant_number_of_queries(
    overdue_campaign, org, client_for, make_user
) -> None:
    from yakuba.org.models import Staff

    client = client_for("infosec")
    url = reverse("campaigns:campaign_detail", args=[overdue_campaign.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    more = [
        Staff.objects.create(
            staff_number=f"80{n:02d}", name=f"追加 {n}", name_kana="ツイカ", unit=org["zeimu"]
        )
        for n in range(15)
    ]
    launched_more = [
        Assignment(
            campaign=overdue_campaign,
            staff=s,
            due_on=overdue_campaign.due_on,
            assigned_at=timezone.now(),
        )
        for s in more
    ]
    Assignment.objects.bulk_create(launched_more)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "追加 14" in html
    assert len(many) == len(few)
    list_url = reverse("campaigns:campaign_list")
    with CaptureQueriesContext(connection) as listing:
        client.get(list_url)
    make_campaign(title="もう一つ")
    with CaptureQueriesContext(connection) as listing_more:
        client.get(list_url)
    assert len(listing_more) == len(listing)
