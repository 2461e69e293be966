"""Writes to the register: scope, 見送り with a reason, status history, period reviews."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yakuba.audit.models import AuditEntry
from yakuba.problems import services
from yakuba.problems.models import Countermeasure, EvidenceLink, Problem, ProgressReview, Status
from yakuba.problems.periods import ReviewPeriod, half, last_quarter, quarter
from yakuba.problems.tests.factories import make_countermeasure, make_problem

pytestmark = pytest.mark.django_db


def _values(unit, **extra):
    values = {
        "title": "財務会計システムに自宅から接続できない",
        "description": "LGWAN系の業務システムは庁外から使えない。",
        "unit": unit,
        "source_kind": "free",
        "source_id": None,
        "source_key": "",
        "source_label": "",
        "fiscal_year": 2020,
        "period_start": None,
        "period_end": None,
    }
    values.update(extra)
    return values


def test_a_unit_head_creates_a_problem_of_their_unit_with_evidence(org, make_user):
    head = make_user("unit_head")  # 市民課
    problem = services.save_problem(
        actor=head,
        problem=None,
        values=_values(org["madoguchi"]),  # a section below 市民課
        evidence=[
            services.Evidence("朝の業務報告の困りごと", url="/reports/blockers/"),
            services.Evidence("在宅勤務アンケート", reference="令和2年度 職員アンケート 問5"),
        ],
    )
    assert problem.created_by == head
    assert [e.label for e in problem.evidence.all()] == [
        "朝の業務報告の困りごと",
        "在宅勤務アンケート",
    ]
    created = AuditEntry.objects.get(action="create", object_type="problems.problem")
    assert created.changes["title"] == [None, "財務会計システムに自宅から接続できない"]
    assert AuditEntry.objects.filter(
        action="update", object_id=str(problem.pk), changes__has_key="evidence"
    ).exists()


def test_a_unit_head_cannot_name_or_edit_another_unit(org, make_user):
    head = make_user("unit_head")  # 市民課
    with pytest.raises(ValidationError) as err:
        services.save_problem(actor=head, problem=None, values=_values(org["zeimu"]))
    assert "担当所属" in str(err.value)
    other = make_problem(org["zeimu"])
    with pytest.raises(PermissionDenied):
        services.save_problem(actor=head, problem=other, values=_values(org["shimin"]))
    cm = make_countermeasure(other)
    with pytest.raises(PermissionDenied):
        services.save_countermeasure(
            actor=head,
            problem=other,
            countermeasure=cm,
            values={
                "description": "x",
                "unit": org["zeimu"],
                "due_on": None,
                "status": Status.DONE,
                "reason": "",
            },
        )
    assert Problem.objects.count() == 1
    assert Countermeasure.objects.get().status == Status.IN_PROGRESS


def test_planning_edits_every_unit(org, make_user):
    planning = make_user("planning")
    problem = services.save_problem(actor=planning, problem=None, values=_values(org["zeimu"]))
    assert problem.unit == org["zeimu"]


def test_hr_and_the_auditor_cannot_write(org, make_user):
    for role in ("hr", "auditor"):
        with pytest.raises(PermissionDenied):
            services.save_problem(
                actor=make_user(role), problem=None, values=_values(org["shimin"])
            )
    assert not Problem.objects.exists()


def test_an_external_evidence_url_is_refused_and_nothing_is_written(org, make_user):
    planning = make_user("planning")
    for url in ("https://evil.example/", "//evil.example/x", "/no/such/page/", "javascript:x"):
        with pytest.raises(ValidationError) as err:
            services.save_problem(
                actor=planning,
                problem=None,
                values=_values(org["shimin"]),
                evidence=[services.Evidence("根拠", url=url)],
            )
        assert "根拠1" in " ".join(err.value.messages)
    assert not Problem.objects.exists()
    assert not EvidenceLink.objects.exists()


def test_declining_needs_a_reason_and_writes_nothing_without_one(org, make_user):
    head = make_user("unit_head")
    problem = make_problem(org["shimin"])
    cm = make_countermeasure(problem, status=Status.CONSIDERING)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as err:
        services.save_countermeasure(
            actor=head,
            problem=problem,
            countermeasure=cm,
            values={
                "description": cm.description,
                "unit": org["shimin"],
                "due_on": None,
                "status": Status.DECLINED,
                "reason": "  ",
            },
        )
    assert err.value.message_dict["reason"] == [
        "「見送り」にするときは、見送りの理由を入力してください。"
    ]
    cm.refresh_from_db()
    assert cm.status == Status.CONSIDERING and cm.closed_at is None
    assert AuditEntry.objects.count() == before


def test_status_changes_are_audited_with_before_and_after_and_close_the_measure(org, make_user):
    head = make_user("unit_head")
    problem = make_problem(org["shimin"])
    values = {"description": "Web会議用のカメラとヘッドセットを各課に配備する",
              "unit": org["shimin"], "due_on": dt.date(2026, 9, 30),
              "status": Status.CONSIDERING, "reason": ""}  # fmt: skip
    cm = services.save_countermeasure(
        actor=head, problem=problem, countermeasure=None, values=values
    )
    assert cm.closed_at is None
    cm = services.save_countermeasure(
        actor=head,
        problem=problem,
        countermeasure=cm,
        values={**values, "status": Status.DECLINED, "reason": "予算措置が見込めないため"},
    )
    assert cm.closed_at is not None
    change = AuditEntry.objects.filter(
        action="update", object_type="problems.countermeasure"
    ).last()
    assert change.changes["status"] == ["considering", "declined"]
    assert change.changes["reason"] == ["", "予算措置が見込めないため"]
    cm = services.save_countermeasure(
        actor=head,
        problem=problem,
        countermeasure=cm,
        values={**values, "status": Status.IN_PROGRESS},
    )
    assert cm.closed_at is None and cm.reason == ""


def test_a_source_reference_must_point_at_something(org, make_user):
    planning = make_user("planning")
    with pytest.raises(ValidationError) as err:
        services.save_problem(
            actor=planning,
            problem=None,
            values=_values(org["shimin"], source_kind="incident", source_id=999),
        )
    assert "参照先が見つかりません" in str(err.value)
    with pytest.raises(ValidationError):
        services.save_problem(
            actor=planning, problem=None, values=_values(org["shimin"], source_kind="survey_group")
        )
    problem = services.save_problem(
        actor=planning,
        problem=None,
        values=_values(
            org["shimin"], source_kind="blocker_category", source_key="vpn", source_label="VPN"
        ),
    )
    assert (problem.source_kind, problem.source_key, problem.source_label) == (
        "blocker_category",
        "vpn",
        "VPN",
    )


def test_fiscal_periods():
    assert quarter(2020, 1) == ReviewPeriod(
        "2020年度 第1四半期", dt.date(2020, 4, 1), dt.date(2020, 6, 30)
    )
    assert quarter(2020, 4).start == dt.date(2021, 1, 1)
    assert quarter(2020, 4).end == dt.date(2021, 3, 31)
    assert half(2020, 2) == ReviewPeriod(
        "2020年度 下半期", dt.date(2020, 10, 1), dt.date(2021, 3, 31)
    )
    assert last_quarter(dt.date(2021, 4, 10)) == quarter(2020, 4)
    assert last_quarter(dt.date(2021, 8, 1)) == quarter(2021, 1)


def test_period_reviews_keep_the_history_of_each_countermeasure(org, make_user):
    planning = make_user("planning")
    problem = make_problem(org["shimin"])
    cm = make_countermeasure(problem, status=Status.CONSIDERING, due_on=dt.date(2020, 9, 30))
    bare = make_problem(org["zeimu"], "押印・紙の決裁が残る")
    old_done = make_countermeasure(
        make_problem(org["zeimu"], "古い課題"),
        status=Status.DONE,
        closed_at=dt.datetime(2019, 5, 1, tzinfo=dt.UTC),
    )
    q1, q2 = quarter(2020, 1), quarter(2020, 2)
    first = services.record_review(
        actor=planning,
        period=q1,
        notes={f"c{cm.pk}": "予算要求を検討中", f"p{bare.pk}": "担当を決める"},
    )
    assert {(r.countermeasure_id, r.problem_id) for r in first} == {
        (cm.pk, problem.pk),
        (None, bare.pk),
    }  # the countermeasure closed long before is not reviewed again
    assert old_done.pk not in {r.countermeasure_id for r in first}
    Countermeasure.objects.filter(pk=cm.pk).update(status=Status.IN_PROGRESS)
    services.record_review(actor=planning, period=q2, notes={f"c{cm.pk}": "契約手続き中"})
    history = list(ProgressReview.objects.filter(countermeasure=cm).order_by("period_start"))
    assert [(r.period_label, r.status, r.note) for r in history] == [
        ("2020年度 第1四半期", "considering", "予算要求を検討中"),
        ("2020年度 第2四半期", "in_progress", "契約手続き中"),
    ]
    # Reviewing Q2 again corrects Q2 only; Q1 stays as it was.
    services.record_review(actor=planning, period=q2, notes={f"c{cm.pk}": "契約済み"})
    assert ProgressReview.objects.filter(countermeasure=cm).count() == 2
    assert (
        ProgressReview.objects.get(countermeasure=cm, period_start=q1.start).note
        == "予算要求を検討中"
    )
    assert ProgressReview.objects.get(countermeasure=cm, period_start=q2.start).note == "契約済み"
    assert AuditEntry.objects.filter(object_type="problems.progressreview").count() >= 4


def test_only_the_planning_unit_records_period_reviews(org, make_user):
    with pytest.raises(PermissionDenied):
        services.record_review(actor=make_user("unit_head"), period=quarter(2020, 1), notes={})
