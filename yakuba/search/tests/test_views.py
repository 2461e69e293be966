from __future__ import annotations

import pytest
from django.urls import reverse

from yakuba.search import services
from yakuba.search.models import Visibility
from yakuba.search.tests.conftest import ITEMS, Item

pytestmark = pytest.mark.django_db
URL = reverse("search:results")


def test_anonymous_is_sent_to_sign_in(client, corpus):
    response = client.get(URL, {"q": "在宅"})
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_results_are_highlighted_escaped_and_scoped(client_for, corpus, org):
    ITEMS.append(
        Item(
            60,
            "<script>alert(1)</script> 在宅の秘密",
            visibility=Visibility.UNIT,
            unit_id=org["zeimu"].pk,
        )
    )
    ITEMS.append(Item(61, "<img src=x onerror=alert(1)>在宅のメモ"))
    for item in ITEMS[-2:]:
        services.index(item)
    client = client_for("staff")  # in 市民課
    page = client.get(URL, {"q": "在宅"}).content.decode()
    assert "<mark>在宅</mark>" in page
    assert "3 件見つかりました" in page  # 1, 6 and 61 — not 税務課's 60
    assert "秘密" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;<mark>在宅</mark>のメモ" in page
    assert "<img src=x" not in page


def test_filters_paging_and_hostile_input(client_for, corpus):
    client = client_for("staff")
    for params in [
        {"q": "%_%"},
        {"q": "x" * 10_000},
        {"q": "在宅", "page": "x"},
        {"q": "在宅", "unit": "abc"},
        {"q": "在宅", "page": "999999999999"},
        {"q": "在宅", "tag": "%" * 500},
        {},
    ]:
        assert client.get(URL, params).status_code == 200
    page = client.get(URL, {"q": "%%"}).content.decode()
    assert "検索できる文字" in page
    assert "VPN 接続" in client.get(URL, {"q": "ｖｐｎ", "tag": "VPN 接続"}).content.decode()
    ITEMS[:] = [Item(200 + i, f"印刷の質問 {i}") for i in range(12)]
    for item in ITEMS:
        services.index(item)
    second = client.get(URL, {"q": "印刷", "page": 2}).content.decode()
    assert "2 / 2 ページ" in second and "前へ" in second


def test_every_page_has_the_search_box_for_signed_in_staff(client, client_for):
    home = client_for("staff").get(reverse("core:home")).content.decode()
    assert 'role="search"' in home and f'action="{URL}"' in home
    assert 'id="header-search-q" name="q"' in home
    sign_in = client.get(reverse("accounts:login")).content.decode()
    assert 'id="header-search-q"' not in sign_in  # nothing to search before signing in
