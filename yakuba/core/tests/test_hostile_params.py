"""No 500 anywhere: every URL in the URL conf, as each role that may open it (and one that
may not), with every query parameter it reads set to hostile values (see `hostile.py`)."""

from __future__ import annotations

import pytest

from yakuba.core.hostile import CrawlResult, crawl
from yakuba.core.tests.test_authorization_matrix import ALL, MATRIX, objects  # noqa: F401

GET_URLS = sorted(name for name, rule in MATRIX.items() if rule.method == "get")


@pytest.mark.django_db
@pytest.mark.parametrize("name", GET_URLS)
def test_no_500_on_hostile_query_parameters(
    name: str,
    objects,  # noqa: F811
    make_user,
    client_factory,
) -> None:
    from conftest import verified_client

    rule = MATRIX[name]
    url = rule.url(name, objects)
    roles = [r for r in ALL if r in rule.allowed] or ["staff"]
    denied = [r for r in ALL if r not in rule.allowed and r != "anonymous" and r not in roles]
    result = CrawlResult()
    for role in roles + denied[:1]:
        client = client_factory()
        if role != "anonymous":
            verified_client(client, make_user(role, username=f"fuzz-{role}"))
        client.raise_request_exception = False
        crawl(url, client, result, label=role)
    assert not result.failures, "\n".join(result.failures[:20])


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["q=a%00b", "q=%01", "page=1&q=%1b%5B31m", "a%00=1", "q=%7F"])
def test_control_characters_in_a_query_string_are_refused(client, make_user, query) -> None:
    from conftest import verified_client

    head = verified_client(client, make_user("unit_head"))
    response = head.get(f"/org/staff/?{query}")
    assert response.status_code == 400
    assert "制御文字" in response.content.decode()
    assert head.get("/org/staff/?q=%E5%B1%B1%E7%94%B0%09x").status_code == 200  # a tab is fine


@pytest.mark.django_db
def test_control_characters_in_a_form_are_refused_and_nothing_is_stored(client, make_user) -> None:
    from conftest import verified_client
    from yakuba.org.models import Skill

    admin = verified_client(client, make_user("sysadmin"))
    response = admin.post("/org/skills/", {"code": "x", "name": "住民票\x00"})
    assert response.status_code == 400
    assert not Skill.objects.filter(code="x").exists()
