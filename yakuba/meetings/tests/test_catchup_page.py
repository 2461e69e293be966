"""A catch-up page lists exactly the stored items, whatever else the stored content holds."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from yakuba.meetings.models import CatchUp
from yakuba.meetings.tests.factories import make_meeting

pytestmark = pytest.mark.django_db


def _catchup_page(client, make_user, org, content: dict) -> str:
    user = make_user("staff")
    head = make_user("unit_head")
    meeting = make_meeting(org, head, invitees=[user.staff])
    catchup = CatchUp.objects.create(
        meeting=meeting, staff=user.staff, content=content, sent_at=timezone.now()
    )
    response = verified_client(client, user).get(
        reverse("meetings:catchup_detail", args=[catchup.pk])
    )
    assert response.status_code == 200
    return response.content.decode()


def test_content_without_items_shows_nothing_missed(client, make_user, org) -> None:
    # Without "items", `content.items` in a template would be dict.items(): one bogus row
    # per stored key instead of "nothing recorded".
    html = _catchup_page(client, make_user, org, {"absences": [], "drops": 0, "note": "x"})
    assert "記載はありません。" in html


def test_stored_items_are_listed(client, make_user, org) -> None:
    content = {
        "absences": [],
        "items": [{"at": "2026-11-20T10:05:00+00:00", "kind": "decision", "text": "窓口を2人増員"}],
    }
    html = _catchup_page(client, make_user, org, content)
    assert "窓口を2人増員" in html
    assert "記載はありません。" not in html
