"""Error pages are the product's own and carry the same security headers as every page;
responses to signed-in people are never stored in a cache."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from conftest import verified_client
from yakuba.core import errors

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def assert_security_headers(response) -> None:
    for header, value in SECURITY_HEADERS.items():
        assert response.get(header) == value, header
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp


def assert_no_store(response) -> None:
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_tests_run_as_production() -> None:
    assert settings.DEBUG is False


@pytest.mark.django_db
def test_a_bad_host_gets_the_products_400_with_the_security_headers(
    client, django_assert_num_queries
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "リクエストを処理できません" in html and 'lang="ja"' in html
    assert "Bad Request (400)" not in html
    assert_security_headers(response)


@pytest.mark.django_db
def test_a_bad_host_on_a_post_and_in_english(client) -> None:
    response = client.post(
        reverse("accounts:login"),
        {"username": "x", "password": "y"},
        HTTP_HOST="attacker.example",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert 'lang="en"' in response.content.decode()
    assert "リクエスト" not in response.content.decode()
    assert_security_headers(response)


@pytest.mark.urls("yakuba.core.tests.urls_failing")
def test_a_failing_view_gets_the_products_500_page_with_headers(make_user) -> None:
    anonymous = Client(raise_request_exception=False)
    response = anonymous.get("/test-failure/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "システムで問題が発生しました" in html
    assert "secret detail" not in html and "Traceback" not in html
    assert "Server Error (500)" not in html
    assert_security_headers(response)

    signed_in = verified_client(Client(raise_request_exception=False), make_user("staff"))
    response = signed_in.get("/test-failure/")
    assert response.status_code == 500
    assert "システムで問題が発生しました" in response.content.decode()
    assert_security_headers(response)
    assert_no_store(response)


@pytest.mark.django_db
def test_the_500_page_needs_neither_the_request_nor_the_database(
    rf, django_assert_num_queries
) -> None:
    request = rf.get("/anywhere/")  # no user, no session: the failure may be before them
    with django_assert_num_queries(0):
        response = errors.server_error(request)
    assert response.status_code == 500
    assert "システムで問題が発生しました" in response.content.decode()
    assert errors.server_error(rf.get("/api/v1/staff")).content == (
        b'{"detail": "Internal Server Error"}'
    )


def test_403_and_404_pages_carry_the_headers_and_are_not_stored(client, make_user) -> None:
    staff = verified_client(client, make_user("staff"))
    forbidden = staff.get(reverse("audit:entry_list"))
    assert forbidden.status_code == 403
    assert "権限がありません" in forbidden.content.decode()
    assert_security_headers(forbidden)
    assert_no_store(forbidden)
    missing = staff.get("/no-such-page/")
    assert missing.status_code == 404
    assert "ページが見つかりません" in missing.content.decode()
    assert_security_headers(missing)
    assert_no_store(missing)


def test_a_stale_form_gets_the_products_csrf_page(db) -> None:
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "送信を受け付けられませんでした" in html and "読み込み直して" in html
    assert "CSRF verification failed" not in html
    assert_security_headers(response)


def test_every_response_to_a_signed_in_person_is_no_store(client, make_user) -> None:
    anonymous = client.get("/no-such-page/")
    assert anonymous.status_code == 404
    assert "no-store" not in anonymous.get("Cache-Control", "")
    staff = verified_client(client, make_user("staff"))
    # Static files (the same for everyone) stay cacheable for signed-in people too.
    css = staff.get("/static/yakuba/css/yakuba.css")
    assert css.status_code == 200
    assert "no-store" not in css.get("Cache-Control", "")
    for url in (reverse("core:home"), reverse("rosters:my_schedule"), reverse("accounts:profile")):
        response = staff.get(url)
        assert response.status_code == 200, url
        assert_no_store(response)
        assert_security_headers(response)
    # htmx fragments and redirects too.
    assert_no_store(staff.get(reverse("core:home"), HTTP_HX_REQUEST="true"))
    signed_out = staff.post(reverse("accounts:logout"))
    assert signed_out.status_code == 302


def test_api_answers_are_no_store(client, db) -> None:
    response = client.get("/api/v1/staff", HTTP_AUTHORIZATION="Bearer yk_not-a-token")
    assert response.status_code == 401
    assert_no_store(response)
