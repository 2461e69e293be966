"""Connection quality: one's own page, the anonymous summary by unit (information division
only), its settings, and the private daily nudge (idempotent, audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from yakuba.audit.models import AuditEntry
from yakuba.core import scheduling
from yakuba.meetings.models import ConnectionNudge, ConnectionQualitySettings
from yakuba.meetings.quality import selectors as quality_selectors
from yakuba.meetings.quality import services as quality_services
from yakuba.meetings.tests.factories import connect, make_meeting, quality_objects
from yakuba.notifications.models import Delivery, Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def q(org) -> dict[str, Any]:
    return quality_objects({"org": org})


def _give_account(staff: Any, username: str) -> Any:
    from yakuba.accounts.models import User

    user = User.objects.create_user(username, password=None, role="staff")
    staff.user = user
    staff.save()
    return user


def _client(client_factory: Any, user: Any) -> Any:
    from conftest import verified_client

    return verified_client(client_factory(), user)


def test_my_page_shows_my_figures_meetings_and_drops(q, client_factory) -> None:
    user = _give_account(q["people"][0], "often-drops")
    html = _client(client_factory, user).get(reverse("meetings:quality_mine")).content.decode()
    assert "税務課 定例" in html
    assert "途切れが多めです" in html
    assert "<dd>2.6</dd>" in html  # five drops in 115 minutes
    assert reverse("netcheck:check") in html
    # Only one's own figures: nobody else's name appears.
    assert "接続 0" not in html and "接続 1" not in html


def test_my_page_for_a_steady_line_and_for_someone_without_meetings(
    q, client_factory, make_user
) -> None:
    steady = _give_account(q["people"][1], "steady")
    html = _client(client_factory, steady).get(reverse("meetings:quality_mine")).content.decode()
    assert "安定しています" in html and "途切れが多めです" not in html
    nobody = make_user("staff")
    html = _client(client_factory, nobody).get(reverse("meetings:quality_mine")).content.decode()
    assert "この期間に接続の記録がある会議はありません。" in html
    assert "判定はしていません" in html


def test_netcheck_history_links_to_my_connection(client_for) -> None:
    html = client_for("staff").get(reverse("netcheck:history")).content.decode()
    assert reverse("meetings:quality_mine") in html


def test_summary_is_anonymous_and_by_unit(q, client_for) -> None:
    response = client_for("infosec").get(reverse("meetings:quality_summary"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "税務課" in html
    assert "33%" in html  # one of three above the threshold
    for person in q["people"]:
        assert person.name not in html


def test_summary_names_only_when_switched_on(q, client_for, settings) -> None:
    settings.MEETINGS_QUALITY_SHOW_NAMES = True
    html = client_for("infosec").get(reverse("meetings:quality_summary")).content.decode()
    assert q["people"][0].name in html and q["people"][1].name not in html


def test_small_units_are_merged_or_hidden(q, org, make_user) -> None:
    organiser = make_user("staff", username="small-organiser")
    start = timezone.now() - dt.timedelta(days=2)
    meeting = make_meeting(
        org, organiser, start=start, end=start + dt.timedelta(hours=2), platform_meeting_id=""
    )
    connect(meeting, org["staff"]["1001"], (0, 120))  # 市民課: one person
    s = quality_selectors.unit_summary()
    assert [line.unit.name for line in s.lines] == ["税務課"]
    assert s.summary.merged is None
    assert (s.summary.hidden_units, s.summary.hidden_people) == (1, 1)
    connect(meeting, org["staff"]["1002"], (0, 120))  # 窓口係
    connect(meeting, organiser.staff, (0, 120))  # 市民課
    s = quality_selectors.unit_summary()
    assert s.summary.merged is not None and s.summary.merged.people == 3
    assert s.summary.merged_units == 2 and s.summary.hidden_units == 0


@pytest.mark.parametrize("role", ["staff", "unit_head", "hr", "auditor"])
def test_only_the_information_division_sees_the_summary(q, client_for, role: str) -> None:
    client = client_for(role)
    assert client.get(reverse("meetings:quality_summary")).status_code == 403
    assert client.get(reverse("meetings:quality_settings")).status_code == 403
    response = client.post(reverse("meetings:quality_settings"), {"drops_per_hour": "9"})
    assert response.status_code == 403
    assert not ConnectionQualitySettings.objects.exists()


def test_settings_are_saved_audited_and_used(q, client_for) -> None:
    client = client_for("infosec")
    form = client.get(reverse("meetings:quality_settings")).content.decode()
    assert 'value="2.0"' in form
    data = {
        "drops_per_hour": "3",
        "min_hours": "1",
        "window_days": "30",
        "nudge_every_days": "14",
        "nudges_enabled": "on",
    }
    assert client.post(reverse("meetings:quality_settings"), data).status_code == 302
    cfg = quality_selectors.config()
    assert cfg.thresholds.drops_per_hour == 3.0
    entry = AuditEntry.objects.get(object_type="meetings.connectionqualitysettings")
    assert entry.changes == {"drops_per_hour": [2.0, 3.0]}
    # 2.6 per hour is not above 3: nobody is nudged.
    assert quality_services.send_nudges() == 0
    bad = client.post(reverse("meetings:quality_settings"), {**data, "window_days": "2"})
    assert bad.status_code == 400
    assert quality_selectors.config().window_days == 30


def test_nudge_is_private_idempotent_and_audited(q, settings) -> None:
    settings.MEETINGS_QUALITY_NUDGE_EMAIL = True
    often = q["people"][0]
    often.email = "often@example.jp"
    often.save()
    user = _give_account(often, "often-drops")
    _give_account(q["people"][1], "steady")
    # The daily scheduled job (what the scheduler's claim runs in the worker).
    job = scheduling.get_job("meetings.connection_quality_nudges")
    assert job.run(timezone.localdate().isoformat()) == 1
    notice = Notice.objects.get()
    assert notice.recipient == user
    assert "2.6" in notice.body and notice.url == reverse("netcheck:check")
    assert Delivery.objects.get().email == "often@example.jp"
    nudge = ConnectionNudge.objects.get()
    assert nudge.staff == often and nudge.drops == 5
    entry = AuditEntry.objects.get(object_type="meetings.connectionnudge")
    # The trail names the system job that acted, not just "system".
    assert entry.actor_label == job.name == "meetings.connection_quality_nudges"
    assert often.name not in entry.object_repr
    # The daily run again (or twice at once): nothing new within the interval.
    assert quality_services.send_nudges() == 0
    now = timezone.now()
    assert quality_services.send_nudges(now + dt.timedelta(days=13)) == 0
    # After the interval (14 days), still above the threshold: nudged again.
    assert quality_services.send_nudges(now + dt.timedelta(days=14, hours=1)) == 1
    assert Notice.objects.filter(recipient=user).count() == 2


def test_no_nudge_without_an_account_or_when_switched_off(q) -> None:
    assert quality_services.send_nudges() == 0  # 鈴木 has no account
    _give_account(q["people"][0], "often-drops")
    ConnectionQualitySettings.objects.create(
        pk=1,
        drops_per_hour=2,
        min_hours=1,
        window_days=30,
        nudge_every_days=14,
        nudges_enabled=False,
    )
    assert quality_services.send_nudges() == 0
    assert not Notice.objects.exists()


def test_the_daily_run_starts_in_working_hours(settings) -> None:
    settings.MEETINGS_QUALITY_NUDGE_HOUR = 9
    day = timezone.make_aware(dt.datetime(2026, 11, 27, 8, 59))
    assert not quality_services.nudge_due(day)
    assert quality_services.nudge_due(day + dt.timedelta(minutes=1))
