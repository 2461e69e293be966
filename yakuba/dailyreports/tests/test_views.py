"""Board (constant queries), set-up, blockers board, overview (chart, search), export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from conftest import verified_client
from yakuba.audit.models import AuditAction, AuditEntry
from yakuba.dailyreports.models import Blocker, BlockerStatus, Question, ReportWindow
from yakuba.dailyreports.tests.factories import submitted_report, window_for
from yakuba.org.models import Staff

DAY = dt.date(2026, 4, 28)


def _add_staff(unit, n: int, start: int) -> list[Staff]:
    people = []
    for i in range(n):
        s = Staff(staff_number=f"7{start + i:04d}", name=f"職員{start + i}", name_kana="ショクイン",
                  unit=unit)  # fmt: skip
        s.save()
        people.append(s)
    return people


def _board_queries(c, unit) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = c.get(reverse("dailyreports:board"), {"unit": unit.pk, "date": DAY.isoformat()})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_board_renders_in_constant_queries_regardless_of_unit_size(client, make_user, org) -> None:
    head = verified_client(client, make_user("unit_head"))
    unit = org["shimin"]
    window_for(unit)
    for s in _add_staff(unit, 3, 0):
        submitted_report(s, DAY, blocker=f"困りごと{s.pk}")
    small = _board_queries(head, unit)
    for s in _add_staff(unit, 60, 100):
        submitted_report(s, DAY, blocker=f"困りごと{s.pk}")
    large = _board_queries(head, unit)
    assert large == small
    html = head.get(reverse("dailyreports:board"), {"unit": unit.pk, "date": DAY}).content.decode()
    assert "提出 63 / 65 名" in html  # 63 reported; 山田 and the head have not


@pytest.mark.django_db
def test_unit_head_board_shows_report_status(client, make_user, org) -> None:
    head = verified_client(client, make_user("unit_head"))
    window_for(org["shimin"])
    submitted_report(org["staff"]["1001"], DAY, plan="窓口の応援")
    html = head.get(reverse("dailyreports:board"), {"date": DAY.isoformat()}).content.decode()
    assert "山田 太郎" in html and "窓口の応援" in html and "未報告" in html


@pytest.mark.django_db
def test_unit_head_cannot_open_another_units_board(client, make_user, org) -> None:
    head = verified_client(client, make_user("unit_head"))  # 市民課
    window_for(org["zeimu"])
    assert head.get(reverse("dailyreports:board"), {"unit": org["zeimu"].pk}).status_code == 404


@pytest.mark.django_db
def test_setup_starts_with_defaults_and_edits_questions(client, make_user, org) -> None:
    head = verified_client(client, make_user("unit_head"))
    url = reverse("dailyreports:setup", args=[org["shimin"].pk])
    assert "朝の業務報告を始める" in head.get(url).content.decode()
    head.post(url)
    window = ReportWindow.objects.get(unit=org["shimin"])
    questions = list(window.questions.all())
    assert [q.text for q in questions] == ["今日の予定", "昨日の実績", "困っていること"]
    assert [q.required for q in questions] == [True, True, False]
    data: dict[str, object] = {
        "save": "1",
        "enabled": "on",
        "opens_at": "08:15",
        "closes_at": "08:40",
        "reminder_minutes": "10",
        "weekdays": ["0", "1", "2", "3", "4", "5"],
        "health_check": "on",
        "fever_threshold": "37.5",
        "digest_in_app": "on",
        "escalate_after_days": "2",
        "health_retention_days": "14",
        "q-TOTAL_FORMS": "4",
        "q-INITIAL_FORMS": "3",
        "q-MIN_NUM_FORMS": "0",
        "q-MAX_NUM_FORMS": "20",
    }
    for i, q in enumerate(questions):
        data.update({f"q-{i}-id": q.pk, f"q-{i}-text": q.text, f"q-{i}-kind": q.kind,
                     f"q-{i}-position": 5 - i, f"q-{i}-active": "on"})  # fmt: skip
    data["q-1-delete"] = "on"
    data.update({"q-3-text": "今日の窓口当番", "q-3-kind": "other", "q-3-position": "0",
                 "q-3-active": "on", "q-3-required": "on"})  # fmt: skip
    response = head.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    window.refresh_from_db()
    assert window.opens_at == dt.time(8, 15) and window.workdays == "1111110"
    assert window.health_check and window.escalate_after_days == 2
    assert [q.text for q in window.questions.all()] == [
        "今日の窓口当番",
        "困っていること",
        "今日の予定",
    ]
    assert Question.objects.get(text="今日の窓口当番").required


@pytest.mark.django_db
def test_setup_refuses_close_before_open(client, make_user, org) -> None:
    head = verified_client(client, make_user("unit_head"))
    window_for(org["shimin"])
    url = reverse("dailyreports:setup", args=[org["shimin"].pk])
    response = head.post(url, {"save": "1", "opens_at": "09:00", "closes_at": "08:00",
                               "reminder_minutes": "5", "fever_threshold": "37.5",
                               "escalate_after_days": "3", "health_retention_days": "30",
                               "q-TOTAL_FORMS": "0", "q-INITIAL_FORMS": "0"})  # fmt: skip
    assert response.status_code == 200
    assert "締切は受付開始より後にしてください。" in response.content.decode()


@pytest.mark.django_db
def test_blockers_board_by_age_and_update(client, make_user, org) -> None:
    head = verified_client(client, make_user("unit_head"))
    submitted_report(org["staff"]["1001"], DAY - dt.timedelta(days=6), blocker="古い困りごと")
    submitted_report(org["staff"]["1001"], DAY, blocker="新しい困りごと")
    html = head.get(reverse("dailyreports:blockers")).content.decode()
    assert html.index("古い困りごと") < html.index("新しい困りごと")
    blocker = Blocker.objects.get(text="古い困りごと")
    helper = org["staff"]["1002"]
    head.post(
        reverse("dailyreports:blocker_update", args=[blocker.pk]),
        {f"b{blocker.pk}-status": "in_progress", f"b{blocker.pk}-helpers": [helper.pk]},
    )
    blocker.refresh_from_db()
    assert blocker.status == BlockerStatus.IN_PROGRESS
    assert list(blocker.helpers.all()) == [helper]


@pytest.mark.django_db
def test_overview_chart_search_and_export(client, make_user, org) -> None:
    hr = verified_client(client, make_user("hr"))
    window_for(org["shimin"])
    submitted_report(org["staff"]["1001"], DAY, plan="ジュウミンヒョウの審査")
    params = {"start": "2026-04-20", "end": "2026-04-28", "q": "じゅうみんひょう"}
    html = hr.get(reverse("dailyreports:overview"), params).content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert "所属ごと" in html and "市民課" in html
    assert "検索結果 1 件" in html and "山田 太郎" in html
    csv = hr.get(reverse("dailyreports:export"), {**params, "format": "csv"})
    text = csv.content.decode("utf-8-sig")
    assert "山田 太郎" in text and "ジュウミンヒョウの審査" in text
    xlsx = hr.get(reverse("dailyreports:export"), {**params, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(row=2, column=4).value == "山田 太郎"


@pytest.mark.django_db
def test_digest_page_for_unit_members_only(client, make_user, org) -> None:
    from yakuba.dailyreports.digest import close_window

    window_for(org["shimin"])
    submitted_report(org["staff"]["1001"], DAY, plan="窓口の応援")
    close_window(org["shimin"], DAY)
    url = reverse("dailyreports:digest", args=[org["shimin"].pk, DAY.isoformat()])
    member = verified_client(client, make_user("staff"))
    assert "窓口の応援" in member.get(url).content.decode()
    outsider = verified_client(
        client.__class__(), make_user("staff", unit_key="zeimu", username="z")
    )
    # Another unit's digest is answered like one that does not exist, and the try audited.
    assert outsider.get(url).status_code == 404
    denial = AuditEntry.objects.filter(action=AuditAction.PERMISSION_DENIED).latest("seq")
    assert denial.actor.username == "z" and denial.object_id == url
