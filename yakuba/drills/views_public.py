"""The pages a drill mail links to; no sign-in (people open them from their mail).

Why these GETs write: the GET *is* the event measured — the mail client loading the
1×1 image is "opened", following the link is "clicked". Each writes at most one
timestamp on the recipient's row, once (services.record_event); no other GET in the
product writes (core/tests/test_get_writes_nothing.py names these two as the exemption).
Typing into the fake form and reporting are POSTs.

They never answer with an error: an unknown or mangled token gets a neutral page (the
same for every token, so nothing can be probed), a link of a finished drill still shows
the lesson, and the image is always an image.
"""

from __future__ import annotations

import base64
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yakuba.drills import services, tokens
from yakuba.drills.models import DrillRecipient, ReportedVia

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _private(response: HttpResponse) -> HttpResponse:
    # Never cached (a second open must reach us), never indexed; the token goes in no
    # Referer to another site ("no-referrer" would make the report form's POST carry
    # "Origin: null", which the CSRF check rightly refuses).
    patch_cache_control(response, no_store=True, private=True, max_age=0)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


def lesson_context(content: dict[str, Any], *, event: str) -> dict[str, Any]:
    signs = [line.strip() for line in str(content.get("signs", "")).splitlines() if line.strip()]
    return {
        "subject": content.get("subject", ""),
        "sender_name": content.get("sender_name", ""),
        "sender_address": content.get("sender_address", ""),
        "signs": signs,
        "event": event,
    }


def _neutral(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "drills/neutral.html"))


def _lesson(request: HttpRequest, recipient: DrillRecipient, event: str) -> HttpResponse:
    context = lesson_context(recipient.drill.content, event=event)
    context["reported"] = event == "reported" or recipient.reported_at is not None
    return _private(render(request, "drills/landing.html", context))


@require_GET
def open_pixel(request: HttpRequest, token: str) -> HttpResponse:
    recipient = tokens.recipient_for(token)
    if recipient is not None:
        services.record_event(recipient, "opened")
    return _private(HttpResponse(PIXEL, content_type="image/gif"))


@require_GET
def click(request: HttpRequest, token: str) -> HttpResponse:
    recipient = tokens.recipient_for(token)
    if recipient is None:
        return _neutral(request)
    services.record_event(recipient, "clicked")
    drill = recipient.drill
    if drill.content.get("fake_form") and drill.open_for_events() and recipient.typed_at is None:
        return _private(
            render(
                request,
                "drills/fake_form.html",
                {"title": drill.content.get("form_title") or "", "token": token},
            )
        )
    return _lesson(request, recipient, "clicked")


# The form's fields have no names, so the browser sends nothing typed; this view reads
# nothing of the request either. No CSRF token: it would be the one value the POST
# carries, and the unguessable token in the URL already says who submitted.
@csrf_exempt
@require_POST
def typed(request: HttpRequest, token: str) -> HttpResponse:
    recipient = tokens.recipient_for(token)
    if recipient is None:
        return _neutral(request)
    services.record_event(recipient, "typed")
    return _lesson(request, recipient, "typed")


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, token: str) -> HttpResponse:
    """The report link in the mail's footer: a confirmation page, then the POST that
    records the report."""
    recipient = tokens.recipient_for(token)
    if recipient is None:
        return _neutral(request)
    if request.method == "POST":
        services.record_event(recipient, "reported", via=ReportedVia.LINK)
        return _lesson(request, recipient, "reported")
    return _private(
        render(
            request,
            "drills/report_confirm.html",
            {
                "subject": recipient.drill.content.get("subject", ""),
                "sender_name": recipient.drill.content.get("sender_name", ""),
                "token": token,
            },
        )
    )
