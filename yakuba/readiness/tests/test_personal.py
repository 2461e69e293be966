"""What a person sees of their own readiness: 「わたしのセキュリティ」, the home panel, the
score component."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from yakuba.readiness.personal import score_values
from yakuba.readiness.tests.conftest import answer_all
from yakuba.rosters.models import StaffWorkProfile
from yakuba.security import score

pytestmark = pytest.mark.django_db


def test_my_security_page_shows_my_checklist_and_why_i_cannot_telework(
    client, make_user, gate_on
) -> None:
    user = make_user("staff")
    html = verified_client(client, user).get(reverse("security:home")).content.decode()
    assert "在宅勤務の準備" in html and "未回答" in html
    assert "今は在宅勤務に割り当てられません" in html
    assert reverse("readiness:checklist") in html
    answer_all(user.staff)
    html = client.get(reverse("security:home")).content.decode()
    assert "在宅勤務の要件をすべて満たしています" in html


def test_the_home_panel_appears_for_a_teleworker_whose_checklist_expired(client, make_user):
    user = make_user("staff")
    page = verified_client(client, user)
    assert "panel-readiness-heading" not in page.get(reverse("core:home")).content.decode()
    StaffWorkProfile.objects.create(staff=user.staff, telework_approved=True)
    submission = answer_all(user.staff)
    assert "panel-readiness-heading" not in page.get(reverse("core:home")).content.decode()
    submission.valid_until = timezone.localdate() - dt.timedelta(days=1)
    submission.save()
    html = page.get(reverse("core:home")).content.decode()
    assert "panel-readiness-heading" in html and "期限切れ" in html


def test_the_score_component_applies_to_teleworkers_only(make_user) -> None:
    never_home = make_user("staff", username="office-only").staff
    ready = make_user("staff", username="ready").staff
    expired = make_user("staff", username="expired").staff
    for s in (ready, expired):
        StaffWorkProfile.objects.create(staff=s, telework_approved=True)
    answer_all(ready)
    gone = answer_all(expired)
    gone.valid_until = timezone.localdate() - dt.timedelta(days=1)
    gone.save()
    values = score_values([never_home.pk, ready.pk, expired.pk])
    assert values[never_home.pk].value is None
    assert values[ready.pk].value == 1.0
    assert values[expired.pk].value == 0.25
    found = score.scores([ready.pk])[ready.pk]
    assert any(c.code == "readiness" and c.label == "在宅勤務の準備" for c in found.components)
