"""The readiness gate in telework eligibility: off until the office switches it on; then
a person who is not ready is not eligible (the reason and a link shown), judged for many
people in a constant number of queries, and a roster solve does not send them home."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from yakuba.netcheck.tests.factories import make_result
from yakuba.readiness.models import ReadinessSettings
from yakuba.readiness.requirements import CONDITION_CODE
from yakuba.readiness.tests.conftest import answer_all
from yakuba.rosters import eligibility
from yakuba.rosters.models import StaffWorkProfile
from yakuba.security import gate

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(make_user):
    user = make_user("staff", username="teleworker")
    StaffWorkProfile.objects.create(staff=user.staff, telework_approved=True)
    return user.staff


def _outcome(staff):
    found = [o for o in eligibility.evaluate(staff).outcomes if o.code == CONDITION_CODE]
    return found[0] if found else None


def test_the_gate_adds_nothing_until_the_office_switches_it_on(person) -> None:
    assert _outcome(person) is None
    assert eligibility.evaluate(person).eligible


def test_not_ready_is_not_eligible_with_the_reason_and_where_to_fix_it(person, gate_on) -> None:
    outcome = _outcome(person)
    assert outcome is not None and not outcome.met
    assert "在宅勤務の準備チェック" in str(outcome.detail)
    assert "まだ答えていません" in str(outcome.detail)
    assert outcome.action_url == reverse("readiness:checklist")
    assert not eligibility.evaluate(person).eligible
    answer_all(person)
    outcome = _outcome(person)
    assert outcome is not None and outcome.met
    assert eligibility.evaluate(person).eligible


def test_an_expired_checklist_says_when_it_expired(person, gate_on) -> None:
    submission = answer_all(person)
    submission.valid_until = timezone.localdate() - dt.timedelta(days=3)
    submission.save()
    outcome = _outcome(person)
    assert outcome is not None and not outcome.met
    assert f"{submission.valid_until.isoformat()} で有効期限が切れました" in str(outcome.detail)


def test_the_connection_check_counts_only_when_the_office_requires_it(person, gate_on) -> None:
    answer_all(person)
    assert [r.code for r in gate.applicable()].count("readiness.netcheck") == 0
    gate_on.require_netcheck = True
    gate_on.netcheck_max_age_days = 30
    gate_on.save()
    outcome = _outcome(person)
    assert outcome is not None and not outcome.met
    assert "接続チェック" in str(outcome.detail)
    assert outcome.action_url == reverse("netcheck:check")
    # Too old, and recent but poor: neither counts.
    make_result(person.user, measured_at=timezone.now() - dt.timedelta(days=31))
    make_result(person.user, upload_mbps=0.1, download_mbps=0.2, ping_ms=400, loss_pct=10)
    assert not _outcome(person).met
    make_result(person.user, measured_at=timezone.now() - dt.timedelta(days=2))
    assert _outcome(person).met


def test_two_unmet_requirements_point_to_the_personal_security_page(person, gate_on) -> None:
    gate_on.require_netcheck = True
    gate_on.save()
    outcome = _outcome(person)
    assert outcome is not None and not outcome.met
    assert "在宅勤務の準備チェック" in str(outcome.detail) and "接続チェック" in str(outcome.detail)
    assert outcome.action_url == reverse("security:home")


def test_many_people_are_judged_in_a_constant_number_of_queries(org, gate_on) -> None:
    from yakuba.org.models import Staff

    def queries(n: int) -> int:
        people = list(Staff.objects.select_related("unit").order_by("pk")[:n])
        with CaptureQueriesContext(connection) as ctx:
            eligibility.evaluate_many(people)
        return len(ctx.captured_queries)

    for i in range(30):
        s = Staff(
            staff_number=f"60{i:02d}", name=f"職員 {i}", name_kana="ショクイン", unit=org["zeimu"]
        )
        s.save()
    ReadinessSettings.objects.filter(pk=1).update(require_netcheck=True)
    assert queries(3) == queries(33)


def test_the_eligibility_page_shows_the_reason_with_a_link(client, make_user, person, gate_on):
    head = verified_client(client, make_user("unit_head"))
    html = head.get(reverse("rosters:people")).content.decode()
    assert person.name in html
    assert "在宅勤務のセキュリティ要件" in html and "まだ答えていません" in html
    assert f'href="{reverse("readiness:checklist")}"' in html
    detail = head.get(reverse("rosters:person_edit", args=[person.pk])).content.decode()
    assert "対象外" in detail and "まだ答えていません" in detail
