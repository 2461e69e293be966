"""The workflow through its pages: the answer form reveals the next question (htmx),
saving derives the outcome, an override needs a reason, submitting tells the head, who
approves from the worklist; another unit's staff get 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import verified_client
from yakuba.notifications.models import Notice
from yakuba.reviews.models import Review, ReviewStatus, ReviewTrack
from yakuba.reviews.tests import workflow_factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(org):
    proc = f.make_procedure(
        org["shimin"], seal="seal", paper=False, in_person=False, attachments=""
    )
    review_round = f.open_round()
    return f.review_of(review_round, proc)


def test_the_form_reveals_the_next_question_and_saving_derives(client, org, item) -> None:
    staff = verified_client(client, f.user_in(org["madoguchi"], "staff", "v-staff"))
    page = staff.get(reverse("reviews:review_detail", args=[item.pk])).content.decode()
    assert "押印（署名）を求める根拠は何ですか" in page
    assert "押印は何のために求めていますか" not in page  # not yet on the path
    partial = staff.get(
        reverse("reviews:review_track", args=[item.pk]),
        {"track": "seal", "seal__seal_basis": "form_only"},
    ).content.decode()
    assert "押印は何のために求めていますか" in partial
    assert item.status == ReviewStatus.NOT_STARTED  # nothing saved by the partial
    response = staff.post(
        reverse("reviews:review_answer", args=[item.pk]),
        {"seal__seal_basis": "form_only", "seal__seal_purpose": "none"},
    )
    assert response.status_code == 302
    track = ReviewTrack.objects.get(review=item, track="seal")
    assert track.outcome == "seal_abolish"
    # An override without a reason is refused with the message, nothing changed.
    refused = staff.post(
        reverse("reviews:review_override", args=[item.pk]),
        {"track": "seal", "outcome": "seal_keep", "reason": ""},
    )
    assert refused.status_code == 400
    assert "理由を入力してください" in refused.content.decode()
    assert ReviewTrack.objects.get(review=item, track="seal").outcome == "seal_abolish"
    # Submit from the form: the head is told.
    staff.post(
        reverse("reviews:review_answer", args=[item.pk]),
        {"seal__seal_basis": "form_only", "seal__seal_purpose": "none", "submit": "1"},
    )
    assert Review.objects.get(pk=item.pk).status == ReviewStatus.SUBMITTED


def test_the_head_approves_from_the_worklist(client, org, item) -> None:
    staff = f.user_in(org["shimin"], "staff", "v-staff2")
    head_user = f.user_in(org["shimin"], "unit_head", "v-head")
    from yakuba.reviews import workflow

    workflow.save_answers(
        actor=staff,
        review=item,
        answers=f.route_answers(item.criteria_version, {"seal": "seal_abolish"}),
    )
    workflow.submit(actor=staff, review=item)
    notice = Notice.objects.get(recipient=head_user)
    head = verified_client(client, head_user)
    listing = head.get(notice.url).content.decode()
    assert reverse("reviews:review_detail", args=[item.pk]) in listing
    detail = head.get(reverse("reviews:review_detail", args=[item.pk])).content.decode()
    assert "承認する" in detail
    head.post(reverse("reviews:review_decide", args=[item.pk]), {"decision": "approve"})
    assert Review.objects.get(pk=item.pk).status == ReviewStatus.DECIDED


def test_another_units_staff_get_404(client, org, item) -> None:
    other = verified_client(client, f.user_in(org["zeimu"], "staff", "v-zeimu"))
    assert other.get(reverse("reviews:review_detail", args=[item.pk])).status_code == 404
    assert other.post(reverse("reviews:review_answer", args=[item.pk]), {}).status_code == 404
    assert "住民票" not in other.get(reverse("reviews:worklist")).content.decode()


def test_planning_opens_a_round_from_the_form(client, org) -> None:
    f.make_procedure(org["shimin"])
    proc, _meet = f.published_criteria()
    planner = verified_client(client, f.planner())
    bad = planner.post(reverse("reviews:round_create"), {"name": "", "due_on": "2099-01-01"})
    assert bad.status_code == 400
    response = planner.post(
        reverse("reviews:round_create"),
        {
            "name": "令和3年度 見直し",
            "due_on": "2099-03-31",
            "criteria_versions": [proc.pk],
            "include_procedures": "on",
        },
    )
    assert response.status_code == 302
    assert Review.objects.filter(round__name="令和3年度 見直し").count() == 1
