"""The security apps working together through the seams of `yakuba.security`, with the
real receivers connected (no test doubles): what issue 14's "done when" walks through.

- a drill mail reported with 「不審なメールを報告」 (incidents) is credited to the drill and
  the report closed as a drill report (drills' receiver);
- someone who clicked a drill link gets phishing questions brought forward (awareness'
  receiver of the drill's follow-up);
- the telework gate lists every unmet requirement of every app (readiness' checklist,
  campaigns' required course) and lets the person telework once they are all met.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yakuba.awareness import selectors as awareness_selectors
from yakuba.awareness.bank import load_starter_bank
from yakuba.campaigns.models import Course
from yakuba.drills import services as drill_services
from yakuba.drills.models import DrillRecipient
from yakuba.drills.tests.factories import deliver, make_drill
from yakuba.incidents import services as incident_services
from yakuba.incidents.models import Status
from yakuba.readiness.models import ChecklistItem, ReadinessSettings
from yakuba.readiness.services import submit_checklist
from yakuba.rosters import eligibility
from yakuba.rosters.models import StaffWorkProfile
from yakuba.rosters.audience import Audience
from yakuba.security.topics import Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(make_user):
    user = make_user("staff", unit_key="shimin", username="story-staff")
    user.staff.email = "story-staff@example.jp"  # drill mails go to people with an address
    user.staff.save()
    return user


def test_a_drill_mail_reported_in_yakuba_is_credited_and_closed(org, person) -> None:
    drill = make_drill(audience=Audience(unit_ids=(org["shimin"].pk,)))
    deliver(drill.recipients.get(staff=person.staff), at=timezone.now() - dt.timedelta(minutes=3))
    result = incident_services.report_suspicious_mail(
        actor=person,
        subject="【重要】パスワードの有効期限のお知らせ",
        sender="it-support@example.net",
    )
    assert result.drill
    assert result.incident.status == Status.CLOSED
    assert DrillRecipient.objects.get(drill=drill, staff=person.staff).reported_at is not None


def test_a_real_suspicious_mail_goes_to_infosec(org, person) -> None:
    result = incident_services.report_suspicious_mail(
        actor=person, subject="請求書の送付", sender="billing@example.org"
    )
    assert not result.drill
    assert result.incident.status != Status.CLOSED


def test_clicking_a_drill_link_brings_phishing_questions_forward(org, person, make_user) -> None:
    load_starter_bank(actor=make_user("infosec"))
    drill = make_drill(audience=Audience(unit_ids=(org["shimin"].pk,)))
    recipient = drill.recipients.get(staff=person.staff)
    deliver(recipient)
    assert drill_services.record_event(recipient, "clicked")
    now = timezone.now()
    assert not awareness_selectors.this_week(person.staff.pk, now).cards
    assert drill_services.finish(actor=None, drill=drill, now=now)
    week = awareness_selectors.this_week(person.staff.pk, timezone.now())
    assert week.cards
    assert {card.question.topic for card in week.cards} == {Topic.PHISHING}
    # Colleagues who did not click are left alone.
    assert not awareness_selectors.this_week(org["staff"]["1002"].pk, timezone.now()).cards


def test_the_gate_lists_each_apps_requirement_until_all_are_met(org, person) -> None:
    staff = person.staff
    StaffWorkProfile.objects.create(staff=staff, telework_approved=True)
    ReadinessSettings.objects.update_or_create(pk=1, defaults={"enforce_gate": True})
    course = Course.objects.create(title="在宅勤務を始める前の研修", required_for_telework=True)

    def unmet() -> str:
        result = eligibility.evaluate(staff)
        return " ".join(str(o.detail) for o in result.unmet)

    assert "在宅勤務の準備チェック" in unmet()
    assert "必須研修" in unmet()
    items = ChecklistItem.objects.filter(active=True)
    submit_checklist(actor=person, staff=staff, answers={i.pk: True for i in items})
    assert "在宅勤務の準備チェック" not in unmet()
    assert "必須研修" in unmet()
    course.active = False  # the office no longer requires a course
    course.save()
    assert eligibility.evaluate(staff).eligible
