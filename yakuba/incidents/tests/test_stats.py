"""Statistics by month and category: page with an accessible chart and table, .xlsx."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.incidents.models import Category, Incident
from yakuba.incidents.selectors import monthly_stats

pytestmark = pytest.mark.django_db


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0, 30)))


@pytest.fixture
def incidents(make_user):
    reporter = make_user("staff", username="reporter")
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    rows = [
        (this_month, Category.SUSPICIOUS_MAIL, True),
        (this_month, Category.SUSPICIOUS_MAIL, None),
        (this_month, Category.MISSENT, None),
        # Just after midnight on the 1st in Tokyo: counted in that month, not the previous.
        (last_month, Category.LOST_DEVICE, None),
    ]
    for day, category, personal in rows:
        Incident.objects.create(
            reporter=reporter,
            reported_at=_at(day),
            category=category,
            description="x",
            personal_data_confirmed=personal,
        )
    return this_month, last_month


def test_monthly_counts_by_category(incidents) -> None:
    this_month, last_month = incidents
    rows = monthly_stats(this_month, 12)
    assert len(rows) == 12 and rows[-1].month == this_month and rows[-2].month == last_month
    assert rows[-1].counts["suspicious_mail"] == 2 and rows[-1].counts["missent"] == 1
    assert rows[-1].personal_data == 1 and rows[-1].total == 3
    assert rows[-2].counts["lost_device"] == 1 and rows[-2].total == 1


def test_the_page_has_an_accessible_chart_and_the_same_figures_in_a_table(
    client, make_user, incidents
) -> None:
    page = verified_client(client, make_user("auditor"))
    html = page.get(reverse("incidents:stats")).content.decode()
    assert 'role="img"' in html and "<title>" in html
    assert "月別・種類別の報告件数" in html and "<caption>" in html
    this_month = incidents[0].strftime("%Y-%m")
    assert f"{this_month}：計 3 件" in html


def test_the_xlsx_export_holds_the_table_and_is_audited(client, make_user, incidents) -> None:
    page = verified_client(client, make_user("infosec"))
    response = page.get(reverse("incidents:stats_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "月" and "不審なメール" in rows[0]
    last = rows[-1]
    assert last[0] == incidents[0].strftime("%Y-%m")
    assert last[rows[0].index("合計")] == 3
    assert AuditEntry.objects.filter(action="export", object_type="incidents.incident").exists()
