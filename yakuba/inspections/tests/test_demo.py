"""The demo self-inspection: a finished round with findings (some verified, some open), a
round in progress re-checking them; demo-head sees their unit's findings, demo-staff has
a checklist to answer."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import verified_client
from yakuba.accounts.models import User
from yakuba.demo import accounts
from yakuba.inspections.models import Finding, FindingStatus, Round, RoundStatus, Sheet


@pytest.mark.django_db
def test_seed_inspections_demo(settings, client_factory) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--staff", "120", stdout=StringIO())
    out = StringIO()
    call_command("seed_inspections_demo", "--if-empty", stdout=out)
    assert "自己点検 2 回" in out.getvalue()
    finished, current = Round.objects.order_by("opens_on")
    assert finished.status == RoundStatus.CLOSED and current.status == RoundStatus.OPEN
    assert current.previous == finished
    statuses = set(Finding.objects.filter(round=finished).values_list("status", flat=True))
    assert FindingStatus.VERIFIED in statuses and FindingStatus.OPEN in statuses
    assert Sheet.objects.filter(round=current, answers__previous_finding__isnull=False).exists()

    staff = User.objects.get(username=accounts.STAFF)
    mine = Sheet.objects.get(round=current, staff=staff.staff)
    assert mine.editable
    page = verified_client(client_factory(), staff).get(reverse("security:home")).content.decode()
    assert current.title in page

    head = User.objects.get(username=accounts.HEAD)
    findings = verified_client(client_factory(), head).get(reverse("inspections:finding_list"))
    text = findings.content.decode()
    assert "自宅のルーターは初期パスワードを変更し" in text
    auditor = User.objects.get(username=accounts.AUDITOR)
    report = verified_client(client_factory(), auditor).get(reverse("inspections:report"))
    assert report.status_code == 200 and "期限を過ぎた指摘事項" in report.content.decode()

    call_command("seed_inspections_demo", "--if-empty", stdout=out)
    assert Round.objects.count() == 2
