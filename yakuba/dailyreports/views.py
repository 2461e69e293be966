"""Morning-report screens. Thin: forms validate, services write, selectors scope."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core import charts
from yakuba.core.downloads import download
from yakuba.core.forms import parse_date
from yakuba.core.permissions import capability_required, get_for_user_or_404, login_required
from yakuba.core.tabular import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from yakuba.dailyreports import chat, exporting, offers, selectors, services
from yakuba.dailyreports import window as win
from yakuba.dailyreports.forms import (
    BlockerForm,
    QuestionFormSet,
    RangeForm,
    ReportForm,
    WindowForm,
)
from yakuba.dailyreports.models import Question, Report, ReportSource, ReportStatus
from yakuba.org.models import Staff, Unit


def _report_initial(
    user: Any,
    staff: Staff,
    day: dt.date,
    report: Report | None,
    questions: list[Question],
    *,
    health_check: bool,
) -> dict[str, Any]:
    """What the form shows before it is sent: the stored report, else the roster's place."""
    if report is None:
        return {"work_place": selectors.default_work_place(staff, day)}
    by_text = {a["q"]: a["a"] for a in report.answers}
    initial: dict[str, Any] = {f"q_{q.pk}": by_text.get(q.text, "") for q in questions}
    initial["work_place"] = report.work_place
    initial["plan_done"] = [str(i) for i in report.plan_done]
    if health_check:
        # Shown back to its owner so that editing the report keeps it (an empty field
        # would delete it); the view is audited, the owner's too.
        health = selectors.health_for(user, report, context=" (own report form)")
        if health is not None:
            initial["temperature"] = health.temperature
            initial["symptoms"] = health.symptoms
    return initial


@login_required
def my_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff = getattr(request.user, "staff", None)
    window = selectors.get_window(staff.unit) if staff is not None else None
    if staff is None or window is None or not window.enabled:
        return render(request, "dailyreports/no_window.html", {"staff": staff})
    today = timezone.localdate()
    now = timezone.now()
    report = selectors.report_of(staff, today)
    previous = selectors.previous_report(staff, today)
    questions = selectors.active_questions(window)
    locked = not win.can_change(window, report, now)
    sent = request.method == "POST" and not locked
    initial = {} if sent else _report_initial(
        request.user, staff, today, report, questions, health_check=window.health_check
    )  # fmt: skip
    form = ReportForm(
        request.POST if sent else None,
        initial=initial,
        questions=questions,
        plan_lines=previous.plan_lines if previous else [],
        open_blockers=selectors.carried_blockers(staff, today),
        health_check=window.health_check,
    )
    if sent and form.is_valid():
        try:
            saved = services.save_report(
                actor=request.user, staff=staff, day=today, now=now, **form.report_values()
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if saved.status != ReportStatus.SUBMITTED:
                messages.success(request, _("下書きを保存しました。"))
            elif saved.late:
                messages.success(request, _("報告を提出しました（遅れて提出）。"))
            else:
                messages.success(request, _("報告を提出しました。"))
            return redirect("dailyreports:my_report")
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
            "recent": selectors.recent_reports(staff),
            "offers": (
                offers.offers_after_submit(request, report)
                if report is not None and report.status == ReportStatus.SUBMITTED
                else []
            ),
        },
    )


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_for_user_or_404(
        selectors.visible_reports(request.user).select_related("staff", "unit"), request.user, pk
    )
    health = selectors.health_for(request.user, report)
    return render(request, "dailyreports/report_detail.html", {"report": report, "health": health})


def _unit_param(request: HttpRequest, units) -> Unit | None:
    raw = request.GET.get("unit", "")
    if raw.isdigit():
        return get_for_user_or_404(units, request.user, raw)
    staff = getattr(request.user, "staff", None)
    if staff is not None and units.filter(pk=staff.unit_id).exists():
        return staff.unit
    return units.filter(report_window__isnull=False).first() or units.first()


def _date_param(request: HttpRequest) -> dt.date:
    return parse_date(request.GET.get("date", "")) or timezone.localdate()


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
    unit = get_for_user_or_404(selectors.digest_units, request.user, unit_pk)
    date = parse_date(day)
    if date is None:
        raise Http404
    stored = selectors.stored_digest(unit, date)
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
def blocker_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    blocker = get_for_user_or_404(
        selectors.blockers_for(request.user, None, True), request.user, pk
    )
    form = BlockerForm(request.POST, unit=blocker.unit, prefix=f"b{blocker.pk}")
    if not form.is_valid():
        messages.error(request, _("入力内容を確認してください。"))
        return redirect("dailyreports:blockers")
    try:
        services.update_blocker(
            actor=request.user,
            blocker=blocker,
            status=form.cleaned_data["status"],
            helpers=form.cleaned_data["helpers"],
            today=timezone.localdate(),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("困りごとを更新しました。"))
    return redirect("dailyreports:blockers")


@capability_required(Capability.MANAGE_REPORTS)
def setup_list(request: HttpRequest) -> HttpResponse:
    units = selectors.managed_units(request.user).select_related("report_window")
    return render(request, "dailyreports/setup_list.html", {"units": units})


@capability_required(Capability.MANAGE_REPORTS)
def setup(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    unit = get_for_user_or_404(selectors.managed_units, request.user, unit_pk)
    window = selectors.get_window(unit)
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
        try:
            services.save_window(
                actor=request.user,
                window=window,
                values=form.values(),
                channels=form.cleaned_data["channels"],
                questions=[q.cleaned_data for q in questions.forms if q.cleaned_data],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
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
    default: dict[str, Any] = {
        "unit": None,
        "start": end - dt.timedelta(days=27),
        "end": end,
        "q": "",
    }
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


def _chat_reply(request: HttpRequest, source: str) -> JsonResponse:
    """Store the report of a verified command; the reply is shown to the sender only."""
    text = chat.receive_report(request.POST, source)
    return JsonResponse({"response_type": "ephemeral", "text": text})


@csrf_exempt
@require_POST
def slack_command(request: HttpRequest) -> HttpResponse:
    if not chat.verify_slack(request):
        return HttpResponse(json.dumps({"error": "invalid signature"}), status=401)
    return _chat_reply(request, ReportSource.SLACK)


@csrf_exempt
@require_POST
def mattermost_command(request: HttpRequest) -> HttpResponse:
    if not chat.verify_mattermost(request):
        return HttpResponse(json.dumps({"error": "invalid token"}), status=401)
    return _chat_reply(request, ReportSource.MATTERMOST)
