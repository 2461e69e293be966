"""The demo step: windows, two weeks of reports and blockers, a webhook to the local receiver."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from yakuba.dailyreports.models import Blocker, Digest, Report, ReportWindow
from yakuba.demo import accounts
from yakuba.notifications.models import Channel


@pytest.mark.django_db
def test_seed_reports_demo_after_seed_demo() -> None:
    call_command("seed_demo", staff=60, stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_reports_demo", "--if-empty", stdout=out)
    assert "過去の報告" in out.getvalue()
    assert ReportWindow.objects.count() == 4
    assert Report.objects.count() > 20
    assert Blocker.objects.exists()
    assert Digest.objects.exists()
    channel = Channel.objects.first()
    assert channel.get_url().startswith("http://127.0.0.1:8065/")
    demo_staff_unit = Report.objects.filter(staff__user__username=accounts.STAFF).first().unit
    assert ReportWindow.objects.get(unit=demo_staff_unit).health_check
    # Someone to remind in the live section, and real Mattermost mentions for both.
    assert accounts.COLLEAGUE in out.getvalue()
    from yakuba.org.models import Staff

    colleague = Staff.objects.get(user__username=accounts.COLLEAGUE)
    assert colleague.unit == demo_staff_unit
    assert colleague.user.check_password(accounts.DEMO_PASSWORD)
    assert colleague.chat_identities.get().handle == "midori.colleague"
    # --if-empty: a second run changes nothing.
    before = Report.objects.count()
    call_command("seed_reports_demo", "--if-empty", stdout=io.StringIO())
    assert Report.objects.count() == before


@pytest.mark.django_db
def test_seed_reports_demo_needs_the_demo_city() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_reports_demo", stdout=io.StringIO())
    call_command("seed_reports_demo", "--if-empty", stdout=io.StringIO())
    assert not ReportWindow.objects.exists()
