"""Reports made in Yakuba (incidents' signal) credited to open drills; the score component."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yakuba.drills.models import DrillRecipient, ReportedVia
from yakuba.drills.scoring import DRILL_RESPONSE
from yakuba.drills.tests.factories import deliver, make_drill
from yakuba.security import score
from yakuba.rosters.audience import Audience
from yakuba.security.signals import claimed_as_drill, suspicious_mail_reported

pytestmark = pytest.mark.django_db


@pytest.fixture
def drill(org):
    return make_drill(audience=Audience(unit_ids=(org["shimin"].pk,)))


def _report(staff, at=None):
    return suspicious_mail_reported.send(
        sender=None, staff=staff, reported_at=at or timezone.now(), incident_id=7
    )


def test_a_report_in_yakuba_is_credited_to_the_open_drill(drill, org) -> None:
    yamada = org["staff"]["1001"]
    deliver(drill.recipients.get(staff=yamada), at=timezone.now() - dt.timedelta(minutes=5))
    assert claimed_as_drill(_report(yamada))
    row = DrillRecipient.objects.get(drill=drill, staff=yamada)
    assert row.reported_at is not None and row.reported_via == ReportedVia.YAKUBA
    first = row.reported_at
    # A second report: still a drill report, the first time is kept.
    assert claimed_as_drill(_report(yamada))
    row.refresh_from_db()
    assert row.reported_at == first


def test_not_a_drill_report_when_no_open_drill_mail_reached_the_person(drill, org) -> None:
    sato, suzuki = org["staff"]["1002"], org["staff"]["2001"]
    assert not claimed_as_drill(_report(sato))  # scheduled, not yet delivered
    assert not claimed_as_drill(_report(suzuki))  # not a recipient
    row = drill.recipients.get(staff=sato)
    deliver(row)
    drill.ends_at = timezone.now() - dt.timedelta(minutes=1)
    drill.save()
    assert not claimed_as_drill(_report(sato))  # the drill has ended
    row.refresh_from_db()
    assert row.reported_at is None


def test_score_component_rewards_reporting_and_explains(drill, org) -> None:
    yamada, sato, suzuki = (org["staff"][n] for n in ("1001", "1002", "2001"))
    now = timezone.now()
    for staff in (yamada, sato):
        deliver(drill.recipients.get(staff=staff), at=now)
    DrillRecipient.objects.filter(drill=drill, staff=yamada).update(reported_at=now)
    DrillRecipient.objects.filter(drill=drill, staff=sato).update(clicked_at=now)
    values = DRILL_RESPONSE.values([yamada.pk, sato.pk, suzuki.pk])
    assert values[yamada.pk].value == 1.0
    assert values[sato.pk].value == 0.0 and "リンクを開いた 1 通" in str(values[sato.pk].detail)
    assert suzuki.pk not in values  # never targeted: the component does not apply
    person = score.scores([suzuki.pk])[suzuki.pk]
    drills_part = next(c for c in person.components if c.code == "drills.response")
    assert drills_part.value is None
