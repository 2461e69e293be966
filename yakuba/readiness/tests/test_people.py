"""Readiness by person: unit heads see their units only, infosec the office; who is ready,
expiring, expired, never done; each view audited. Settings and items for infosec."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.readiness.models import ChecklistItem, ReadinessSettings
from yakuba.readiness.tests.conftest import answer_all
from yakuba.rosters.models import StaffWorkProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(org):
    """山田 (市民課) ready, 佐藤 (窓口係) expired, 鈴木 (税務課) approved but never answered."""
    s = org["staff"]
    for person in s.values():
        StaffWorkProfile.objects.create(staff=person, telework_approved=True)
    answer_all(s["1001"])
    expired = answer_all(s["1002"])
    expired.valid_until = timezone.localdate() - dt.timedelta(days=1)
    expired.save()
    return s


def _rows(html: str, office) -> dict[str, bool]:
    return {p.name: p.name in html for p in office.values()}


def test_a_unit_head_sees_their_units_only(client, make_user, office) -> None:
    html = verified_client(client, make_user("unit_head")).get(reverse("readiness:people"))
    text = html.content.decode()
    assert _rows(text, office) == {"山田 太郎": True, "佐藤 花子": True, "鈴木 一郎": False}
    assert "期限切れ" in text and "準備完了" in text
    entry = AuditEntry.objects.filter(action="view_sensitive").latest("seq")
    assert entry.object_type == "readiness.checklistsubmission"


def test_infosec_sees_the_office_and_who_never_answered(client, make_user, office) -> None:
    page = verified_client(client, make_user("infosec"))
    text = page.get(reverse("readiness:people")).content.decode()
    assert all(_rows(text, office).values())
    never = page.get(reverse("readiness:people"), {"status": "never"}).content.decode()
    assert _rows(never, office) == {"山田 太郎": False, "佐藤 花子": False, "鈴木 一郎": True}


def test_people_who_do_not_telework_are_left_out_unless_asked(client, make_user, org) -> None:
    page = verified_client(client, make_user("infosec"))
    assert "鈴木 一郎" not in page.get(reverse("readiness:people")).content.decode()
    everyone = page.get(reverse("readiness:people"), {"everyone": "on"}).content.decode()
    assert "鈴木 一郎" in everyone


def test_a_unit_head_cannot_widen_the_scope_through_the_filter(client, make_user, office) -> None:
    page = verified_client(client, make_user("unit_head"))
    text = page.get(reverse("readiness:people"), {"unit": office["2001"].unit_id}).content.decode()
    assert "鈴木 一郎" not in text


def test_infosec_edits_settings_and_items_audited(client, make_user) -> None:
    page = verified_client(client, make_user("infosec"))
    response = page.post(
        reverse("readiness:setup"),
        {
            "enforce_gate": "on",
            "validity_days": "120",
            "reminder_days": "14",
            "netcheck_max_age_days": "60",
        },
    )
    assert response.status_code == 302
    office = ReadinessSettings.current()
    assert office.enforce_gate and office.validity_days == 120 and not office.require_netcheck
    assert AuditEntry.objects.filter(object_type="readiness.readinesssettings").exists()
    response = page.post(
        reverse("readiness:item_create"),
        {
            "text": "ルーターを物理的に安全な場所に置いている",
            "guidance": "棚の上に",
            "order": "5",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert ChecklistItem.objects.filter(text__startswith="ルーターを物理的").exists()


def test_bad_settings_are_refused_with_a_message(client, make_user) -> None:
    page = verified_client(client, make_user("infosec"))
    response = page.post(
        reverse("readiness:setup"),
        {"validity_days": "30", "reminder_days": "30", "netcheck_max_age_days": "60"},
    )
    assert response.status_code == 200
    assert "有効期間より短く" in response.content.decode()
    assert not ReadinessSettings.objects.exists()
    response = page.post(
        reverse("readiness:item_create"),
        {"text": "改行\nを含む", "guidance": "x", "order": "1", "active": "on"},
    )
    assert response.status_code == 200
    assert "改行やタブは使えません" in response.content.decode()
