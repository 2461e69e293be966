"""The re-contact list right after 議事録を確定: while the catch-up task has not produced the
catch-ups it says they are being prepared (not that everyone acknowledged), then lists them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.meetings import services
from yakuba.meetings.models import CatchUp, PresenceInterval
from yakuba.meetings.tests.factories import connect, make_meeting

pytestmark = pytest.mark.django_db

PREPARING = "キャッチアップを準備しています"
EVERYONE = "全員が確認しました。"


@pytest.fixture
def meeting(org, make_user):
    m = make_meeting(org, make_user("staff", username="organiser"), platform_meeting_id="")
    connect(m, org["staff"]["1001"], (0, 60))
    connect(m, org["staff"]["1002"], (0, 20), (40, 60))  # away 20 minutes
    # Marked by hand (an in-person meeting): not derived from platform events.
    PresenceInterval.objects.filter(meeting=m).update(source="manual")
    return m  # 鈴木 (2001) never connected


def _page(client, meeting, **headers) -> str:
    response = client.get(reverse("meetings:recontact", args=[meeting.pk]), **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_list_says_preparing_until_the_task_has_run(client, meeting, make_user) -> None:
    c = verified_client(client, meeting.organiser)
    # Finalised, its catch-up task not run yet (its on_commit callback is not executed).
    services.finalise(actor=meeting.organiser, meeting=meeting)
    page = _page(c, meeting)
    assert PREPARING in page and EVERYONE not in page
    assert "まだいません。" not in page  # no empty lists that look final
    # The list refreshes itself (htmx) while preparing, answering with the list alone.
    assert 'hx-trigger="every 3s"' in page
    partial = _page(c, meeting, HTTP_HX_REQUEST="true")
    assert PREPARING in partial and "<html" not in partial

    assert services.compute_and_send_catchups(meeting.pk) == 2
    page = _page(c, meeting)
    assert PREPARING not in page and "hx-trigger" not in page
    pending = page.split("確認済み")[0]
    assert "佐藤 花子" in pending and "鈴木 一郎" in pending and "山田 太郎" not in page
    assert EVERYONE not in page

    for catchup in CatchUp.objects.select_related("staff__user"):
        # Each person acknowledges their own (an account is made for those without one).
        person = catchup.staff.user or make_user("staff", username=f"u{catchup.staff_id}")
        services.acknowledge(actor=person, catchup=catchup)
    assert EVERYONE in _page(c, meeting)


def test_nobody_to_recontact_is_said_so(client, meeting, org) -> None:
    connect(meeting, org["staff"]["1002"], (20, 40))
    connect(meeting, org["staff"]["2001"], (0, 60))
    PresenceInterval.objects.filter(meeting=meeting).update(source="manual")
    c = verified_client(client, meeting.organiser)
    services.finalise(actor=meeting.organiser, meeting=meeting)
    assert PREPARING in _page(c, meeting)
    assert services.compute_and_send_catchups(meeting.pk) == 0
    page = _page(c, meeting)
    assert PREPARING not in page and EVERYONE not in page
    assert "共有が必要な人はいませんでした" in page


def test_before_finalising_the_list_explains_itself(client, meeting) -> None:
    page = _page(verified_client(client, meeting.organiser), meeting)
    assert "議事録を確定すると" in page and PREPARING not in page and EVERYONE not in page


def test_in_english_too(client, meeting) -> None:
    c = verified_client(client, meeting.organiser)
    services.finalise(actor=meeting.organiser, meeting=meeting)
    c.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = _page(c, meeting)
    assert "being prepared" in page


def test_the_catchup_job_is_named_in_the_audit_trail(meeting) -> None:
    services.finalise(actor=meeting.organiser, meeting=meeting)
    services.compute_and_send_catchups(meeting.pk)
    entries = AuditEntry.objects.filter(object_type="meetings.catchup")
    assert entries.count() == 2
    assert set(entries.values_list("actor_label", flat=True)) == {"meetings.catchups"}
    prepared = AuditEntry.objects.get(
        object_type="meetings.meeting", actor_label="meetings.catchups"
    )
    assert prepared.changes["catchups"] == 2
    assert not AuditEntry.objects.filter(actor_label="system").exists()
    # Running the task again sends nothing and records nothing new.
    before = AuditEntry.objects.count()
    assert services.compute_and_send_catchups(meeting.pk) == 0
    assert AuditEntry.objects.count() == before
