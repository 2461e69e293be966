"""Connection self-check. Thin: forms validate, services write and meter, selectors read.

The measuring endpoints (start, ping, download, upload) answer JSON or bytes: an
anonymous caller gets 401 rather than a sign-in page, a missing or foreign run 400, a
spent budget 429.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core.permissions import capability_required, login_required
from yakuba.netcheck import charts, conf, selectors, services
from yakuba.netcheck.forms import PlaceLinkForm, ResultForm
from yakuba.netcheck.models import NetcheckResult

READ_BYTES = 64 * 1024
RUN_INVALID = gettext_lazy("この測定はすでに保存されたか、無効です。もう一度測定してください。")
# One random chunk made at start-up and sent again and again: incompressible, and the
# response never holds more than this in memory whatever size is asked for.
_CHUNK = os.urandom(conf.get("CHUNK_BYTES"))


R = TypeVar("R", bound=HttpResponseBase)


def _no_store(response: R) -> R:
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0"
    response["Pragma"] = "no-cache"
    return response


def _error(code: str, status: int, **extra: Any) -> JsonResponse:
    return _no_store(JsonResponse({"error": code, **extra}, status=status))


def signed_in_api(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return _error("unauthenticated", 401)
        return view(request, *args, **kwargs)

    return wrapper


def _run(request: HttpRequest) -> Any:
    return selectors.run_for(request.user, request.GET.get("run", ""))


def stream_bytes(size: int, chunk: bytes = _CHUNK) -> Iterator[bytes]:
    """`size` bytes as repeats of `chunk` (never more than one chunk in memory)."""
    view = memoryview(chunk)
    left = size
    while left > 0:
        n = min(left, len(chunk))
        yield chunk if n == len(chunk) else bytes(view[:n])
        left -= n


@login_required
def check(request: HttpRequest) -> HttpResponse:
    return render(request, "netcheck/check.html", _check_context(ResultForm()))


def _check_context(form: ResultForm) -> dict[str, Any]:
    return {
        "form": form,
        "config": {
            "download_seconds": conf.get("DOWNLOAD_SECONDS"),
            "upload_seconds": conf.get("UPLOAD_SECONDS"),
            "stability_seconds": conf.get("STABILITY_SECONDS"),
            "streams": conf.get("STREAMS"),
            "download_bytes": conf.get("MAX_DOWNLOAD_REQUEST_BYTES"),
            "upload_bytes": min(4 * 1024**2, conf.get("MAX_UPLOAD_REQUEST_BYTES")),
        },
        "chart": {"width": charts.WIDTH, "height": charts.HEIGHT},
    }


@require_POST
@signed_in_api
def start(request: HttpRequest) -> HttpResponse:
    try:
        run = services.start_run(request.user)
    except services.RateLimited as exc:
        response = _error("rate_limited", 429, retry_after=exc.retry_after)
        response["Retry-After"] = str(exc.retry_after)
        return response
    return _no_store(
        JsonResponse(
            {
                "run": run.token,
                "download_budget": conf.get("MAX_DOWNLOAD_BYTES_PER_RUN"),
                "upload_budget": conf.get("MAX_UPLOAD_BYTES_PER_RUN"),
                "max_pings": conf.get("MAX_PINGS_PER_RUN"),
            }
        )
    )


@require_GET
@signed_in_api
def ping(request: HttpRequest) -> HttpResponse:
    run = _run(request)
    if run is None:
        return _error("run", 400)
    if not services.charge_ping(run):
        return _error("limit", 429)
    return _no_store(HttpResponse(status=204))


@require_GET
@signed_in_api
def download(request: HttpRequest) -> HttpResponseBase:
    run = _run(request)
    if run is None:
        return _error("run", 400)
    limit = conf.get("MAX_DOWNLOAD_REQUEST_BYTES")
    try:
        size = int(request.GET.get("size", limit))
    except ValueError:
        return _error("size", 400)
    if not 0 < size <= limit:
        return _error("size", 400, max=limit)
    if not services.reserve_download(run, size):
        return _error("limit", 429)
    response = StreamingHttpResponse(stream_bytes(size), content_type="application/octet-stream")
    response["Content-Length"] = str(size)
    response["Content-Encoding"] = "identity"
    return _no_store(response)


@require_POST
@signed_in_api
def upload(request: HttpRequest) -> HttpResponse:
    """Read the body in chunks and drop it. CSRF-checked (token header from the page)."""
    run = _run(request)
    if run is None:
        return _error("run", 400)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return _error("length", 411)
    limit = conf.get("MAX_UPLOAD_REQUEST_BYTES")
    if not 0 < length <= limit:
        return _error("size", 413, max=limit)
    if not services.reserve_upload(run, length):
        return _error("limit", 429)
    received = 0
    while chunk := request.read(READ_BYTES):
        received += len(chunk)
    return _no_store(JsonResponse({"received": received}))


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
@login_required
def save(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Store a finished run. The page posts it by itself when the run ends (JSON answer);
    the form's button posts the same fields when that did not get through."""
    form = ResultForm(request.POST)
    run = None
    if form.is_valid():
        run = selectors.run_for(request.user, form.cleaned_data["run"])
        if run is None or run.finished:
            form.add_error(None, RUN_INVALID)
    if not form.is_valid() or run is None:
        if _wants_json(request):
            already = run is not None and run.finished
            return _error(
                "duplicate" if already else "invalid",
                409 if already else 400,
                messages=[str(m) for errors in form.errors.values() for m in errors],
            )
        messages.error(request, _("結果を保存できませんでした。"))
        return render(request, "netcheck/check.html", _check_context(form), status=400)
    try:
        result = services.save_result(actor=request.user, run=run, data=form.cleaned_data)
    except ValueError:
        if _wants_json(request):
            return _error("duplicate", 409, messages=[str(RUN_INVALID)])
        messages.error(request, RUN_INVALID)
        return redirect("netcheck:check")
    if _wants_json(request):
        return _no_store(
            JsonResponse(
                {
                    "result": result.pk,
                    "edit_url": reverse("netcheck:result_edit", args=[result.pk]),
                    "place": result.get_place_display(),
                    "link": result.get_link_display(),
                    "verdict": result.get_verdict_display(),
                },
                status=201,
            )
        )
    messages.success(request, _("接続チェックの結果を保存しました。"))
    return redirect(reverse("netcheck:history"))


@login_required
def result_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct where and how a saved result was measured (its owner only)."""
    result = selectors.own_result(request.user, pk)
    if result is None:
        raise Http404
    form = PlaceLinkForm(request.POST or None, initial={"place": result.place, "link": result.link})
    if request.method == "POST" and form.is_valid():
        services.change_place_and_link(
            actor=request.user,
            result=result,
            place=form.cleaned_data["place"],
            link=form.cleaned_data["link"],
        )
        messages.success(request, _("場所と接続方法を更新しました。"))
        return redirect("netcheck:history")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "netcheck/result_edit.html", {"form": form, "result": result}, status=status
    )


@login_required
def history(request: HttpRequest) -> HttpResponse:
    results = list(selectors.history(request.user))
    latest: NetcheckResult | None = results[0] if results else None
    oldest_first = list(reversed(results))
    top = max([r.download_mbps for r in results] + [r.upload_mbps for r in results] + [1.0])
    return render(
        request,
        "netcheck/history.html",
        {
            "results": results,
            "latest": latest,
            "chart": {"width": charts.WIDTH, "height": charts.HEIGHT},
            "down_points": charts.polyline([r.download_mbps for r in oldest_first], top),
            "up_points": charts.polyline([r.upload_mbps for r in oldest_first], top),
            "top": top,
            "ping_points": charts.polyline(latest.ping_series) if latest else "",
            "ping_top": max([v for v in (latest.ping_series if latest else []) if v] + [1.0]),
        },
    )


@capability_required(Capability.VIEW_NETCHECK_READINESS)
def readiness(request: HttpRequest) -> HttpResponse:
    return render(request, "netcheck/readiness.html", {"r": selectors.readiness()})
