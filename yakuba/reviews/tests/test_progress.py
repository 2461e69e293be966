"""The dashboard's numbers on fixed data (exact counts, percentages, hours and cost saved),
its scoping by department, the law-blocked list, and a query count that does not grow with
the number of items."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from yakuba.org.models import Unit
from yakuba.reviews import progress, workflow
from yakuba.reviews.models import OutcomeAssumption, Review, ReviewStatus
from yakuba.reviews.tests import workflow_factories as f

pytestmark = pytest.mark.django_db

MINUTES = {
    "seal_abolished": 10,
    "online": 20,
    "no_visit": 30,
    "attachment_omitted": 5,
    "meeting_online": 10,
}


@pytest.fixture
def city(org):
    """市民部 (市民課: A decided with every change, B kept by law, C not started) and 総務部
    (総務課: D signature abolished and implemented, meeting M moved online)."""
    somu_dept = Unit(code="200", name="総務部", name_kana="ソウムブ", kind="department")
    somu_dept.save()
    somu = Unit(code="210", name="総務課", name_kana="ソウムカ", kind="division", parent=somu_dept)
    somu.save()
    for effect, minutes in MINUTES.items():
        OutcomeAssumption.objects.create(effect=effect, minutes_saved_per_case=minutes)
    staff = f.user_in(org["shimin"], "staff", "p-staff")
    head = f.user_in(org["shimin"], "unit_head", "p-head")
    somu_staff = f.user_in(somu, "staff", "p-somu-staff")
    somu_head = f.user_in(somu, "unit_head", "p-somu-head")
    a = f.make_procedure(org["shimin"], "住民票の写しの交付申請", annual_count=1200)
    b = f.make_procedure(
        org["shimin"], "印鑑登録申請", annual_count=300, in_person=False, attachments=""
    )
    f.make_procedure(org["shimin"], "転入届", annual_count=5000)
    d = f.make_procedure(
        somu,
        "公文書開示請求",
        annual_count=50,
        seal="signature",
        paper=False,
        in_person=False,
        attachments="",
        online="full",
    )
    m = f.make_series(somu, somu_head, "総務課定例会議")
    review_round = f.open_round(meetings=True)
    f.decide(
        f.review_of(review_round, a),
        {
            "seal": "seal_abolish",
            "paper": "paper_online",
            "visit": "visit_none",
            "attachments": "attach_omit",
        },
        answerer=staff,
        head=head,
    )
    f.decide(
        f.review_of(review_round, b),
        {"seal": "seal_keep_law", "paper": "paper_keep"},
        answerer=staff,
        head=head,
    )
    done = f.decide(
        f.review_of(review_round, d), {"seal": "seal_abolish"}, answerer=somu_staff, head=somu_head
    )
    workflow.mark_implemented(actor=somu_staff, review=done, on=timezone.localdate())
    f.decide(
        f.review_of(review_round, m),
        {
            "necessity": "mtg_keep",
            "participants": "mtg_participants_ok",
            "method": "mtg_online_all",
            "time": "mtg_time_ok",
        },
        answerer=somu_staff,
        head=somu_head,
    )
    return {"round": review_round, "shimin_dept": org["dept"], "somu_dept": somu_dept, "head": head}


def test_dashboard_numbers_on_fixed_data(city) -> None:
    board = progress.round_dashboard(city["round"], departments=None, today=timezone.localdate())
    rows = {r.name: r for r in board.rows}
    shimin, somu, total = rows["市民部"], rows["総務部"], board.total
    assert (shimin.items, shimin.reviewed, shimin.statuses[ReviewStatus.NOT_STARTED]) == (3, 2, 1)
    assert (somu.items, somu.reviewed, somu.statuses[ReviewStatus.IMPLEMENTED]) == (2, 2, 1)
    assert (total.items, total.reviewed, total.reviewed_percent) == (5, 4, 80.0)
    # Seals: 市民部 1 of 2 decided sealed procedures abolished; 総務部 1 of 1 (a signature).
    assert (shimin.seal_abolished_percent, somu.seal_abolished_percent) == (50.0, 100.0)
    assert total.seal_abolished_percent == 66.7
    assert (total.effects["online"], total.in_person_removed) == (1, 1)
    assert total.effects["attachment_omitted"] == 1 and total.blocked == 1
    assert total.effects["meeting_online"] == 1
    # Hours: A 1200 × (10 + 20 + 30 + 5) min = 1300 h; D 50 × 10 min = 8.3 h;
    # M 24 meetings × 10 people × 10 min = 40 h, cost 720,000 × 10/60 = 120,000 yen.
    assert shimin.procedure_hours == 1300.0
    assert (somu.procedure_hours, somu.meeting_hours, somu.meeting_cost_yen) == (8.3, 40.0, 120000)
    assert total.hours_saved == 1348.3
    assert {a.effect: a.minutes for a in board.assumptions} == MINUTES


def test_a_unit_head_sees_their_own_department(client, city) -> None:
    page = verified_client(client, city["head"]).get(reverse("reviews:dashboard"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "市民部" in text and "総務部" not in text
    assert "1300.0" in text


def test_the_law_blocked_list_names_the_article(city) -> None:
    lines = progress.blocked_lines(Review.objects.all())
    assert [(b.item, b.track, b.legal_article) for b in lines] == [
        ("印鑑登録申請", "押印", "地方自治法第1条")
    ]


def test_the_effect_selector_for_the_evidence_report(city) -> None:
    today = timezone.localdate()
    effect = progress.effect_summary(start=today, end=today)
    assert (effect.reviewed, effect.seal_abolished, effect.sealed_reviewed) == (4, 2, 3)
    assert effect.hours_saved == 1348.3 and effect.meeting_cost_yen == 120000
    somu_only = progress.effect_summary(start=today, end=today, unit_ids=[city["somu_dept"].pk])
    assert (somu_only.reviewed, somu_only.hours_saved) == (2, 48.3)


def _grow(org, review_round, n: int) -> None:
    """``n`` more decided items (with their tracks) in 市民課, written in bulk."""
    from yakuba.reviews.models import Procedure, ReviewTrack

    version = review_round.criteria_versions.get(criteria_set__applies_to="procedure")
    start = Procedure.objects.count()
    procs = Procedure.objects.bulk_create(
        Procedure(
            procedure_id=f"G{start + i:06d}",
            unit=org["shimin"],
            department=org["dept"],
            name=f"手続{i}",
            seal="seal",
            annual_count=10,
        )
        for i in range(n)
    )
    reviews = Review.objects.bulk_create(
        Review(
            round=review_round,
            procedure=p,
            unit=org["shimin"],
            department=org["dept"],
            criteria_version=version,
            status=ReviewStatus.DECIDED,
            decided_at=timezone.now(),
        )
        for p in procs
    )
    ReviewTrack.objects.bulk_create(
        ReviewTrack(
            review=r,
            track="seal",
            proposed="seal_abolish",
            outcome="seal_abolish",
            effect="seal_abolished",
        )
        for r in reviews
    )


def test_the_dashboard_query_count_does_not_grow_with_items(client, org, city) -> None:
    planner = verified_client(client, f.planner())
    url = reverse("reviews:dashboard") + f"?round={city['round'].pk}"
    planner.get(url)  # warm up (session, caches)
    counts = []
    for extra in (0, 60, 240):
        _grow(org, city["round"], extra)
        with CaptureQueriesContext(connection) as ctx:
            response = planner.get(url)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == counts[2], counts
    board = progress.round_dashboard(city["round"], departments=None, today=timezone.localdate())
    assert board.total.items == 5 + 300


def test_the_evidence_report_section_reads_the_effect(city) -> None:
    from yakuba.evaluation import sections
    from yakuba.evaluation.sections import Period, ReportRequest

    section = next(s for s in sections.registered() if s.code == "reviews")
    today = timezone.localdate()
    result = section.compute(ReportRequest(period=Period(today, today)))
    figures = {f.key: f.value for f in result.figures}
    assert figures["reviews_decided"] == 4 and figures["reviews_seal_abolished"] == 66.7
    assert figures["reviews_hours"] == 1348.3 and figures["reviews_meeting_cost"] == 120000
    assert [row[0] for row in result.tables[0].rows] == ["市民部", "総務部"]
    long_ago = today.replace(year=today.year - 5)
    assert not section.compute(ReportRequest(period=Period(long_ago, long_ago))).has_data


def test_the_home_panel_counts_what_waits(client, org, city) -> None:
    from yakuba.reviews.panel import panel

    class Request:
        user = f.user_in(org["shimin"], "staff", "p-staff")

    shown = panel(Request())  # type: ignore[arg-type]
    assert shown is not None and shown["to_answer"] == 1  # 転入届, not started
    head = verified_client(client, city["head"])
    assert "手続・会議の見直し" in head.get(reverse("core:home")).content.decode()
