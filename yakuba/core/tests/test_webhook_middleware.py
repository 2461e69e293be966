"""Browser-only middleware is skipped on webhook paths, and only there."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from yakuba.core import middleware
from yakuba.meetings.tests.factories import START, post_zoom, zoom_account, zoom_event

WRAPPED = {
    "CSPMiddleware",  # not a wrapper: django-csp's, with the site policy built once
    "SessionMiddleware",
    "LocaleMiddleware",
    "AuthenticationMiddleware",
    "OTPMiddleware",
    "RequireTwoFactorMiddleware",
    "MessageMiddleware",
    "HtmxMiddleware",
}


def test_settings_wrap_only_the_browser_middleware() -> None:
    # Not wrappers, and run for every path: control characters refused, the security
    # headers from the outermost layer, no-store for signed-in people (none on webhooks),
    # 503 when the database cannot be reached (webhooks above all: their senders redeliver).
    every_path = {
        "DatabaseUnavailableMiddleware",
        "RejectControlCharactersMiddleware",
        "SecurityHeadersMiddleware",
        "NoStoreForSignedInMiddleware",
    }
    names = {
        m.rsplit(".", 1)[1] for m in settings.MIDDLEWARE if m.startswith("yakuba.core.middleware.")
    } - every_path
    assert names == WRAPPED
    # Security headers, CSRF, CSP, audit context and axes run for every path.
    for kept in (
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "yakuba.audit.middleware.AuditContextMiddleware",
        "yakuba.core.permissions.DenialAuditMiddleware",
        "yakuba.core.middleware.RejectControlCharactersMiddleware",
        "axes.middleware.AxesMiddleware",
    ):
        assert kept in settings.MIDDLEWARE
    assert settings.WEBHOOK_PATH_PREFIXES == ("/meetings/hooks/",)


def test_browser_page_still_gets_session_user_messages_and_headers(client, make_user) -> None:
    user = make_user("staff")
    client.force_login(user)
    response = client.get("/meetings/")
    assert response.status_code == 200
    request = response.wsgi_request
    assert request.session.session_key
    assert request.user == user
    assert hasattr(request.user, "is_verified")  # django-otp ran
    assert hasattr(request, "_messages")
    assert hasattr(request, "htmx")
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"
    assert "sessionid" in response.cookies  # SESSION_SAVE_EVERY_REQUEST slides the session


@pytest.mark.parametrize(
    "path", ["/meetings/hook/zoom/main/", "/meetings/hooksx/", "/x/meetings/hooks/"]
)
def test_similar_paths_are_not_webhook_paths(path: str) -> None:
    assert not middleware.is_webhook_path(RequestFactory().get(path))


def test_webhook_skips_browser_middleware_keeps_security_headers(client, org, make_user) -> None:
    zoom_account()
    # A signed-in browser's cookie does not ride along to the webhook.
    client.force_login(make_user("sysadmin"))  # privileged: the 2FA redirect would apply
    response = post_zoom(client, zoom_event("join", name="山田 太郎", at=START))
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "stored"}
    request = response.wsgi_request
    assert not hasattr(request, "session")
    assert isinstance(request.user, AnonymousUser)
    assert not hasattr(request, "htmx")
    assert not hasattr(request, "_messages")
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_unknown_path_under_webhook_prefix_is_a_404_not_a_500(client, db) -> None:
    assert client.post("/meetings/hooks/unknown/", data=b"{}", content_type="x").status_code == 404
    assert client.get("/meetings/hooks/zoom/main/").status_code == 405


def test_csrf_still_enforced_outside_the_exempt_views(db, make_user) -> None:
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(make_user("staff"))
    assert browser.post("/meetings/new/", {"title": "x"}).status_code == 403


# --- the wrapper itself ------------------------------------------------------------------


class Recording:
    """A stand-in middleware that records which of its hooks ran."""

    calls: list[str] = []

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        Recording.calls.append("call")
        return self.get_response(request)

    def process_view(self, request: HttpRequest, *args: Any) -> None:
        Recording.calls.append("view")

    def process_template_response(self, request: HttpRequest, response: Any) -> Any:
        Recording.calls.append("template")
        return response


class NoHooks:
    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)


class WrappedRecording(middleware.BrowserOnly):
    wrapped = f"{__name__}.Recording"


class WrappedNoHooks(middleware.BrowserOnly):
    wrapped = f"{__name__}.NoHooks"


def test_wrapper_exposes_only_the_hooks_the_middleware_has() -> None:
    plain = WrappedNoHooks(lambda r: HttpResponse())
    assert not hasattr(plain, "process_view")
    assert not hasattr(plain, "process_exception")
    assert not hasattr(plain, "process_template_response")
    recording = WrappedRecording(lambda r: HttpResponse())
    assert hasattr(recording, "process_view")
    assert hasattr(recording, "process_template_response")
    assert not hasattr(recording, "process_exception")


def test_wrapper_runs_the_middleware_except_on_webhook_paths() -> None:
    wrapper = WrappedRecording(lambda r: HttpResponse("ok"))
    factory = RequestFactory()
    for path, expected in (
        ("/meetings/", ["call", "view", "template"]),
        ("/meetings/hooks/zoom/main/", []),
        ("/meetings/hooks/jitsi/events/room/destroyed", []),
    ):
        Recording.calls = []
        request = factory.post(path, data=json.dumps({}), content_type="application/json")
        response = wrapper(request)
        assert response.content == b"ok"
        # The hooks are set on the instance, only when the wrapped middleware has them.
        assert wrapper.process_view(request, None, (), {}) is None  # type: ignore[attr-defined]
        sentinel = HttpResponse("template")
        hook = wrapper.process_template_response  # type: ignore[attr-defined]
        assert hook(request, sentinel) is sentinel
        assert Recording.calls == expected, path


# --- CSP built once ------------------------------------------------------------------------


def _csp_headers(mw: Any, path: str, prepare: Callable[[Any, Any], None]) -> dict[str, str]:
    request = RequestFactory().get(path)
    response = HttpResponse("x")
    mw.process_request(request)
    prepare(request, response)
    mw.process_response(request, response)
    return {k: v for k, v in response.items() if "Content-Security-Policy" in k}


def _nonce(request: Any, response: Any) -> None:
    str(request.csp_nonce)


def _update(request: Any, response: Any) -> None:
    response._csp_update = {"img-src": ["https://example.jp"]}


def _exempt(request: Any, response: Any) -> None:
    response._csp_exempt = True


def _preset(request: Any, response: Any) -> None:
    response["Content-Security-Policy"] = "default-src 'none'"


def _plain(request: Any, response: Any) -> None:
    pass


@pytest.mark.parametrize(
    "prepare",
    [_plain, _nonce, _update, _exempt, _preset],
    ids=["plain", "nonce", "update", "exempt", "preset"],  # stable across xdist workers
)
@pytest.mark.parametrize("path", ["/meetings/", "/meetings/hooks/zoom/main/", "/static/x.css"])
def test_csp_headers_equal_django_csp(prepare: Any, path: str) -> None:
    from csp.middleware import CSPMiddleware as Original

    ours = middleware.CSPMiddleware(lambda r: HttpResponse())
    original = Original(lambda r: HttpResponse())
    for _ in range(2):  # built, then cached
        assert _csp_headers(ours, path, prepare) == _csp_headers(original, path, prepare)
    assert _csp_headers(ours, path, prepare) or prepare in (_exempt,)


def test_csp_follows_changed_settings_and_guards_the_late_nonce() -> None:
    ours = middleware.CSPMiddleware(lambda r: HttpResponse())
    before = _csp_headers(ours, "/", _plain)["Content-Security-Policy"]
    changed = {"DIRECTIVES": {"default-src": ["'none'"]}, "EXCLUDE_URL_PREFIXES": ["/x/"]}
    with override_settings(
        CONTENT_SECURITY_POLICY=changed, CONTENT_SECURITY_POLICY_REPORT_ONLY=changed
    ):
        headers = _csp_headers(ours, "/", _plain)
        assert headers == {
            "Content-Security-Policy": "default-src 'none'",
            "Content-Security-Policy-Report-Only": "default-src 'none'",
        }
        assert _csp_headers(ours, "/x/y", _plain) == {}
    assert _csp_headers(ours, "/", _plain)["Content-Security-Policy"] == before
    request = RequestFactory().get("/")
    ours.process_request(request)
    ours.process_response(request, HttpResponse())
    from csp.exceptions import CSPNonceError

    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)  # type: ignore[attr-defined]  # django-csp's attribute
