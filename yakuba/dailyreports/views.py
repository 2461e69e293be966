"""Morning-report screens. Thin: forms validate, services write, selectors scope."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from yakuba.accounts.models import User
from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core import charts
from yakuba.core.downloads import download
from yakuba.core.permissions import capability_required, get_for_user_or_404, login_required
from yakuba.core.tabular import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from yakuba.dailyreports import chat, exporting, selectors, services
from yakuba.dailyreports import window as win
from yakuba.dailyreports.forms import (
    BlockerForm,
    QuestionFormSet,
    RangeForm,
    ReportForm,
    WindowForm,
)
from yakuba.dailyreports.models import (
    Blocker,
    BlockerStatus,
    Digest,
    QuestionKind,
    Report,
    ReportSource,
    ReportStatus,
    WorkPlace,
)
from yakuba.dailyreports.roster_link import work_status_for
from yakuba.notifications.models import ChannelKind
from yakuba.notifications.selectors import staff_by_chat_handle
from yakuba.org.models import Staff, Unit


@login_required
def my_report(request: HttpRequest) -> HttpResponse:
    staff = getattr(request.user, "staff", None)
    window = services.get_window(staff.unit) if staff is not None else None
    if staff is None or window is None or not window.enabled:
        return render(request, "dailyreports/no_window.html", {"staff": staff})
    today = timezone.localdate()
    now = timezone.now()
    report = Report.objects.filter(staff=staff, date=today).first()
    previous = services.previous_report(staff, today)
    # Carried over from earlier days (today's own, just written above, is not "continuing").
    open_blockers = list(
        Blocker.objects.filter(owner=staff, opened_on__lt=today)
        .exclude(status=BlockerStatus.RESOLVED)
        .order_by("opened_on", "pk")
    )
    questions = list(window.questions.filter(active=True))
    locked = (
        report is not None
        and report.status == ReportStatus.SUBMITTED
        and not report.late
        and not win.is_open_for_edit(window, today, now)
    )
    initial: dict[str, object] = {}
    if report is not None:
        by_text = {a["q"]: a["a"] for a in report.answers}
        initial = {f"q_{q.pk}": by_text.get(q.text, "") for q in questions}
        initial["work_place"] = report.work_place
        initial["plan_done"] = [str(i) for i in report.plan_done]
        health = getattr(report, "health", None) if window.health_check else None
        if health is not None:
            # Shown back to its owner so that editing the report keeps it (an empty field
            # would delete it); every view of health data is audited, the owner's too.
            initial["temperature"] = health.temperature
            initial["symptoms"] = health.symptoms
            record(
                AuditAction.VIEW_SENSITIVE,
                actor=request.user,
                obj=health,
                object_repr=f"health check of {staff.staff_number} {today} (own report form)",
            )
    else:
        status = work_status_for(staff, today)
        initial["work_place"] = (status.work_place if status else "") or WorkPlace.OFFICE
    form = ReportForm(
        request.POST if request.method == "POST" and not locked else None,
        initial=initial,
        questions=questions,
        plan_lines=previous.plan_lines if previous else [],
        open_blockers=open_blockers,
        health_check=window.health_check,
    )
    if request.method == "POST" and not locked and form.is_valid():
        try:
            saved = services.save_report(
                actor=request.user,
                staff=staff,
                day=today,
                answers=form.answers(),
                work_place=form.cleaned_data["work_place"],
                plan_done=[int(i) for i in form.cleaned_data.get("plan_done", [])],
                health=form.health(),
                submit=form.submitting(),
                now=now,
            )
            services.resolve_own_blockers(
                actor=request.user,
                staff=staff,
                ids=[int(i) for i in form.cleaned_data.get("resolved_blockers", [])],
                today=today,
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            if saved.status == ReportStatus.SUBMITTED:
                messages.success(
                    request,
                    _("報告を提出しました（遅れて提出）。")
                    if saved.late
                    else _("報告を提出しました。"),
                )
            else:
                messages.success(request, _("下書きを保存しました。"))
            return redirect("dailyreports:my_report")
    recent = list(
        Report.objects.filter(staff=staff, status=ReportStatus.SUBMITTED).order_by("-date")[:7]
    )
    return render(
        request,
        "dailyreports/my_report.html",
        {
            "form": form,
            "window": window,
            "report": report,
            "previous": previous,
            "locked": locked,
            "today": today,
            "working_day": win.is_working_day(window, today),
            "closes": win.closes(window, today),
            "is_late_now": win.is_late(window, today, now),
            "recent": recent,
        },
    )


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_for_user_or_404(
        selectors.visible_reports(request.user).select_related("staff", "unit"), request.user, pk
    )
    health = None
    if selectors.can_view_health(request.user, report):
        health = getattr(report, "health", None)
        if health is not None:
            record(
                AuditAction.VIEW_SENSITIVE,
                actor=request.user,
                obj=health,
                object_repr=f"health check of {report.staff.staff_number} {report.date}",
            )
    return render(request, "dailyreports/report_detail.html", {"report": report, "health": health})


def _unit_param(request: HttpRequest, units) -> Unit | None:  # type: ignore[no-untyped-def]
    raw = request.GET.get("unit", "")
    if raw.isdigit():
        return get_for_user_or_404(units, request.user, raw)
    staff = getattr(request.user, "staff", None)
    if staff is not None and units.filter(pk=staff.unit_id).exists():
        return staff.unit
    return units.filter(report_window__isnull=False).first() or units.first()


def _date_param(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()


@capability_required(Capability.VIEW_REPORTS)
def board(request: HttpRequest) -> HttpResponse:
    units = selectors.report_units(request.user)
    unit = _unit_param(request, units)
    day = _date_param(request)
    context = {"unit": unit, "day": day, "units": units.filter(report_window__isnull=False)}
    if unit is not None:
        context.update(selectors.board(unit, day))
    return render(request, "dailyreports/board.html", context)


@login_required
def digest(request: HttpRequest, unit_pk: int, day: str) -> HttpResponse:
    unit = Unit.objects.filter(pk=unit_pk).first()
    if unit is None:
        raise Http404
    if not selectors.can_view_digest(request.user, unit):
        raise PermissionDenied(f"digest of unit {unit_pk}")
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    stored = Digest.objects.filter(unit=unit, date=date).first()
    return render(
        request,
        "dailyreports/digest.html",
        {
            "unit": unit,
            "day": date,
            "digest": stored,
            "content": stored.content if stored else None,
        },
    )


@capability_required(Capability.VIEW_REPORTS)
def blockers(request: HttpRequest) -> HttpResponse:
    units = selectors.report_units(request.user)
    unit = None
    if request.GET.get("unit", "").isdigit():
        unit = get_for_user_or_404(units, request.user, request.GET["unit"])
    include_resolved = request.GET.get("resolved") == "1"
    items = list(selectors.blockers_for(request.user, unit, include_resolved))
    today = timezone.localdate()
    rows = [
        {"blocker": b, "age": b.age_days(today), "form": BlockerForm(unit=b.unit, initial={
            "status": b.status, "helpers": list(b.helpers.all())}, prefix=f"b{b.pk}")}
        for b in items
    ]  # fmt: skip
    return render(
        request,
        "dailyreports/blockers.html",
        {"rows": rows, "unit": unit, "units": units, "include_resolved": include_resolved},
    )


@require_POST
@capability_required(Capability.VIEW_REPORTS)
def blocker_update(request: HttpRequest, pk: int) -> HttpResponse:
    blocker = get_for_user_or_404(
        selectors.blockers_for(request.user, None, True), request.user, pk
    )
    form = BlockerForm(request.POST, unit=blocker.unit, prefix=f"b{blocker.pk}")
    if form.is_valid():
        services.update_blocker(
            actor=request.user,
            blocker=blocker,
            status=form.cleaned_data["status"],
            helpers=form.cleaned_data["helpers"],
            today=timezone.localdate(),
        )
        messages.success(request, _("困りごとを更新しました。"))
    else:
        messages.error(request, _("入力内容を確認してください。"))
    return redirect("dailyreports:blockers")


@capability_required(Capability.MANAGE_REPORTS)
def setup_list(request: HttpRequest) -> HttpResponse:
    units = selectors.managed_units(request.user).select_related("report_window")
    return render(request, "dailyreports/setup_list.html", {"units": units})


@capability_required(Capability.MANAGE_REPORTS)
def setup(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = get_for_user_or_404(selectors.managed_units, request.user, unit_pk)
    window = services.get_window(unit)
    if window is None:
        if request.method != "POST":
            return render(request, "dailyreports/setup_start.html", {"unit": unit})
        services.ensure_window(unit, actor=request.user)
        messages.success(request, _("朝の業務報告を始めました。時間と質問を確認してください。"))
        return redirect("dailyreports:setup", unit_pk=unit.pk)
    initial_questions = [
        {"id": q.pk, "text": q.text, "kind": q.kind, "position": q.position,
         "required": q.required, "active": q.active}
        for q in window.questions.all()
    ]  # fmt: skip
    bound = request.method == "POST" and "save" in request.POST
    form = WindowForm(request.POST if bound else None, instance=window)
    questions = QuestionFormSet(
        request.POST if bound else None, initial=initial_questions, prefix="q"
    )
    if bound and form.is_valid() and questions.is_valid():
        services.save_window(
            actor=request.user,
            window=window,
            values=form.values(),
            channels=form.cleaned_data["channels"],
            questions=[q.cleaned_data for q in questions.forms if q.cleaned_data],
        )
        messages.success(request, _("設定を保存しました。"))
        return redirect("dailyreports:setup", unit_pk=unit.pk)
    return render(
        request,
        "dailyreports/setup.html",
        {"unit": unit, "window": window, "form": form, "questions": questions},
    )


@capability_required(Capability.VIEW_REPORTS)
def overview(request: HttpRequest) -> HttpResponse:
    units = selectors.report_units(request.user)
    end = timezone.localdate()
    default = {"unit": None, "start": end - dt.timedelta(days=27), "end": end, "q": ""}
    params = request.GET.copy()
    for key in ("start", "end"):  # shown in the form, not only used
        if not params.get(key):
            params[key] = default[key].isoformat()
    form = RangeForm(params, units=units)
    data = form.cleaned_data if form.is_valid() else None
    if data is None:
        data = default  # the form keeps its errors (e.g. start after end) on the page
    person = _chart_person(request)
    stats = selectors.completion(
        request.user, unit=data["unit"], start=data["start"], end=data["end"], person=person
    )
    results = None
    if data.get("q"):
        results = list(
            selectors.search_reports(
                request.user,
                query=data["q"],
                unit=data["unit"],
                start=data["start"],
                end=data["end"],
            )[:100]
        )
    return render(
        request,
        "dailyreports/overview.html",
        {
            "form": form,
            "range": data,
            "stats": stats,
            "chart": _completion_chart(stats["days"]),
            "person": person,
            "person_chart": _completion_chart(
                stats["person_weeks"],
                chart_id="person-chart",
                title=_("%(name)s さんの週ごとの提出率（棒）と遅れの割合（濃い部分）")
                % {"name": person.name},
            )
            if person is not None
            else "",
            "results": results,
        },
    )


def _completion_chart(
    rows: list[dict[str, Any]], *, chart_id: str = "chart", title: str = ""
) -> SafeString:
    """Stacked bars per day or week: the late part of the completion rate at the bottom
    (dark), the on-time part above it; `rows` come from `selectors.completion`."""
    if not rows:
        return SafeString("")
    late = [float(d["late_rate"]) for d in rows]
    return charts.bar_chart(
        charts.Chart(
            title=title or _("日ごとの提出率（棒）と遅れの割合（濃い部分）"),
            categories=[d.get("label") or d["date"].strftime("%m/%d") for d in rows],
            series=[
                charts.Series(_("うち遅れ"), late, charts.NAVY),
                charts.Series(
                    _("期限内"),
                    [max(0.0, float(d["rate"]) - lr) for d, lr in zip(rows, late, strict=True)],
                    charts.BLUE,
                ),
            ],
            unit="%",
            y_max=100,
            point_titles=[
                _("%(date)s: 提出 %(rate)s%%（%(done)s/%(expected)s）、遅れ %(late)s 件")
                % {
                    "date": d.get("label") or d["date"].isoformat(),
                    "rate": d["rate"],
                    "done": d["done"],
                    "expected": d["expected"],
                    "late": d["late"],
                }
                for d in rows
            ],
            chart_id=chart_id,
        ),
        stacked=True,
    )


def _chart_person(request: HttpRequest) -> Staff | None:
    """The member of staff whose series is asked for (?person=pk): unit heads may see staff
    of their scope, HR everyone; anyone else is refused (audited)."""
    raw = request.GET.get("person", "")
    if not raw:
        return None
    return get_for_user_or_404(
        selectors.people_for_chart(request.user).select_related("unit"), request.user, raw
    )


@capability_required(Capability.VIEW_REPORTS)
def export(request: HttpRequest) -> HttpResponse:
    form = RangeForm(request.GET, units=selectors.report_units(request.user))
    if not form.is_valid():
        messages.error(request, _("期間を確認してください。"))
        return redirect("dailyreports:overview")
    data = form.cleaned_data
    reports = list(
        selectors.search_reports(
            request.user, query=data["q"], unit=data["unit"], start=data["start"], end=data["end"]
        )
    )
    fmt = "csv" if data.get("format") == "csv" else "xlsx"
    name = f"reports-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}"
    return download(
        lambda: (exporting.to_csv if fmt == "csv" else exporting.to_xlsx)(reports),
        filename=f"{name}.{fmt}",
        content_type=CSV_CONTENT_TYPE if fmt == "csv" else XLSX_CONTENT_TYPE,
        actor=request.user,
        object_type="dailyreports.report",
        object_repr=f"{len(reports)} reports {data['start']}..{data['end']} ({fmt})",
    )


def _chat_sender(request: HttpRequest, source: str) -> Any:
    """The member of staff who sent a verified slash command.

    First by their registered chat identity (Slack: the member ID in ``user_id``;
    Mattermost: ``user_name``), else by a Yakuba user name equal to the chat user name —
    but not for someone who registered a different identity in that chat.
    """
    kind = ChannelKind.SLACK if source == ReportSource.SLACK else ChannelKind.MATTERMOST
    field = "user_id" if kind == ChannelKind.SLACK else "user_name"
    staff = staff_by_chat_handle(kind, request.POST.get(field, ""))
    if staff is not None:
        return staff if staff.user_id and staff.user.is_active else None
    name = request.POST.get("user_name", "").strip()
    user = User.objects.filter(username__iexact=name, is_active=True).first() if name else None
    staff = getattr(user, "staff", None) if user else None
    if staff is None or staff.chat_identities.filter(kind=kind).exists():
        return None
    return staff


def _chat_report(request: HttpRequest, source: str) -> JsonResponse:
    """Store a report sent from chat (already verified) and answer in the chat's JSON."""
    staff = _chat_sender(request, source)
    user = staff.user if staff is not None else None
    if staff is None or user is None:
        return JsonResponse(
            {"response_type": "ephemeral", "text": _("Yakuba のアカウントが見つかりません。")}
        )
    window = services.get_window(staff.unit)
    parsed = chat.parse(request.POST.get("text", ""))
    if window is None:
        return JsonResponse(
            {"response_type": "ephemeral", "text": _("この所属では朝の業務報告を行っていません。")}
        )
    by_kind = {q.kind: str(q.pk) for q in window.questions.filter(active=True)}
    answers = {by_kind[k]: v for k, v in parsed.answers.items() if k in by_kind}
    today = timezone.localdate()
    existing = Report.objects.filter(staff=staff, date=today).first()
    place = parsed.work_place or (existing.work_place if existing else WorkPlace.OFFICE)
    try:
        report = services.save_report(
            actor=user, staff=staff, day=today, answers=answers, work_place=place, source=source
        )
    except (ValidationError, PermissionDenied) as exc:
        return JsonResponse(
            {"response_type": "ephemeral", "text": " ".join(getattr(exc, "messages", [str(exc)]))}
        )
    text = _("%(date)s の報告を受け付けました。") % {"date": today.isoformat()}
    if report.late:
        text += _("（遅れて提出）")
    if QuestionKind.BLOCKER in parsed.answers:
        text += _(" 困りごとを記録しました。")
    return JsonResponse({"response_type": "ephemeral", "text": text})


@csrf_exempt
@require_POST
def slack_command(request: HttpRequest) -> HttpResponse:
    if not chat.verify_slack(request):
        return HttpResponse(json.dumps({"error": "invalid signature"}), status=401)
    return _chat_report(request, ReportSource.SLACK)


@csrf_exempt
@require_POST
def mattermost_command(request: HttpRequest) -> HttpResponse:
    if not chat.verify_mattermost(request):
        return HttpResponse(json.dumps({"error": "invalid token"}), status=401)
    return _chat_report(request, ReportSource.MATTERMOST)
