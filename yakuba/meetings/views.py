"""Thin views for meetings: read through selectors, write through services."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core.permissions import capability_required, get_for_user_or_404, login_required
from yakuba.core.text import unstorable_in
from yakuba.meetings import forms, intervals, jitsi, selectors, services, timeline, zoom
from yakuba.meetings.models import AttendanceSource, CatchUp, Meeting, MeetingStatus
from yakuba.org import picker


def _meeting(request: HttpRequest, pk: int, *, manage: bool) -> Meeting:
    """The meeting if the user may see it (404 otherwise, as if it did not exist); pages
    that change it also need the organiser's rights (403 for invitees who only see it)."""
    meeting = get_for_user_or_404(selectors.visible_meetings, request.user, pk)
    if manage and not selectors.can_manage(request.user, meeting):
        raise PermissionDenied("only the organiser or a unit head in scope manages a meeting")
    return meeting


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    meetings = selectors.visible_meetings(request.user).order_by("-start")[:200]
    pending = selectors.my_catchups(request.user).filter(acknowledged_at__isnull=True)
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "meetings": meetings,
            "pending_catchups": pending,
            "can_create": getattr(request.user, "staff", None) is not None,
            "can_platforms": request.user.can(Capability.MANAGE_MEETING_PLATFORMS),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if getattr(request.user, "staff", None) is None:
        raise PermissionDenied("no staff record")
    return _meeting_form(request, Meeting(), creating=True)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _meeting_form(request, _meeting(request, pk, manage=True), creating=False)


def _meeting_form(
    request: AuthenticatedHttpRequest, meeting: Meeting, *, creating: bool
) -> HttpResponse:
    form = forms.MeetingForm(request.POST or None, instance=meeting, user=request.user)
    if request.method == "POST" and picker.is_search(request.POST):
        # A picker's search without JavaScript: show the form again, nothing saved.
        form = picker.search_again(
            forms.MeetingForm, request.POST, instance=meeting, user=request.user
        )
    elif request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        staff = data.pop("invited_staff")
        units = data.pop("invited_units")
        try:
            services.save_meeting(
                actor=request.user,
                meeting=meeting,
                creating=creating,
                values=data,
                invited_staff=staff,
                invited_units=units,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("会議を保存しました。"))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "meeting": meeting, "creating": creating},
    )


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, manage=False)
    manage = selectors.can_manage(request.user, meeting)
    mine = selectors.my_catchup_for(request.user, meeting)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "manage": manage,
            "agenda": selectors.agenda_spans(meeting),
            "entries": meeting.minutes.select_related("owner"),
            "invitees": meeting.invitees.select_related("unit").order_by("staff_number"),
            "agenda_form": forms.AgendaItemForm(meeting=meeting) if manage else None,
            "my_catchup": mine,
        },
    )


@login_required
@require_POST
def agenda_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, manage=True)
    form = forms.AgendaItemForm(request.POST, meeting=meeting)
    if form.is_valid():
        services.add_agenda_item(actor=request.user, meeting=meeting, **form.cleaned_data)
        messages.success(request, _("議題を追加しました。"))
    else:
        messages.error(request, _("議題を追加できませんでした。入力を確認してください。"))
    return redirect("meetings:meeting_detail", pk=meeting.pk)


def _minutes_context(meeting: Meeting, form: forms.EntryForm | None = None) -> dict[str, Any]:
    meeting.refresh_from_db(fields=["current_item"])
    return {
        "meeting": meeting,
        "agenda": selectors.agenda_spans(meeting),
        "entries": meeting.minutes.select_related("owner", "agenda_item"),
        "form": form or forms.EntryForm(meeting=meeting),
        "next_pending": meeting.agenda.filter(started_at__isnull=True).first(),
    }


@login_required
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, manage=True)
    return render(request, "meetings/minutes.html", _minutes_context(meeting))


@login_required
@require_POST
def next_item(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, manage=True)
    if meeting.status == MeetingStatus.FINALISED:
        messages.error(request, _("議事録は確定済みです。"))
    else:
        services.next_item(actor=request.user, meeting=meeting)
    if request.headers.get("HX-Request"):
        return render(request, "meetings/partials/minutes_body.html", _minutes_context(meeting))
    return redirect("meetings:minutes", pk=meeting.pk)


@login_required
@require_POST
def entry_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, manage=True)
    form = forms.EntryForm(request.POST, meeting=meeting)
    shown: forms.EntryForm | None = form  # None once the entry is saved: a fresh form
    if meeting.status == MeetingStatus.FINALISED:
        form.add_error(None, _("議事録は確定済みです。"))
    elif form.is_valid():
        data = form.cleaned_data
        try:
            services.add_entry(
                actor=request.user,
                meeting=meeting,
                kind=data["kind"],
                text=data["text"],
                at=data["at"],
                owner=data.get("owner"),
                due=data.get("due"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            shown = None
    if request.headers.get("HX-Request"):
        return render(
            request, "meetings/partials/minutes_body.html", _minutes_context(meeting, shown)
        )
    if shown is not None:
        return render(
            request, "meetings/minutes.html", _minutes_context(meeting, shown), status=400
        )
    return redirect("meetings:minutes", pk=meeting.pk)


@login_required
def timeline_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Reads only: the presence is derived in the task worker as the platforms' events
    arrive (or on the organiser's "今すぐ反映する", `presence_refresh`)."""
    meeting = _meeting(request, pk, manage=True)
    return render(
        request,
        "meetings/timeline.html",
        {
            "meeting": meeting,
            "timeline": timeline.build(meeting),
            "behind": selectors.presence_behind(meeting),
            "manual_form": forms.ManualMarkForm(meeting=meeting),
            "teams_form": forms.TeamsReportForm(),
        },
    )


@login_required
@require_POST
def presence_refresh(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, manage=True)
    if services.refresh_presence_by_request(actor=request.user, meeting=meeting):
        messages.success(request, _("新しい接続記録を反映しました。"))
    else:
        messages.info(request, _("接続記録はすべて反映済みです。"))
    return redirect("meetings:timeline", pk=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def agenda_times(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The actual start of each agenda item, entered after the meeting."""
    meeting = _meeting(request, pk, manage=True)
    spans = selectors.agenda_spans(meeting)
    items = [item for item, _s, _e in spans]
    # What the catch-up uses now: the stamped time, else the time the plan gives.
    starts = {item.pk: intervals.to_dt(s) for item, s, _e in spans}
    form = forms.AgendaTimesForm(request.POST or None, meeting=meeting, items=items, starts=starts)
    status = 200
    if request.method == "POST":
        if meeting.status == MeetingStatus.FINALISED:
            form.add_error(None, _("議事録は確定済みです。"))
        elif form.is_valid():
            try:
                n = services.set_agenda_times(
                    actor=request.user, meeting=meeting, times=form.times()
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("議題の開始時刻を保存しました（%(n)d 件を変更）。") % {"n": n}
                )
                return redirect("meetings:meeting_detail", pk=meeting.pk)
        status = 400
    return render(
        request,
        "meetings/agenda_times.html",
        {"meeting": meeting, "form": form, "finalised": meeting.status == MeetingStatus.FINALISED},
        status=status,
    )


@login_required
@require_POST
def teams_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, manage=True)
    form = forms.TeamsReportForm(request.POST, request.FILES)
    if form.is_valid():
        report = form.cleaned_data["report"]
        try:
            n = services.import_teams_report(
                actor=request.user, meeting=meeting, data=report.read(), filename=report.name
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("%(n)d 件の接続を取り込みました。") % {"n": n})
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("meetings:timeline", pk=meeting.pk)


@login_required
@require_POST
def manual_mark(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, manage=True)
    form = forms.ManualMarkForm(request.POST, meeting=meeting)
    if form.is_valid():
        data = form.cleaned_data
        services.mark_manual(
            actor=request.user,
            meeting=meeting,
            staff=data["staff"],
            join=data["join_at"],
            leave=data["leave_at"],
        )
        messages.success(request, _("出席を記録しました。"))
    else:
        messages.error(request, _("出席を記録できませんでした。入力を確認してください。"))
    return redirect("meetings:timeline", pk=meeting.pk)


@login_required
@require_POST
def finalise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, manage=True)
    try:
        services.finalise(actor=request.user, meeting=meeting)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("議事録を確定しました。欠席・中断した人へ共有を送ります。"))
    return redirect("meetings:recontact", pk=meeting.pk)


@login_required
def recontact(request: HttpRequest, pk: int) -> HttpResponse:
    """Who was sent a catch-up and has not acknowledged it: the people to call."""
    meeting = _meeting(request, pk, manage=True)
    catchups = selectors.catchups_of(meeting)
    finalised = meeting.status == MeetingStatus.FINALISED
    context = {
        "meeting": meeting,
        "finalised": finalised,
        # Finalised, but the catch-up task has not finished: the list is not complete yet.
        "preparing": finalised and meeting.catchups_prepared_at is None,
        "pending": [c for c in catchups if c.acknowledged_at is None],
        "done": [c for c in catchups if c.acknowledged_at is not None],
    }
    if request.headers.get("HX-Request"):
        return render(request, "meetings/partials/recontact_body.html", context)
    return render(request, "meetings/recontact.html", context)


@login_required
def catchup_list(request: HttpRequest) -> HttpResponse:
    items = selectors.my_catchups(request.user).order_by("-meeting__start")
    return render(request, "meetings/catchup_list.html", {"catchups": items})


def _my_catchup(request: HttpRequest, pk: int) -> CatchUp:
    catchup = selectors.my_catchups(request.user).filter(pk=pk).first()
    if catchup is None:
        raise Http404  # someone else's catch-up is not even acknowledged to exist
    return catchup


@login_required
def catchup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    catchup = _my_catchup(request, pk)
    return render(
        request,
        "meetings/catchup_detail.html",
        {
            "catchup": catchup,
            "meeting": catchup.meeting,
            "content": catchup.content,
            # Passed by name: `content.items` in a template is dict.items() when the key is absent.
            "items": catchup.content.get("items", []),
        },
    )


@login_required
@require_POST
def catchup_ack(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    catchup = _my_catchup(request, pk)
    services.acknowledge(actor=request.user, catchup=catchup)
    messages.success(request, _("確認しました。"))
    return redirect("meetings:catchup_detail", pk=catchup.pk)


@capability_required(Capability.MANAGE_MEETING_PLATFORMS)
@require_http_methods(["GET", "POST"])
def platforms(request: AuthenticatedHttpRequest) -> HttpResponse:
    zoom_form = forms.ZoomAccountForm(request.POST if request.POST.get("which") == "zoom" else None)
    jitsi_form = forms.JitsiEndpointForm(
        request.POST if request.POST.get("which") == "jitsi" else None
    )
    new_token = ""
    if request.method == "POST":
        if zoom_form.is_bound and zoom_form.is_valid():
            services.create_zoom_account(actor=request.user, **zoom_form.cleaned_data)
            messages.success(request, _("Zoom アカウントを登録しました。"))
            return redirect("meetings:platforms")
        if jitsi_form.is_bound and jitsi_form.is_valid():
            new_token = secrets.token_urlsafe(32)
            services.create_jitsi_endpoint(
                actor=request.user, name=jitsi_form.cleaned_data["name"], token=new_token
            )
            jitsi_form = forms.JitsiEndpointForm()
    return render(
        request,
        "meetings/platforms.html",
        {
            "zoom_accounts": selectors.zoom_accounts(),
            "jitsi_endpoints": selectors.jitsi_endpoints(),
            "zoom_form": zoom_form,
            "jitsi_form": jitsi_form,
            "new_token": new_token,
        },
    )


# --- platform endpoints: verified by signature/token, never a 500 -------------------


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _read_body(request: HttpRequest, limit: int) -> bytes | None:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if declared > limit:
        return None
    try:
        body = request.body
    except RequestDataTooBig:
        return None
    return body if len(body) <= limit else None


def _json(body: bytes) -> Any:
    """The decoded body; None when it is not JSON, or when any text in it holds a character
    no stored text may hold (NUL, other controls, a lone surrogate from a \\ud800 escape):
    the event is kept whole in the database, which would refuse it with a 500."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return None if unstorable_in(data) else data


# The answer to nearly every Zoom event, encoded once (the same bytes JsonResponse gives).
_ZOOM_ANSWERS = {
    True: json.dumps({"status": "stored"}).encode(),
    False: json.dumps({"status": "duplicate"}).encode(),
}


@csrf_exempt
@require_POST
def zoom_webhook(request: HttpRequest, key: str) -> HttpResponse:
    secret = selectors.zoom_secret_for(key)
    if secret is None:
        return _error(404, "unknown account")
    body = _read_body(request, zoom.MAX_BODY_BYTES)
    if body is None:
        return _error(413, "body too large")
    if not zoom.verify(
        secret,
        request.headers.get("x-zm-request-timestamp", ""),
        request.headers.get("x-zm-signature", ""),
        body,
    ):
        return _error(401, "invalid signature")
    data = _json(body)
    if not isinstance(data, dict) or not isinstance(data.get("event"), str):
        return _error(400, "malformed json")
    if data["event"] == "endpoint.url_validation":
        payload = data.get("payload")
        token = payload.get("plainToken") if isinstance(payload, dict) else None
        if not isinstance(token, str) or not token or len(token) > 200:
            return _error(400, "plainToken missing")
        return JsonResponse(zoom.url_validation(secret, token))
    if data["event"] not in zoom.PARTICIPANT_EVENTS:
        return JsonResponse({"status": "ignored"})
    try:
        event = zoom.parse_participant(data)
    except zoom.Malformed as exc:
        return _error(400, f"malformed event: {exc}")
    stored = services.store_event(
        source=AttendanceSource.ZOOM,
        event=event.kind,
        room=event.room,
        person_key=event.person_key,
        at=event.at,
        payload={"name": event.name, "email": event.email, "raw": data},
        dedup=event.dedup_key,
    )
    if stored:
        services.presence_changed(event.room, event.at)
    return HttpResponse(_ZOOM_ANSWERS[stored], content_type="application/json")


@csrf_exempt
@require_POST
def jitsi_event(request: HttpRequest, group: str, action: str) -> HttpResponse:
    kind = f"{group}-{action}"
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.startswith("Bearer ") else ""
    if not token or len(token) > 200:
        return _error(401, "invalid token")
    if not selectors.jitsi_token_known(token):
        return _error(401, "invalid token")
    if kind not in jitsi.KINDS:
        return _error(404, "unknown event")
    body = _read_body(request, jitsi.MAX_BODY_BYTES)
    if body is None:
        return _error(413, "body too large")
    data = _json(body)
    try:
        points = jitsi.parse(kind, data)
    except zoom.Malformed as exc:
        return _error(400, f"malformed event: {exc}")
    stored = 0
    rooms: dict[str, Any] = {}
    for p in points:
        new = services.store_event(
            source=AttendanceSource.JITSI,
            event=p.kind,
            room=p.room,
            person_key=p.person_key,
            at=p.at,
            payload={"name": p.name, "email": p.email, "raw": data if len(points) == 1 else {}},
            dedup=p.dedup_key,
        )
        if new:
            stored += 1
            rooms.setdefault(p.room, p.at)
    for room, at in rooms.items():
        services.presence_changed(room, at)
    return JsonResponse({"stored": stored, "duplicates": len(points) - stored})
