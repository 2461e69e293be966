"""The report form and services: draft, submit, edit until close, late, plan, blockers."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from conftest import verified_client
from yakuba.dailyreports import digest, services
from yakuba.dailyreports.models import Blocker, BlockerStatus, Report, ReportStatus
from yakuba.dailyreports.tests.factories import submitted_report, window_for
from yakuba.notifications.models import Notice

JST = ZoneInfo("Asia/Tokyo")
DAY = dt.date(2026, 4, 28)  # a Tuesday


def at(hh: int, mm: int, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=JST)


def _form_data(window, *, plan="窓口対応", done="審査", blocker="", **extra) -> dict:
    data = {"work_place": "home", **extra}
    for q in window.questions.all():
        data[f"q_{q.pk}"] = {"plan": plan, "done": done, "blocker": blocker}[q.kind]
    return data


@pytest.fixture
def reporter(client, make_user, org):
    user = make_user("staff")
    window = window_for(org["shimin"])
    return verified_client(client, user), user, window


@pytest.mark.django_db
def test_draft_then_submit_then_edit_until_close_then_locked(reporter) -> None:
    c, user, window = reporter
    url = reverse("dailyreports:my_report")
    with time_machine.travel(at(8, 31), tick=False):
        page = c.get(url).content.decode()
        assert "今日の予定" in page and "受付時間 08:30–08:45" in page
        c.post(url, {**_form_data(window, plan=""), "draft": "1"})
        report = Report.objects.get(staff=user.staff)
        assert report.status == ReportStatus.DRAFT
        # Submitting without a required answer is refused with a message on the field.
        response = c.post(url, _form_data(window, plan=""))
        assert response.status_code == 200 and "この質問は必須です。" in response.content.decode()
        c.post(url, _form_data(window))
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED and not report.late
        assert report.work_place == "home"
    with time_machine.travel(at(8, 44), tick=False):
        c.post(url, _form_data(window, plan="窓口対応\n会議資料"))
        report.refresh_from_db()
        assert report.answer_of("plan") == "窓口対応\n会議資料"
    with time_machine.travel(at(9, 0), tick=False):
        page = c.get(url).content.decode()
        assert "この報告は変更できません" in page
        c.post(url, _form_data(window, plan="書き換え"))
        report.refresh_from_db()
        assert report.answer_of("plan") == "窓口対応\n会議資料"


@pytest.mark.django_db
def test_late_report_is_accepted_and_marked(reporter) -> None:
    c, user, window = reporter
    with time_machine.travel(at(9, 30), tick=False):
        page = c.get(reverse("dailyreports:my_report")).content.decode()
        assert "遅れて提出" in page
        c.post(reverse("dailyreports:my_report"), _form_data(window))
    report = Report.objects.get(staff=user.staff)
    assert report.status == ReportStatus.SUBMITTED and report.late


@pytest.mark.django_db
def test_previous_plan_is_shown_to_tick_off(reporter) -> None:
    c, user, window = reporter
    submitted_report(user.staff, DAY - dt.timedelta(days=1), plan="住民票の審査\n会議資料の作成")
    with time_machine.travel(at(8, 32), tick=False):
        page = c.get(reverse("dailyreports:my_report")).content.decode()
        assert "前回の予定" in page and "住民票の審査" in page and "会議資料の作成" in page
        c.post(reverse("dailyreports:my_report"), {**_form_data(window), "plan_done": ["1"]})
    assert Report.objects.get(staff=user.staff, date=DAY).plan_done == [1]


@pytest.mark.django_db
def test_blocker_is_tracked_carried_over_and_resolved_next_day(reporter, org) -> None:
    c, user, window = reporter
    with time_machine.travel(at(8, 35), tick=False):
        c.post(reverse("dailyreports:my_report"), _form_data(window, blocker="印刷機が故障"))
    blocker = Blocker.objects.get()
    assert blocker.owner == user.staff and blocker.status == BlockerStatus.OPEN
    next_day = DAY + dt.timedelta(days=1 + 1)  # Thursday (29th is a holiday)
    with time_machine.travel(at(8, 35, next_day), tick=False):
        c.force_login(user)  # the session idled out overnight
        page = c.get(reverse("dailyreports:my_report")).content.decode()
        assert "続いている困りごと" in page and "印刷機が故障" in page
        c.post(
            reverse("dailyreports:my_report"),
            {**_form_data(window), "resolved_blockers": [str(blocker.pk)]},
        )
    blocker.refresh_from_db()
    assert blocker.status == BlockerStatus.RESOLVED and blocker.resolved_on == next_day


@pytest.mark.django_db
def test_same_blocker_reported_again_is_not_duplicated(org) -> None:
    staff = org["staff"]["1001"]
    submitted_report(staff, DAY, blocker="人手不足")
    submitted_report(staff, DAY + dt.timedelta(days=2), blocker="人手不足")
    blocker = Blocker.objects.get()
    assert blocker.opened_on == DAY and blocker.last_reported_on == DAY + dt.timedelta(days=2)


@pytest.mark.django_db
def test_old_blockers_escalate_to_the_unit_above_once(org, make_user) -> None:
    dept_head = make_user("unit_head", unit_key="dept", username="dept-head")
    window_for(org["shimin"], escalate_after_days=3)
    submitted_report(org["staff"]["1001"], DAY, blocker="システム障害")
    assert services.escalate_blockers(org["shimin"], DAY + dt.timedelta(days=2)) == []
    escalated = services.escalate_blockers(org["shimin"], DAY + dt.timedelta(days=3))
    assert [b.escalated_to for b in escalated] == [org["dept"]]
    assert Notice.objects.filter(recipient=dept_head).count() == 1
    assert services.escalate_blockers(org["shimin"], DAY + dt.timedelta(days=4)) == []


@pytest.mark.django_db
def test_reminders_go_only_to_people_who_have_not_reported(org, make_user, monkeypatch) -> None:
    from yakuba.dailyreports import roster_link

    window_for(org["shimin"])
    done = make_user("staff", username="done")
    make_user("staff", username="missing")
    on_leave = make_user("staff", username="leave")
    inactive = make_user("staff", username="inactive")
    inactive.staff.active = False
    inactive.staff.save()
    other_unit = make_user("staff", unit_key="zeimu", username="zeimu")
    window_for(org["zeimu"])
    submitted_report(done.staff, DAY)
    monkeypatch.setattr(
        roster_link,
        "work_statuses_for",
        lambda people, d: {on_leave.staff.pk: roster_link.WorkStatus(off=True)},
    )
    assert digest.send_reminders(org["shimin"], DAY, closing=True) == 1
    assert list(Notice.objects.values_list("recipient__username", flat=True)) == ["missing"]
    assert "締切" in Notice.objects.get().subject
    assert not Notice.objects.filter(recipient__in=[done, on_leave, inactive, other_unit]).exists()
    assert digest.send_reminders(org["shimin"], DAY + dt.timedelta(days=1), closing=False) == 0


@pytest.mark.django_db(transaction=True)
def test_digest_is_built_and_sent_once_blockers_first(org, make_user) -> None:
    from yakuba.notifications.models import Channel, Delivery

    head = make_user("unit_head", username="head")
    window = window_for(org["shimin"])
    channel = Channel(unit=org["shimin"], name="mm", kind="mattermost")
    channel.set_url("http://127.0.0.1:9/hooks/x")  # nothing listens: delivery retries later
    channel.save()
    window.channels.add(channel)
    submitted_report(org["staff"]["1001"], DAY, plan="窓口", blocker="端末が遅い")
    first = digest.close_window(org["shimin"], DAY)
    again = digest.close_window(org["shimin"], DAY)
    assert first is not None and again.pk == first.pk
    assert Delivery.objects.filter(channel=channel).count() == 1
    assert Notice.objects.filter(recipient=head).count() == 1
    # In-app: a one-line summary; the digest page behind the link has everything.
    notice = Notice.objects.get(recipient=head)
    assert notice.body == "提出 1/2 名（遅れ 0 名）・未報告 1 名・困りごと 1 件"
    assert notice.url.endswith(f"/{DAY.isoformat()}/")
    content = first.content
    assert [r["name"] for r in content["reported"]] == ["山田 太郎"]
    assert content["blockers"][0]["text"] == "端末が遅い"
    text = Delivery.objects.get().payload["text"]
    assert text.index("困りごと") < text.index("山田 太郎") < text.index("未報告")
    assert "unit_head 職員" in text  # the head has not reported: listed as missing


@pytest.mark.django_db(transaction=True)
def test_reminder_mentions_missing_people_in_chat_when_configured(org, make_user) -> None:
    from yakuba.notifications.models import Channel, Delivery

    window = window_for(org["shimin"], remind_chat=True)
    channel = Channel(unit=org["shimin"], name="mm", kind="mattermost")
    channel.set_url("http://127.0.0.1:9/hooks/x")
    channel.save()
    window.channels.add(channel)
    from yakuba.notifications.services import set_chat_identities

    late = make_user("staff", username="late-one")
    other = make_user("unit_head", username="late-two")
    set_chat_identities(actor=None, staff=late.staff, handles={"mattermost": "@Taro.MM"})
    digest.send_reminders(org["shimin"], DAY, closing=True)
    text = Delivery.objects.get(channel=channel).payload["text"]
    assert "締切" in text
    # The Mattermost user name (not the Yakuba one) for whoever registered it; the others
    # are named, never given a made-up "@yakuba-user-name".
    assert "@taro.mm" in text
    assert other.staff.name in text
    assert "@late-one" not in text and "@late-two" not in text
