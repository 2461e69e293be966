"""The models' own rules: exactly one item per review, one review per item and round,
one draft and one published version per set, the department of a unit, an item's facts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from yakuba.reviews.models import (
    CriteriaSet,
    CriteriaVersion,
    FrozenVersionError,
    MeetingSeries,
    OnlineAvailability,
    Procedure,
    Review,
    ReviewRound,
    ReviewTrack,
    department_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(org: dict[str, Any], make_user: Any) -> dict[str, Any]:
    criteria_set = CriteriaSet.objects.create(slug="p", name="手続の基準", applies_to="procedure")
    version = CriteriaVersion.objects.create(
        criteria_set=criteria_set, number=1, status="published", definition={"tracks": []}
    )
    procedure = Procedure.objects.create(
        procedure_id="SMN-0001", unit=org["madoguchi"], name="住民票の写しの交付申請"
    )
    organiser = make_user("staff")
    series = MeetingSeries.objects.create(
        key="課内会議|1", title="課内会議", organiser=organiser, unit=org["shimin"]
    )
    review_round = ReviewRound.objects.create(name="令和3年度", due_on=dt.date(2021, 9, 30))
    return {
        "set": criteria_set,
        "version": version,
        "procedure": procedure,
        "series": series,
        "round": review_round,
        "unit": org["shimin"],
    }


def _review(s: dict[str, Any], **items: Any) -> Review:
    return Review.objects.create(
        round=s["round"], unit=s["unit"], criteria_version=s["version"], **items
    )


def test_a_review_is_of_exactly_one_item(setup: dict[str, Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        _review(setup)
    with pytest.raises(IntegrityError), transaction.atomic():
        _review(setup, procedure=setup["procedure"], meeting_series=setup["series"])
    assert _review(setup, procedure=setup["procedure"]).item == setup["procedure"]
    assert _review(setup, meeting_series=setup["series"]).item == setup["series"]


def test_one_review_per_item_and_round(setup: dict[str, Any]) -> None:
    _review(setup, procedure=setup["procedure"])
    with pytest.raises(IntegrityError), transaction.atomic():
        _review(setup, procedure=setup["procedure"])
    _review(setup, meeting_series=setup["series"])
    with pytest.raises(IntegrityError), transaction.atomic():
        _review(setup, meeting_series=setup["series"])


def test_one_track_row_per_review_and_track(setup: dict[str, Any]) -> None:
    review = _review(setup, procedure=setup["procedure"])
    ReviewTrack.objects.create(review=review, track="seal", proposed="a", outcome="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewTrack.objects.create(review=review, track="seal")
    overridden = ReviewTrack.objects.create(review=review, track="paper", proposed="a", outcome="b")
    assert overridden.overridden and not review.tracks.get(track="seal").overridden


def test_one_published_and_one_draft_per_set(setup: dict[str, Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        CriteriaVersion.objects.create(criteria_set=setup["set"], number=2, status="published")
    CriteriaVersion.objects.create(criteria_set=setup["set"], number=2, status="draft")
    with pytest.raises(IntegrityError), transaction.atomic():
        CriteriaVersion.objects.create(criteria_set=setup["set"], number=3, status="draft")
    with pytest.raises(IntegrityError), transaction.atomic():
        CriteriaVersion.objects.create(criteria_set=setup["set"], number=1, status="retired")


def test_a_used_version_cannot_be_deleted_or_changed(setup: dict[str, Any]) -> None:
    _review(setup, procedure=setup["procedure"])
    version = setup["version"]
    with pytest.raises(FrozenVersionError):
        version.delete()
    version.definition = {"tracks": [{"key": "x"}]}
    with pytest.raises(FrozenVersionError):
        version.save()
    # Its status may still change (publishing a successor retires it).
    version.refresh_from_db()
    version.status = "retired"
    version.save()


def test_department_of(org: dict[str, Any]) -> None:
    assert department_of(org["madoguchi"]) == org["dept"]
    assert department_of(org["shimin"]) == org["dept"]
    assert department_of(org["dept"]) == org["dept"]
    assert department_of(None) is None


def test_procedure_facts(setup: dict[str, Any]) -> None:
    procedure = setup["procedure"]
    assert procedure.facts() == {
        "seal": False,
        "paper": True,
        "in_person": False,
        "attachments": False,
    }
    procedure.seal = "seal"
    procedure.in_person = True
    procedure.attachments = "本人確認書類の写し"
    procedure.online = OnlineAvailability.FULL
    assert procedure.facts() == {
        "seal": True,
        "paper": False,  # already fully online: nothing left to review on paper
        "in_person": True,
        "attachments": True,
    }
