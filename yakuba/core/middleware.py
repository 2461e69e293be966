"""Browser-only middleware: skipped on machine-to-machine webhook paths.

Most of ``settings.MIDDLEWARE`` exists for people using a browser: the session cookie,
the signed-in user, the second factor, flash messages, the interface language and htmx.
A platform webhook (Zoom, Jitsi) is none of that: it has no cookies, is authenticated
by its own signature or bearer token inside the view, and answers JSON. Running that
stack for every event was about 40 % of the server's time per event.

Each class here wraps one browser middleware (listed in settings by its usual dotted
path) and calls it for every request *except* those whose ``path_info`` starts with one
of ``settings.WEBHOOK_PATH_PREFIXES``; for those it goes straight to the next layer.
The ordinary Django middleware contract is kept: ``process_view``,
``process_exception`` and ``process_template_response`` are exposed only when the
wrapped middleware has them, and they are skipped on webhook paths as well.

Kept for webhook paths (not wrapped): SecurityMiddleware (nosniff, referrer policy, HSTS,
SSL redirect), WhiteNoise, CommonMiddleware, CsrfViewMiddleware (so CSRF exemption stays
a per-view decision: only the views marked ``@csrf_exempt`` are exempt, even under the
prefix), XFrameOptionsMiddleware, CSPMiddleware, the audit request context (so any
audit record written by a webhook still carries the sender's IP) and AxesMiddleware
(it only acts on a lock-out flagged during sign-in, costs next to nothing, and its
system check looks for it by name).

Why skipping the rest is safe there: a webhook view never reads ``request.session``,
``request.user`` (it is set to ``AnonymousUser`` so error pages still render), messages
or ``request.htmx``; nobody signs in there and there is no session to take over, so the
second-factor redirect has nothing to protect; and the JSON answers are not translated.
No cookie is read or set on these paths, so a browser session cannot ride along either.
"""

from __future__ import annotations

import copy
import http.client
from collections.abc import Callable
from typing import Any, ClassVar

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as _CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware.security import SecurityMiddleware
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.module_loading import import_string

DEFAULT_WEBHOOK_PATH_PREFIXES = ("/meetings/hooks/",)

GetResponse = Callable[[HttpRequest], HttpResponse]


def webhook_prefixes() -> tuple[str, ...]:
    return tuple(getattr(settings, "WEBHOOK_PATH_PREFIXES", DEFAULT_WEBHOOK_PATH_PREFIXES))


def is_webhook_path(request: HttpRequest) -> bool:
    prefixes = webhook_prefixes()
    return bool(prefixes) and request.path_info.startswith(prefixes)


class BrowserOnly:
    """Wraps the middleware ``wrapped`` (a dotted path); skipped on webhook paths."""

    wrapped: ClassVar[str] = ""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        # May raise MiddlewareNotUsed, which Django handles as for the plain middleware.
        self.inner: Any = import_string(self.wrapped)(get_response)
        self.prefixes = webhook_prefixes()
        for hook in ("process_view", "process_exception", "process_template_response"):
            if hasattr(self.inner, hook):
                setattr(self, hook, self._hook(getattr(self.inner, hook)))

    def _hook(self, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if self.skip(request):
                # process_template_response must hand back the response; the others None.
                return args[0] if method.__name__ == "process_template_response" else None
            return method(request, *args, **kwargs)

        return call

    def skip(self, request: HttpRequest) -> bool:
        return bool(self.prefixes) and request.path_info.startswith(self.prefixes)

    def bypassed(self, request: HttpRequest) -> None:
        """What the wrapped middleware must still leave on a webhook request (if anything)."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.skip(request):
            self.bypassed(request)
            return self.get_response(request)
        response: HttpResponse = self.inner(request)
        return response


class SessionMiddleware(BrowserOnly):
    wrapped = "django.contrib.sessions.middleware.SessionMiddleware"


class LocaleMiddleware(BrowserOnly):
    wrapped = "django.middleware.locale.LocaleMiddleware"


class AuthenticationMiddleware(BrowserOnly):
    wrapped = "django.contrib.auth.middleware.AuthenticationMiddleware"

    def bypassed(self, request: HttpRequest) -> None:
        from django.contrib.auth.models import AnonymousUser

        # Nobody signs in with a cookie here; error pages and context processors expect a user.
        request.user = AnonymousUser()


class OTPMiddleware(BrowserOnly):
    wrapped = "django_otp.middleware.OTPMiddleware"


class RequireTwoFactorMiddleware(BrowserOnly):
    wrapped = "yakuba.accounts.middleware.RequireTwoFactorMiddleware"


class MessageMiddleware(BrowserOnly):
    wrapped = "django.contrib.messages.middleware.MessageMiddleware"


class HtmxMiddleware(BrowserOnly):
    wrapped = "django_htmx.middleware.HtmxMiddleware"


# --- security headers on every response, error pages included ------------------------


class SecurityHeadersMiddleware(SecurityMiddleware):
    """SecurityMiddleware's response headers (nosniff, Referrer-Policy, HSTS, COOP), from
    the outermost layer. An exception inside any middleware is turned into its error page
    at that layer and passes only the layers outside it: a bad Host header, for one, is
    refused in CommonMiddleware (or in SecurityMiddleware's HTTPS redirect), and its 400
    skipped every header set further in. The HTTPS redirect stays with Django's own
    SecurityMiddleware further down; setting a header twice changes nothing."""

    def process_request(self, request: HttpRequest) -> None:
        return None


class NoStoreForSignedInMiddleware:
    """Every response to a signed-in person (or to an API token) is ``no-store``: pages
    show names, reports, health checks and rosters, and nothing of it may stay in a shared
    PC's browser cache or a proxy. Downloads already say so (core.downloads); anonymous
    pages (sign-in, static files) stay cacheable."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


# --- Content-Security-Policy, built once -------------------------------------------------

# Per-response customisations (django-csp decorators); a response with any of these, or a
# request whose nonce was used, gets the policy built by django-csp itself.
_CSP_CUSTOM = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


class CSPMiddleware(_CSPMiddleware):
    """django-csp's middleware, but the site-wide policy strings are built once (and again
    whenever the CSP settings change) instead of twice per response: building them was
    ~0.2 ms of every response, a webhook event's included. Responses with a nonce or a
    per-view policy take django-csp's own path, so the headers are the same either way."""

    def __init__(self, get_response: GetResponse) -> None:
        super().__init__(get_response)
        self._built: tuple[Any, str, str] | None = None

    def site_policies(self) -> tuple[str, str]:
        key = (
            getattr(settings, "CONTENT_SECURITY_POLICY", None),
            getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None),
        )
        if self._built is None or self._built[0] != key:
            self._built = (
                copy.deepcopy(key),
                build_policy(),
                build_policy(report_only=True),
            )
        return self._built[1], self._built[2]

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if settings.DEBUG and response.status_code in (
            http.client.INTERNAL_SERVER_ERROR,
            http.client.NOT_FOUND,
        ):
            return response
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in _CSP_CUSTOM
        ):
            return super().process_response(request, response)
        policy, report_only = self.site_policies()
        for value, header, exempt, setting in (
            (policy, HEADER, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (
                report_only,
                HEADER_REPORT_ONLY,
                "_csp_exempt_ro",
                "CONTENT_SECURITY_POLICY_REPORT_ONLY",
            ),
        ):
            if not value or header in response or getattr(response, exempt, False) is not False:
                continue
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if not request.path_info.startswith(tuple(prefixes)):
                response[header] = value
        # As django-csp: using the nonce after the header is written is an error.
        # django-csp's own request attribute, which HttpRequest's type does not declare.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response


# --- control characters never enter ------------------------------------------------------

# C0 control characters other than tab, line feed and carriage return; NUL included.
# PostgreSQL cannot store NUL in text, .xlsx cannot hold most of them, and no person types
# them: a query string or form carrying one is refused before any view sees it.
_CONTROL = frozenset(chr(c) for c in range(32)) - {"\t", "\n", "\r"} | {"\x7f"}


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_control(values: Any) -> bool:
    for key, items in values.lists():
        for text in (key, *items):
            if isinstance(text, str) and not _CONTROL.isdisjoint(text):
                return True
    return False


class RejectControlCharactersMiddleware:
    """400 (the product's page, or JSON for the API) for a query string or a submitted
    form whose names or values contain control characters. JSON and file bodies are the
    business of the view that parses them (each validates its fields)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            # The JSON API validates its own parameters (422 with the field, as its schema
            # says).
            return self.get_response(request)
        bad = _has_control(request.GET)
        if not bad and request.content_type in _FORM_TYPES:
            # Reading a urlencoded POST here caches the raw body, so views that verify a
            # signature over request.body (Slack) still can; no view sets upload handlers.
            bad = _has_control(request.POST)
        if bad:
            return control_characters_refused(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        """Text refused by the save guard (`core.storedtext`) that no door caught: the
        writing transaction was rolled back; the sender gets 400 with the field's message."""
        from yakuba.core.storedtext import UnstorableText

        if isinstance(exception, UnstorableText):
            return control_characters_refused(request, " ".join(exception.messages))
        return None


def control_characters_refused(request: HttpRequest, message: str = "") -> HttpResponse:
    from django.http import JsonResponse
    from django.shortcuts import render
    from django.utils.translation import gettext as _

    message = message or _(
        "送られた内容に使えない制御文字が含まれています。入力を確かめてください。"
    )
    if is_webhook_path(request) or request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "core/400.html", {"message": message}, status=400)


# --- The database is unreachable ---------------------------------------------------------

RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """A view that could not reach the database answers 503 with ``Retry-After``.

    Without this, PostgreSQL stopped (restart, fail-over, full disk) or SQLite locked
    turns every request into a 500. For a platform webhook the difference matters: Zoom
    and the chats redeliver on 5xx, and a 503 says "not stored, send it again" — no event
    is answered 200 unless its row was written (the views store before they answer).
    Only connection-level errors (``OperationalError``, ``InterfaceError``) are handled;
    an ``IntegrityError`` or a programming error is a bug and stays a 500.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_unavailable(exception):
            return None
        return database_unavailable(request, exception)


def is_database_unavailable(exception: BaseException | None) -> bool:
    from django.db import InterfaceError, OperationalError

    return isinstance(exception, (OperationalError, InterfaceError))


def database_unavailable(request: HttpRequest, exception: BaseException) -> HttpResponse:
    """503 + Retry-After, JSON for machines, a short text for browsers. Also used by the
    500 handler (`core.errors.server_error`) when a middleware, not a view, hit the outage
    (a browser request loads its session before any view runs)."""
    import logging

    from django.utils.translation import gettext

    logging.getLogger(__name__).warning(
        "database unavailable on %s: %s", request.path, type(exception).__name__
    )
    # Machines (webhooks, chat commands, API clients; they rarely send Accept) get JSON;
    # a browser (it always asks for text/html) a short text: rendering the site's
    # templates would query the database again.
    if is_webhook_path(request) or "text/html" not in request.META.get("HTTP_ACCEPT", ""):
        response: HttpResponse = JsonResponse(
            {"error": "database unavailable", "retry_after": RETRY_AFTER_SECONDS}, status=503
        )
    else:
        response = HttpResponse(
            gettext("データベースに接続できません。しばらくしてからもう一度お試しください。"),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
