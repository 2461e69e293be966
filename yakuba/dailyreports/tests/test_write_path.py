"""One write path for a morning report: web form and chat commands go through the same
service, in one transaction, audited in the name of the person; GET requests write no
domain data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import verified_client
from yakuba.audit.models import AuditAction, AuditEntry
from yakuba.dailyreports import services
from yakuba.dailyreports.models import (
    MAX_ANSWER,
    Blocker,
    BlockerStatus,
    HealthCheck,
    Report,
    ReportStatus,
    ReportWindow,
)
from yakuba.dailyreports.tests.factories import (
    READ_AUDIT,
    domain_writes,
    submitted_report,
    window_for,
)
from yakuba.notifications.models import Notice
from yakuba.notifications.services import set_chat_identities

JST = ZoneInfo("Asia/Tokyo")
DAY = dt.date(2026, 4, 28)  # a Tuesday
TOKEN = "mm-command-token-123"


def at(hh: int, mm: int, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=JST)


def _form(window, *, plan="窓口対応", done="審査", blocker="", **extra) -> dict:
    data = {"work_place": "home", **extra}
    for q in window.questions.all():
        data[f"q_{q.pk}"] = {"plan": plan, "done": done, "blocker": blocker}[q.kind]
    return data


def _mattermost(client, user_name: str, text: str) -> str:
    response = client.post(
        reverse("dailyreports:mattermost_command"),
        {"token": TOKEN, "user_name": user_name, "text": text, "user_id": "mm-user-id-1",
         "team_domain": "midori-city", "channel_name": "shimin"},
    )  # fmt: skip
    assert response.status_code == 200
    return response.json()["text"]


@pytest.fixture
def person(make_user, org):
    """A member of 市民課 with yesterday's report (a plan and a blocker), a unit head to
    alert, and a window with health checks."""
    make_user("unit_head", username="head")
    user = make_user("staff", username="yamada")
    window = window_for(org["shimin"], health_check=True)
    submitted_report(user.staff, DAY - dt.timedelta(days=1), plan="審査\n会議", blocker="端末")
    set_chat_identities(actor=None, staff=user.staff, handles={"mattermost": "yamada"})
    return user, window


@pytest.mark.django_db
@pytest.mark.parametrize("failing_step", ["_save_health", "_track_blocker", "_resolve_carried"])
def test_a_failure_in_a_later_step_leaves_nothing_written(
    client, person, monkeypatch, failing_step
) -> None:
    """Report, health check, ticks, new blocker and resolved blocker are one transaction."""
    user, window = person
    carried = Blocker.objects.get(text="端末")

    def fail(*args, **kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(services, failing_step, fail)
    c = verified_client(client, user)
    c.raise_request_exception = False
    audit_before = AuditEntry.objects.count()
    data = _form(window, blocker="新しい困りごと", temperature="38.0", symptoms="せき")
    data.update(plan_done=["0"], resolved_blockers=[str(carried.pk)])
    with time_machine.travel(at(8, 35), tick=False):
        assert c.post(reverse("dailyreports:my_report"), data).status_code == 500
    assert not Report.objects.filter(staff=user.staff, date=DAY).exists()
    assert not HealthCheck.objects.exists()
    assert not Blocker.objects.filter(text="新しい困りごと").exists()
    carried.refresh_from_db()
    assert carried.status == BlockerStatus.OPEN and carried.resolved_on is None
    assert AuditEntry.objects.count() == audit_before
    assert not Notice.objects.exists()  # no health alert about a report that was not stored


@pytest.mark.django_db
def test_the_whole_report_is_stored_and_audited_in_the_persons_name(client, person) -> None:
    user, window = person
    carried = Blocker.objects.get(text="端末")
    c = verified_client(client, user)
    data = _form(window, blocker="新しい困りごと", temperature="38.0", symptoms="")
    data.update(plan_done=["1"], resolved_blockers=[str(carried.pk)])
    with time_machine.travel(at(8, 35), tick=False):
        assert c.post(reverse("dailyreports:my_report"), data).status_code == 302
    report = Report.objects.get(staff=user.staff, date=DAY)
    assert report.status == ReportStatus.SUBMITTED and report.plan_done == [1]
    assert report.health.stay_home
    carried.refresh_from_db()
    assert carried.status == BlockerStatus.RESOLVED and carried.resolved_on == DAY
    new = Blocker.objects.get(text="新しい困りごと")
    entries = AuditEntry.objects.filter(object_type="dailyreports.blocker")
    by_object = {(e.object_id, e.action): e for e in entries}
    for key in ((str(new.pk), AuditAction.CREATE), (str(carried.pk), AuditAction.UPDATE)):
        assert by_object[key].actor == user and by_object[key].actor_label == "yamada"
    assert not AuditEntry.objects.filter(actor_label="dailyreports").exists()
    assert Notice.objects.filter(recipient__username="head").count() == 1


@pytest.mark.django_db
@override_settings(MATTERMOST_COMMAND_TOKEN=TOKEN)
def test_chat_blockers_are_audited_in_the_senders_name(client, person) -> None:
    user, _window = person
    with time_machine.travel(at(8, 35), tick=False):
        reply = _mattermost(client, "yamada", "今日: 窓口 昨日: 審査 困: 端末 場所: 在宅")
    assert "受け付けました" in reply and "困りごとを記録しました" in reply
    carried = Blocker.objects.get(text="端末")  # the same blocker, reported again
    assert carried.last_reported_on == DAY
    entry = AuditEntry.objects.filter(
        object_type="dailyreports.blocker", object_id=str(carried.pk), action=AuditAction.UPDATE
    ).get()
    assert entry.actor == user and entry.changes["last_reported_on"][1] == DAY.isoformat()
    report_entry = AuditEntry.objects.filter(object_type="dailyreports.report").latest("seq")
    assert report_entry.actor == user and report_entry.changes["source"] == "mattermost"
    # The person acted, from chat: where the command came from is recorded with it.
    origin = {
        "chat": "mattermost",
        "user_id": "mm-user-id-1",
        "user_name": "yamada",
        "team_domain": "midori-city",
        "channel_name": "shimin",
    }
    assert report_entry.changes["origin"] == origin
    assert entry.changes["origin"] == origin


@pytest.mark.django_db
@override_settings(MATTERMOST_COMMAND_TOKEN=TOKEN)
def test_chat_and_web_refuse_an_overlong_answer_the_same_way(client, person) -> None:
    user, window = person
    too_long = "あ" * (MAX_ANSWER + 1)
    with time_machine.travel(at(8, 35), tick=False):
        reply = _mattermost(client, "yamada", f"今日: {too_long} 昨日: 審査")
        assert f"回答は{MAX_ANSWER}文字以内" in reply
        page = verified_client(client, user).post(
            reverse("dailyreports:my_report"), _form(window, plan=too_long)
        )
        assert page.status_code == 200  # the form shows the field's limit
    assert not Report.objects.filter(date=DAY).exists()
    with pytest.raises(ValidationError) as refused:
        services.save_report(
            actor=user,
            staff=user.staff,
            day=DAY,
            answers={str(q.pk): too_long for q in window.questions.all()},
            now=at(8, 35),
        )
    assert refused.value.messages == [reply]


@pytest.mark.django_db
@override_settings(MATTERMOST_COMMAND_TOKEN=TOKEN)
def test_chat_cannot_change_a_report_after_the_close(client, person) -> None:
    user, window = person
    with time_machine.travel(at(8, 35), tick=False):
        verified_client(client, user).post(reverse("dailyreports:my_report"), _form(window))
    with time_machine.travel(at(9, 5), tick=False):
        reply = _mattermost(client, "yamada", "今日: 書き換え 昨日: 審査")
    assert "変更できません" in reply
    assert Report.objects.get(staff=user.staff, date=DAY).answer_of("plan") == "窓口対応"


@pytest.mark.django_db
@override_settings(MATTERMOST_COMMAND_TOKEN=TOKEN)
def test_a_chat_update_keeps_what_it_does_not_mention(client, person) -> None:
    """Ticks of yesterday's plan, the health check, the place and unmentioned answers stay."""
    user, window = person
    with time_machine.travel(at(8, 35), tick=False):
        data = _form(window, temperature="36.5")
        data["plan_done"] = ["0", "1"]
        verified_client(client, user).post(reverse("dailyreports:my_report"), data)
        _mattermost(client, "yamada", "困: 印刷機が故障")
    report = Report.objects.get(staff=user.staff, date=DAY)
    assert report.plan_done == [0, 1]
    assert report.answer_of("plan") == "窓口対応" and report.answer_of("done") == "審査"
    assert report.answer_of("blocker") == "印刷機が故障"
    assert report.work_place == "home" and report.source == "mattermost"
    assert report.health.temperature == Decimal("36.5")
    assert Blocker.objects.filter(text="印刷機が故障", owner=user.staff).exists()


@pytest.mark.django_db
def test_nobody_files_a_report_for_someone_else(person, make_user) -> None:
    user, window = person
    colleague = make_user("staff", username="colleague")
    with pytest.raises(PermissionDenied):
        services.save_report(
            actor=colleague,
            staff=user.staff,
            day=DAY,
            answers={str(q.pk): "代筆" for q in window.questions.all()},
            now=at(8, 35),
        )
    assert not Report.objects.filter(date=DAY).exists()


@pytest.mark.django_db
def test_blocker_helpers_must_come_from_the_blockers_unit(person, make_user, org) -> None:
    _user, _window = person
    head = make_user("unit_head", username="head2")
    blocker = Blocker.objects.get(text="端末")
    with pytest.raises(ValidationError):
        services.update_blocker(
            actor=head,
            blocker=blocker,
            status=BlockerStatus.IN_PROGRESS,
            helpers=[org["staff"]["2001"]],  # 税務課
            today=DAY,
        )
    blocker.refresh_from_db()
    assert blocker.status == BlockerStatus.OPEN and not blocker.helpers.exists()


@pytest.mark.django_db
def test_setup_refuses_a_question_of_another_unit(client, make_user, org) -> None:
    head = verified_client(client, make_user("unit_head"))
    window = window_for(org["shimin"])
    foreign = window_for(org["zeimu"]).questions.first()
    url = reverse("dailyreports:setup", args=[org["shimin"].pk])
    data = {"save": "1", "enabled": "on", "opens_at": "08:30", "closes_at": "08:45",
            "reminder_minutes": "5", "fever_threshold": "37.5", "escalate_after_days": "3",
            "health_retention_days": "30", "q-TOTAL_FORMS": "1", "q-INITIAL_FORMS": "1",
            "q-0-id": foreign.pk, "q-0-text": "乗っ取り", "q-0-kind": "other",
            "q-0-position": "1", "q-0-active": "on"}  # fmt: skip
    response = head.post(url, data)
    assert response.status_code == 200
    assert "質問が見つかりません" in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.text != "乗っ取り"
    assert not window.questions.filter(text="乗っ取り").exists()


@pytest.mark.django_db
def test_no_get_request_writes_domain_data(client, make_user, org, person) -> None:
    """Every page of morning reports, opened by the person and by HR: at most read-audit
    entries (health data shown, export produced) and the session are written."""
    user, _window = person
    with time_machine.travel(at(8, 35), tick=False):
        report = services.save_report(
            actor=user,
            staff=user.staff,
            day=DAY,
            answers={},
            submit=False,
            health={"temperature": Decimal("36.6"), "symptoms": ""},
        )
    hr = make_user("hr", username="hr")
    day = (DAY - dt.timedelta(days=1)).isoformat()
    pages = [
        reverse("dailyreports:my_report"),
        reverse("dailyreports:report_detail", args=[report.pk]),
        reverse("dailyreports:board") + f"?date={day}",
        reverse("dailyreports:digest", args=[org["shimin"].pk, day]),
        reverse("dailyreports:blockers"),
        reverse("dailyreports:setup_list"),
        reverse("dailyreports:setup", args=[org["shimin"].pk]),
        reverse("dailyreports:setup", args=[org["zeimu"].pk]),  # not started: start page only
        reverse("dailyreports:overview") + f"?start={day}&end={DAY}&q=審査",
        reverse("dailyreports:export") + f"?start={day}&end={DAY}&format=csv",
        reverse("dailyreports:blocker_update", args=[1]),  # POST only: 405
        reverse("dailyreports:slack_command"),
        reverse("dailyreports:mattermost_command"),
    ]
    clients = [verified_client(client.__class__(), viewer) for viewer in (user, hr)]
    since = AuditEntry.objects.count()
    for c in clients:
        for url in pages:
            with (
                time_machine.travel(at(8, 40), tick=False),
                CaptureQueriesContext(connection) as ctx,
            ):
                response = c.get(url)
            assert response.status_code in (200, 403, 405), (url, response.status_code)
            assert domain_writes(ctx) == [], url
    assert not ReportWindow.objects.filter(unit=org["zeimu"]).exists()
    audited = set(AuditEntry.objects.order_by("seq")[since:].values_list("action", flat=True))
    assert AuditAction.VIEW_SENSITIVE in audited and AuditAction.EXPORT in audited
    assert audited <= READ_AUDIT
