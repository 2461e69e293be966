"""The review workflow through its services: a round is opened in bulk; the owning unit
answers, the outcome is derived, an override needs a reason; submit → approve or send
back; the planning unit sends a decided item back; implemented. Who may and who may not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from yakuba.audit.models import AuditEntry
from yakuba.notifications.models import Notice
from yakuba.reviews import workflow
from yakuba.reviews.models import ChangeTask, Review, ReviewStatus, ReviewTrack
from yakuba.reviews.tests import workflow_factories as f

pytestmark = pytest.mark.django_db

ALL_GOOD = {
    "seal": "seal_abolish",
    "paper": "paper_online",
    "visit": "visit_none",
    "attachments": "attach_omit",
}


@pytest.fixture
def people(org):
    return {
        "staff": f.user_in(org["madoguchi"], "staff", "rv-staff"),  # 窓口係, below 市民課
        "head": f.user_in(org["shimin"], "unit_head", "rv-head"),
        "other_staff": f.user_in(org["zeimu"], "staff", "rv-zeimu-staff"),
        "other_head": f.user_in(org["zeimu"], "unit_head", "rv-zeimu-head"),
        "auditor": f.user_in(org["dept"], "auditor", "rv-auditor"),
        "planner": f.planner(),
    }


@pytest.fixture
def setup(org, people):
    proc = f.make_procedure(org["shimin"])
    f.make_procedure(org["zeimu"], "市県民税の証明書の交付申請")
    f.make_procedure(org["shimin"], "廃止された手続", active=False)
    review_round = f.open_round()
    return {"round": review_round, "review": f.review_of(review_round, proc), "proc": proc}


def test_opening_a_round_creates_one_review_per_active_item_audited_once(org, setup) -> None:
    reviews = Review.objects.filter(round=setup["round"])
    assert reviews.count() == 2  # the inactive procedure is left out
    assert {r.unit for r in reviews} == {org["shimin"], org["zeimu"]}
    assert {r.department for r in reviews} == {org["dept"]}
    assert set(reviews.values_list("status", flat=True)) == {ReviewStatus.NOT_STARTED}
    entries = AuditEntry.objects.filter(object_type="reviews.reviewround")
    assert entries.count() == 1
    assert entries.get().changes["reviews_created"] == 2


def test_a_round_needs_a_published_criteria_version_of_the_right_kind(people) -> None:
    proc, meet = f.published_criteria()
    with pytest.raises(ValidationError, match="手続の基準を選んでください"):
        workflow.open_round(
            actor=people["planner"],
            data=workflow.RoundInput(
                name="x", due_on=timezone.localdate(), criteria_versions=[meet]
            ),
        )
    with pytest.raises(PermissionDenied):
        workflow.open_round(
            actor=people["head"],
            data=workflow.RoundInput(
                name="x", due_on=timezone.localdate(), criteria_versions=[proc]
            ),
        )


def test_answer_derive_override_submit_approve(people, setup) -> None:
    review, staff, head = setup["review"], people["staff"], people["head"]
    answers = f.route_answers(review.criteria_version, ALL_GOOD)
    # Only the seal track answered: derived, the others still open.
    workflow.save_answers(actor=staff, review=review, answers={"seal": answers["seal"]})
    review.refresh_from_db()
    assert review.status == ReviewStatus.ANSWERING
    seal = ReviewTrack.objects.get(review=review, track="seal")
    assert (seal.proposed, seal.outcome, seal.effect) == (
        "seal_abolish",
        "seal_abolish",
        "seal_abolished",
    )
    with pytest.raises(ValidationError, match="まだ結果の出ていない観点"):
        workflow.submit(actor=staff, review=review)

    workflow.save_answers(actor=staff, review=review, answers=answers, note="全庁方針に従う")
    assert ReviewTrack.objects.filter(review=review).exclude(outcome="").count() == 4

    # An override needs a written reason; with one it is kept and audited with it.
    with pytest.raises(ValidationError, match="理由を入力してください"):
        workflow.override_outcome(
            actor=staff, review=review, track_key="visit", outcome_key="visit_keep", reason=" "
        )
    workflow.override_outcome(
        actor=staff,
        review=review,
        track_key="visit",
        outcome_key="visit_keep",
        reason="高齢の方の相談を窓口で受けるため",
    )
    visit = ReviewTrack.objects.get(review=review, track="visit")
    assert (visit.proposed, visit.outcome, visit.effect) == ("visit_none", "visit_keep", "kept")
    assert visit.overridden and visit.override_reason == "高齢の方の相談を窓口で受けるため"
    entry = AuditEntry.objects.filter(object_type="reviews.review").order_by("-seq").first()
    assert entry.changes["override"]["after"]["reason"] == "高齢の方の相談を窓口で受けるため"
    # Saving the answers again keeps the override.
    workflow.save_answers(actor=staff, review=review, answers=answers)
    assert ReviewTrack.objects.get(review=review, track="visit").outcome == "visit_keep"

    workflow.submit(actor=staff, review=review)
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED
    with pytest.raises(ValidationError):  # waiting for approval: no change
        workflow.save_answers(actor=staff, review=review, answers=answers)
    with pytest.raises(PermissionDenied):  # staff do not approve
        workflow.approve(actor=staff, review=review)
    with pytest.raises(Http404):  # another unit's head: outside their scope
        workflow.approve(actor=people["other_head"], review=review)
    workflow.approve(actor=head, review=review)
    review.refresh_from_db()
    assert review.status == ReviewStatus.DECIDED and review.decided_by == head
    kinds = set(ChangeTask.objects.filter(review=review).values_list("kind", flat=True))
    assert {"form", "system", "website"} <= kinds  # seal abolished, online
    assert all(t.unit_id == review.unit_id for t in ChangeTask.objects.filter(review=review))


def test_the_head_sends_back_with_a_comment_and_the_unit_is_told_once(people, setup) -> None:
    review, staff, head = setup["review"], people["staff"], people["head"]
    workflow.save_answers(
        actor=staff, review=review, answers=f.route_answers(review.criteria_version, ALL_GOOD)
    )
    workflow.submit(actor=staff, review=review)
    with pytest.raises(ValidationError, match="差し戻す理由"):
        workflow.send_back(actor=head, review=review, comment="")
    workflow.send_back(actor=head, review=review, comment="添付書類の確認方法を書いてください。")
    review.refresh_from_db()
    assert review.status == ReviewStatus.ANSWERING
    assert review.return_note == "添付書類の確認方法を書いてください。"
    assert Notice.objects.filter(recipient=staff, subject__contains="差し戻されました").count() == 1
    # Submitted and sent back again before the first notice was read: still one unread.
    workflow.submit(actor=staff, review=review)
    workflow.send_back(actor=head, review=review, comment="もう一度確認してください。")
    assert (
        Notice.objects.filter(recipient=staff, read_at__isnull=True)
        .filter(subject__contains="差し戻されました")
        .count()
        == 1
    )


def test_the_head_is_told_once_while_the_notice_is_unread(org, people, setup) -> None:
    second = Review.objects.create(
        round=setup["round"],
        procedure=f.make_procedure(org["shimin"], "印鑑登録"),
        unit=org["shimin"],
        department=org["dept"],
        criteria_version=setup["review"].criteria_version,
    )
    for review in (setup["review"], second):
        workflow.save_answers(
            actor=people["staff"],
            review=review,
            answers=f.route_answers(review.criteria_version, ALL_GOOD),
        )
        workflow.submit(actor=people["staff"], review=review)
    notices = Notice.objects.filter(recipient=people["head"], subject__contains="承認待ち")
    assert notices.count() == 1
    notices.update(read_at=timezone.now())
    assert workflow.notify_approvers(org["shimin"]) == 1


def test_planning_sends_back_a_decided_item_and_the_unit_marks_implemented(people, setup) -> None:
    review = f.decide(setup["review"], ALL_GOOD, answerer=people["staff"], head=people["head"])
    with pytest.raises(PermissionDenied):  # the head may not send back a decided item
        workflow.send_back(actor=people["head"], review=review, comment="再検討")
    workflow.send_back(
        actor=people["planner"], review=review, comment="来庁の扱いを再検討してください。"
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.ANSWERING
    workflow.submit(actor=people["staff"], review=review)
    workflow.approve(actor=people["head"], review=review)
    review.refresh_from_db()
    with pytest.raises(ValidationError, match="決定した日以降"):
        workflow.mark_implemented(
            actor=people["staff"], review=review, on=timezone.localdate() - dt.timedelta(days=1)
        )
    workflow.mark_implemented(actor=people["staff"], review=review, on=timezone.localdate())
    review.refresh_from_db()
    assert (
        review.status == ReviewStatus.IMPLEMENTED and review.implemented_on == timezone.localdate()
    )


def test_who_may_answer(people, setup) -> None:
    review = setup["review"]
    answers = f.route_answers(review.criteria_version, ALL_GOOD)
    with pytest.raises(Http404):  # another unit's staff
        workflow.save_answers(actor=people["other_staff"], review=review, answers=answers)
    with pytest.raises(PermissionDenied):  # the auditor reads, changes nothing
        workflow.save_answers(actor=people["auditor"], review=review, answers=answers)
    # The head of the owning unit may answer too.
    workflow.save_answers(actor=people["head"], review=review, answers=answers)
    assert Review.objects.get(pk=review.pk).status == ReviewStatus.ANSWERING


def test_an_option_that_demands_the_article_is_refused_without_it(people, setup) -> None:
    review = setup["review"]
    with pytest.raises(ValidationError, match="根拠となる法令・条例の条項"):
        workflow.save_answers(
            actor=people["staff"],
            review=review,
            answers={"seal": {"seal_basis": workflow.AnswerInput(option="law")}},
        )
    assert Review.objects.get(pk=review.pk).status == ReviewStatus.NOT_STARTED
    assert not ReviewTrack.objects.filter(review=review).exists()
    with pytest.raises(ValidationError, match="選択肢を選び直して"):
        workflow.save_answers(
            actor=people["staff"],
            review=review,
            answers={"seal": {"seal_basis": workflow.AnswerInput(option="nonsense")}},
        )


def test_old_reviews_keep_their_criteria_version(people, setup) -> None:
    from yakuba.reviews import criteria

    review = setup["review"]
    old = review.criteria_version
    draft = criteria.new_version(actor=people["planner"], criteria_set=old.criteria_set)
    criteria.publish(actor=people["planner"], version=draft)
    review.refresh_from_db()
    assert review.criteria_version == old
    workflow.save_answers(
        actor=people["staff"], review=review, answers=f.route_answers(old, ALL_GOOD)
    )
    assert ReviewTrack.objects.filter(review=review).count() == 4
