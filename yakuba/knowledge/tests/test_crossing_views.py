"""「ナレッジの広がり」 through the pages: who may open it, the figures it shows, constant
queries at two sizes, the audited .xlsx export, and a helper's own thanks (shown to them
only — no leaderboard)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from yakuba.audit.models import AuditAction, AuditEntry
from yakuba.knowledge import crossing_selectors as cs
from yakuba.knowledge.models import Helpful
from yakuba.knowledge.tests.factories import make_answer, make_question, make_staff
from yakuba.org.models import Unit
from yakuba.training.tests.factories import attended, make_session

pytestmark = pytest.mark.django_db

POSITIONS = ("主事", "主任", "係長", "課長補佐", "課長")


def _department(code: str, name: str, people: int) -> list:
    dept = Unit(code=code, name=name, name_kana="ブ", kind="department")
    dept.save()
    div = Unit(code=f"{code}1", name=f"{name}の課", name_kana="カ", kind="division", parent=dept)
    div.save()
    return [
        make_staff(div, f"{code}{i:04d}", position=POSITIONS[i % len(POSITIONS)])
        for i in range(people)
    ]


def _city(people: int, questions: int, codes: tuple[str, str] = ("800", "900")) -> dict[str, list]:
    """Two departments of ``people`` each; ``questions`` questions asked in 総務部 ten days
    ago, each answered first from 税務部 after 2 hours and then from 総務部 (accepted), and
    a past training session taught from 税務部 attended by everyone in 総務部."""
    soumu = _department(codes[0], "総務部", people)
    zeimu = _department(codes[1], "税務部", people)
    asked = timezone.now() - dt.timedelta(days=10)
    for i in range(questions):
        q = make_question(soumu[i % people], f"質問{i}", created_at=asked)
        make_answer(q, zeimu[i % people], created_at=asked + dt.timedelta(hours=2))
        make_answer(
            q, soumu[(i + 1) % people], created_at=asked + dt.timedelta(hours=5), accepted=True
        )
    session = make_session(days=-5, instructor=zeimu[0])
    for s in soumu:
        attended(session, s)
    return {"soumu": soumu, "zeimu": zeimu}


def _small_department() -> None:
    """会計室 with one person: with 市民部 (the fixture's 3 staff + one account, 4) it
    makes a 「その他」 of 5, so 総務部 and 税務部 keep rows of their own."""
    kaikei = Unit(code="700", name="会計室", name_kana="カイケイ", kind="department")
    kaikei.save()
    make_staff(kaikei, "7001")


def test_only_the_information_division_opens_the_page_and_the_export(org, client_for):
    for role in ("staff", "unit_head", "hr", "auditor", "planning"):
        client = client_for(role)
        assert client.get("/knowledge/crossing/").status_code == 403, role
        assert client.get("/knowledge/crossing/export/").status_code == 403, role
    for role in ("infosec", "sysadmin"):
        assert client_for(role).get("/knowledge/crossing/").status_code == 200, role
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_page_shows_who_helped_whom_across_departments(org, client_for):
    _city(people=6, questions=4)
    _small_department()
    response = client_for("infosec").get("/knowledge/crossing/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "100.0%（4/4）" in html  # every first answer came from another department
    assert "2.0時間" in html  # median wait for the first answer
    assert "生年が登録されていない" in html  # no age bands, and the page says why
    m = response.context["matrix"]
    zeimu, soumu = "900", "800"
    assert m.cell(zeimu, soumu) == 4 and m.cell(soumu, zeimu) == 0
    # 市民部 (the fixture's 3 staff + the infosec account) and 会計室 (1) are under 5:
    # together they make one 「その他」 of 5.
    assert response.context["merged"] == ["市民部", "会計室"]
    assert m.groups == (soumu, zeimu, "__other__")
    assert "「その他」は5人未満の区分をまとめたものです：市民部、会計室" in html

    sysadmin = client_for("sysadmin")
    accepted = sysadmin.get("/knowledge/crossing/?measure=accepted&by=department")
    assert accepted.context["matrix"].cell(soumu, soumu) == 4
    training = sysadmin.get("/knowledge/crossing/?measure=training&by=level")
    m = training.context["matrix"]
    assert m.total == 6  # the 総務部's six attendees, from the instructor's level (主事)
    assert "係員級" in training.content.decode()


def test_a_period_without_questions_and_bad_dates(org, client_for):
    _city(people=6, questions=2)
    infosec = client_for("infosec")
    old = infosec.get("/knowledge/crossing/?start=2020-01-01&end=2020-03-31")
    assert old.context["report"].questions == 0
    assert "この期間には該当する記録がありません。" in old.content.decode()
    bad = infosec.get("/knowledge/crossing/?start=2026-05-01&end=2026-01-01")
    assert bad.status_code == 200
    assert "期間の始めは終わりより前の日付にしてください。" in bad.content.decode()
    assert bad.context["report"].questions == 2  # shown for the default period
    junk = infosec.get("/knowledge/crossing/?start=%27%3B--&measure=%3Cx%3E&by=")
    assert junk.status_code == 200


def test_constant_queries_whatever_the_size(org, client_for):
    client = client_for("infosec")
    client.get("/knowledge/crossing/")  # warm the session
    counts = []
    # Two sizes: 12 people and 3 questions, then 72 more people and 60 more questions.
    for people, questions, codes, total in (
        (6, 3, ("800", "900"), 3),
        (36, 60, ("600", "650"), 63),
    ):
        _city(people, questions, codes)
        with CaptureQueriesContext(connection) as report_queries:
            report = cs.report(dt.date.today() - dt.timedelta(days=60), dt.date.today())
        with CaptureQueriesContext(connection) as page_queries:
            assert client.get("/knowledge/crossing/?measure=training").status_code == 200
        assert report.questions == total
        assert len(report_queries) == 5
        counts.append(len(page_queries))
    assert counts[0] == counts[1]


def test_the_export_is_an_audited_workbook(org, client_for):
    _city(people=6, questions=3)
    _small_department()
    response = client_for("infosec").get(
        "/knowledge/crossing/export/?start=2020-01-01&end=2030-12-31"
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames[:2] == ["概要", "月別の推移"]
    assert len(wb.sheetnames) == 8  # + three measures × two groupings
    summary = {row[0]: row[1] for row in wb["概要"].iter_rows(min_row=2, values_only=True)}
    assert summary["質問数"] == 3
    assert summary["ほかの部からの回答の割合（%）"] == 100
    first_by_dept = wb["最初の回答・部"]
    header = [c.value for c in first_by_dept[1]]
    rows = {r[0]: r for r in first_by_dept.iter_rows(min_row=2, values_only=True)}
    assert rows["税務部"][header.index("総務部")] == 3
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.object_type == "knowledge.crossing"


def test_a_helper_sees_their_own_thanks_and_nobody_elses(org, make_user, client_for):
    from django.test import Client

    from conftest import verified_client

    helper_user = make_user("staff", unit_key="zeimu", username="helper")
    me = helper_user.staff
    people = org["staff"]
    q1 = make_question(people["1001"])
    q2 = make_question(people["1002"], "印刷できません")
    a1 = make_answer(q1, me, accepted=True)
    make_answer(q2, me)
    make_answer(make_question(me, "自分の質問"), me)  # answering oneself is not helping
    Helpful.objects.create(answer=a1, staff=people["1001"])
    Helpful.objects.create(answer=a1, staff=people["1002"])
    session = make_session(days=-3, instructor=me)
    attended(session, people["1001"])
    attended(session, people["2001"])

    page = verified_client(Client(), helper_user).get("/knowledge/helpers/me/")
    thanks = page.context["thanks"]
    assert (
        thanks.people_answered,
        thanks.people_accepted,
        thanks.helpful_marks,
        thanks.helpful_people,
        thanks.trainees,
    ) == (2, 1, 2, 2, 2)
    html = page.content.decode()
    assert "あなたが助けた人" in html and "解決した回答に選ばれました" in html

    other = client_for("staff")  # someone else: their own (empty) figures, not the helper's
    theirs = other.get("/knowledge/helpers/me/")
    assert theirs.context["thanks"].people_answered == 0
    assert "まだ回答や研修会の講師の記録はありません。" in theirs.content.decode()
    directory = other.get("/knowledge/helpers/").content.decode()
    assert "助けた人" not in directory and "役に立った」" not in directory
