"""Criteria objects for the authorization matrix and the reviews tests."""

from __future__ import annotations

from typing import Any

from yakuba.reviews import criteria
from yakuba.reviews.defaults import MEETING_SET_SLUG, PROCEDURE_SET_SLUG
from yakuba.reviews.models import CriteriaVersion


def criteria_planner(username: str = "criteria-planner") -> Any:
    from yakuba.accounts.models import User

    user = User.objects.filter(username=username).first()
    return user or User.objects.create_user(username, password=None, role="planning")


def published_defaults() -> dict[str, CriteriaVersion]:
    """The default sets installed and published (version 1 of each), once."""
    actor = criteria_planner()
    criteria.install_default_criteria(actor=actor)
    versions = {}
    for slug in (PROCEDURE_SET_SLUG, MEETING_SET_SLUG):
        version = CriteriaVersion.objects.filter(criteria_set__slug=slug).order_by("number").first()
        assert version is not None
        if version.status == "draft":
            version = criteria.publish(actor=actor, version=version)
        versions[slug] = version
    return versions


def matrix_objects(objs: dict[str, Any]) -> dict[str, Any]:
    """The procedure criteria published (version 1) with a draft version 2 being edited."""
    if "review_criteria" in objs:
        return objs["review_criteria"]
    published = published_defaults()[PROCEDURE_SET_SLUG]
    draft = criteria.new_version(actor=criteria_planner(), criteria_set=published.criteria_set)
    objs["review_criteria"] = {
        "set": published.criteria_set,
        "published": published,
        "draft": draft,
    }
    return objs["review_criteria"]
