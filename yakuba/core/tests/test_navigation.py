"""The menu marks one current item: the one whose address is the longest prefix."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from yakuba.core.context_processors import navigation

pytestmark = pytest.mark.django_db


def current_labels(user, path: str) -> list[str]:
    request = RequestFactory().get(path)
    request.user = user
    menus = navigation(request)
    return [str(i["label"]) for i in menus["nav_items"] + menus["admin_nav_items"] if i["current"]]


def test_a_page_under_a_section_marks_only_its_own_item(make_user) -> None:
    infosec = make_user("infosec")
    assert current_labels(infosec, "/security/drills/") == ["訓練メール"]
    assert current_labels(infosec, "/security/") == ["セキュリティ"]
    assert current_labels(infosec, "/security/unknown/") == ["セキュリティ"]


def test_home_is_current_only_on_the_home_page(make_user) -> None:
    staff = make_user("staff")
    assert current_labels(staff, "/") == ["ホーム"]
    assert "ホーム" not in current_labels(staff, "/reports/")
