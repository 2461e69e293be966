from __future__ import annotations

from typing import Any

import pytest

from yakuba.policies.tests import factories


@pytest.fixture
def cycle(org: dict[str, Any], make_user: Any) -> dict[str, Any]:
    """S27 of 市民課 for 令和2年度: three comments under two headings, the head of 市民課,
    the head of 税務課 (another unit) and a planning user."""
    policy = factories.make_policy(org["shimin"])
    year = factories.make_year(policy, 2020)
    comments = [
        factories.add_comment(year, "在宅勤務で分かった課題と対応策を示してほしい。"),
        factories.add_comment(year, "Web会議の運用ルールを検討してほしい。"),
        factories.add_comment(
            year, "対象者の条件や効果を十分点検・評価してほしい。", factories.ISSUES
        ),
    ]
    return {
        "policy": policy,
        "year": year,
        "comments": comments,
        "planner": factories.planner(),
        "head": make_user("unit_head", username="head-shimin"),
        "other_head": make_user("unit_head", unit_key="zeimu", username="head-zeimu"),
    }
