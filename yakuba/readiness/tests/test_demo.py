"""The demo: the gate on, teleworkers mostly ready, demo-staff's checklist expired so the
eligibility page shows why — and answering it again makes them eligible; incidents too."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from yakuba.demo import accounts
from yakuba.incidents.models import Incident, Status
from yakuba.org.models import Staff
from yakuba.readiness import selectors
from yakuba.readiness.models import ChecklistSubmission, ReadinessSettings
from yakuba.readiness.status import Status as Standing
from yakuba.readiness.tests.conftest import answer_all
from yakuba.rosters import eligibility
from yakuba.rosters.models import StaffWorkProfile


@pytest.mark.django_db
def test_seed_readiness_and_incidents_demo(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--staff", "120", stdout=StringIO())
    # What seed_rosters_demo would have approved (its 20-second solve is not needed here).
    StaffWorkProfile.objects.bulk_create(
        StaffWorkProfile(staff=s, telework_approved=True)
        for s in Staff.objects.exclude(user__username=accounts.STAFF)[:60]
    )
    out = StringIO()
    call_command("seed_readiness_demo", "--if-empty", stdout=out)
    call_command("seed_incidents_demo", "--if-empty", stdout=out)
    assert "demo-staff" in out.getvalue() and "インシデント 9 件" in out.getvalue()
    assert ReadinessSettings.current().enforce_gate

    everyone = list(Staff.objects.values_list("pk", flat=True))
    counts = {s: 0 for s in Standing.values}
    for found in selectors.standings(everyone).values():
        counts[found.status] += 1
    assert counts["ready"] > counts["expiring"] > 0 and counts["expired"] >= 1

    me = Staff.objects.select_related("unit").get(user__username=accounts.STAFF)
    assert selectors.my_standing(me).status == Standing.EXPIRED
    before = eligibility.evaluate(me)
    assert not before.eligible
    assert [o.code for o in before.unmet] == ["security_readiness"]
    assert "有効期限が切れました" in str(before.unmet[0].detail)
    answer_all(me)
    assert eligibility.evaluate(me).eligible

    assert Incident.objects.filter(status=Status.CLOSED).count() == 6
    assert Incident.objects.filter(reporter__username=accounts.STAFF).exists()
    call_command("seed_readiness_demo", "--if-empty", stdout=out)
    call_command("seed_incidents_demo", "--if-empty", stdout=out)
    assert Incident.objects.count() == 9
    assert ChecklistSubmission.objects.filter(staff=me).count() == 2
