"""Criteria services: defaults installed once, drafts saved only when valid, publishing
retires the previous version, reviews keep the version they used, all audited."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yakuba.audit.models import AuditEntry
from yakuba.reviews import criteria, decisions, defaults
from yakuba.reviews.models import (
    CriteriaSet,
    CriteriaVersion,
    FrozenVersionError,
    Procedure,
    Review,
    ReviewRound,
    VersionStatus,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner(make_user: Any) -> Any:
    return make_user("planning", username="planner")


def _procedure_set(planner: Any) -> CriteriaVersion:
    criteria.install_default_criteria(actor=planner)
    return CriteriaVersion.objects.get(criteria_set__slug=defaults.PROCEDURE_SET_SLUG)


def test_install_defaults_creates_two_drafts_once_and_audits(planner: Any) -> None:
    created = criteria.install_default_criteria(actor=planner)
    assert [v.criteria_set.slug for v in created] == [
        defaults.PROCEDURE_SET_SLUG,
        defaults.MEETING_SET_SLUG,
    ]
    assert all(v.status == VersionStatus.DRAFT and v.number == 1 for v in created)
    assert created[0].definition == defaults.PROCEDURE_DEFINITION
    assert created[1].criteria_set.applies_to == "meeting"
    entries = AuditEntry.objects.filter(object_type__startswith="reviews.").count()
    assert entries == 4  # two sets, two versions
    # Idempotent: a second call creates nothing and writes no audit entry.
    assert criteria.install_default_criteria(actor=planner) == []
    assert CriteriaVersion.objects.count() == 2
    assert AuditEntry.objects.filter(object_type__startswith="reviews.").count() == entries


@pytest.mark.parametrize("role", ["staff", "unit_head", "hr", "auditor", "sysadmin", "infosec"])
def test_only_the_planning_unit_writes_criteria(make_user: Any, planner: Any, role: str) -> None:
    other = make_user(role)
    with pytest.raises(PermissionDenied):
        criteria.install_default_criteria(actor=other)
    version = _procedure_set(planner)
    with pytest.raises(PermissionDenied):
        criteria.save_draft(actor=other, version=version, definition=version.definition)
    with pytest.raises(PermissionDenied):
        criteria.publish(actor=other, version=version)
    assert set(CriteriaVersion.objects.values_list("status", flat=True)) == {VersionStatus.DRAFT}


def test_invalid_draft_is_refused_and_nothing_written(planner: Any) -> None:
    version = _procedure_set(planner)
    before = AuditEntry.objects.count()
    broken = copy.deepcopy(version.definition)
    seal = broken["tracks"][0]
    # seal_alternative's "no" now loops back to seal_purpose, and seal_keep_law is orphaned.
    seal["questions"][3]["options"][2] = {
        "key": "no",
        "label": "代替できない",
        "next": "seal_purpose",
    }
    seal["questions"][1]["options"][0] = {"key": "yes", "label": "はい", "outcome": "seal_keep"}
    with pytest.raises(ValidationError) as refused:
        criteria.save_draft(actor=planner, version=version, definition=broken, change_note="x")
    messages = refused.value.messages
    assert any("押印は何のために求めていますか" in m and "循環" in m for m in messages)
    assert "結果「存続（法令等による）」には、どの選択肢からもたどり着けません。" in messages
    version.refresh_from_db()
    assert version.definition == defaults.PROCEDURE_DEFINITION
    assert version.change_note != "x"
    assert AuditEntry.objects.count() == before


def test_valid_draft_is_saved_and_audited(planner: Any) -> None:
    version = _procedure_set(planner)
    changed = copy.deepcopy(version.definition)
    changed["tracks"][0]["questions"][0]["help"] = "根拠の条項を必ず書いてください。"
    saved = criteria.save_draft(
        actor=planner, version=version, definition=changed, change_note="説明を追加"
    )
    saved.refresh_from_db()
    assert (
        saved.definition["tracks"][0]["questions"][0]["help"] == "根拠の条項を必ず書いてください。"
    )
    entry = AuditEntry.objects.filter(object_type="reviews.criteriaversion").latest("seq")
    assert entry.action == "update" and entry.changes["change_note"] == "説明を追加"


def test_publish_then_new_version_then_publish_retires_and_reviews_keep_theirs(
    planner: Any, org: dict[str, Any]
) -> None:
    v1 = criteria.publish(actor=planner, version=_procedure_set(planner))
    assert v1.status == VersionStatus.PUBLISHED and v1.published_by == planner
    # A review made with version 1.
    procedure = Procedure.objects.create(
        procedure_id="P-0001", unit=org["shimin"], name="住民票の写しの交付申請", seal="seal"
    )
    review_round = ReviewRound.objects.create(name="令和3年度 見直し", due_on=dt.date(2021, 6, 30))
    review_round.criteria_versions.add(v1)
    review = Review.objects.create(
        round=review_round,
        procedure=procedure,
        unit=org["shimin"],
        criteria_version=v1,
        answers={"seal": {"seal_basis": "form_only", "seal_purpose": "none"}},
    )
    # A published version cannot be edited: a new draft is made from it.
    with pytest.raises(ValidationError):
        criteria.save_draft(actor=planner, version=v1, definition=v1.definition)
    criteria.new_version(actor=planner, criteria_set=v1.criteria_set)
    with pytest.raises(ValidationError):  # one draft at a time
        criteria.new_version(actor=planner, criteria_set=v1.criteria_set)
    v2 = CriteriaVersion.objects.get(criteria_set=v1.criteria_set, number=2)
    assert v2.status == VersionStatus.DRAFT and v2.definition == v1.definition
    changed = copy.deepcopy(v2.definition)
    # Version 2: a form-only seal with no purpose is now "substituted" (a stricter office).
    changed["tracks"][0]["questions"][2]["options"][0]["outcome"] = "seal_substitute"
    criteria.save_draft(actor=planner, version=v2, definition=changed, change_note="方針変更")
    criteria.publish(actor=planner, version=v2)

    v1.refresh_from_db()
    v2.refresh_from_db()
    review.refresh_from_db()
    assert (v1.status, v2.status) == (VersionStatus.RETIRED, VersionStatus.PUBLISHED)
    assert v1.retired_at is not None
    assert review.criteria_version_id == v1.pk
    # The old review still derives its outcome from version 1; version 2 would differ.
    assert (
        decisions.evaluate(review.criteria_version.definition, review.answers)["seal"].outcome
        == "seal_abolish"
    )
    assert decisions.evaluate(v2.definition, review.answers)["seal"].outcome == "seal_substitute"
    assert criteria.published_version(v1.criteria_set) == v2
    # Retired and published versions never change, even through the model.
    v1.definition = changed
    with pytest.raises(FrozenVersionError):
        v1.save()
    with pytest.raises(FrozenVersionError):
        CriteriaVersion.objects.get(pk=v2.pk).delete()


def test_publish_refuses_a_non_draft(planner: Any) -> None:
    v1 = criteria.publish(actor=planner, version=_procedure_set(planner))
    with pytest.raises(ValidationError):
        criteria.publish(actor=planner, version=v1)


def test_discard_draft(planner: Any) -> None:
    v1 = criteria.publish(actor=planner, version=_procedure_set(planner))
    v2 = criteria.new_version(actor=planner, criteria_set=v1.criteria_set)
    criteria.discard_draft(actor=planner, version=v2)
    numbers = CriteriaVersion.objects.filter(criteria_set=v1.criteria_set)
    assert list(numbers.values_list("number", flat=True)) == [1]
    with pytest.raises(ValidationError):
        criteria.discard_draft(actor=planner, version=v1)
    assert AuditEntry.objects.filter(
        action="delete", object_type="reviews.criteriaversion"
    ).exists()


def test_create_and_rename_set(planner: Any) -> None:
    definition = copy.deepcopy(defaults.MEETING_DEFINITION)
    version = criteria.create_set(
        actor=planner,
        slug="meetings-short",
        name="会議の簡易基準",
        applies_to="meeting",
        description="",
        definition=definition,
    )
    assert version.number == 1 and version.criteria_set.name == "会議の簡易基準"
    with pytest.raises(ValidationError):
        criteria.create_set(
            actor=planner,
            slug="meetings-short",
            name="重複",
            applies_to="meeting",
            description="",
            definition=definition,
        )
    with pytest.raises(ValidationError):
        criteria.create_set(
            actor=planner,
            slug="empty",
            name="空",
            applies_to="meeting",
            description="",
            definition={"tracks": []},
        )
    assert not CriteriaSet.objects.filter(slug="empty").exists()
    renamed = criteria.update_set(
        actor=planner, criteria_set=version.criteria_set, values={"name": "会議の基準（簡易）"}
    )
    assert renamed.name == "会議の基準（簡易）"
    with pytest.raises(ValidationError):
        criteria.update_set(actor=planner, criteria_set=renamed, values={"name": " "})
