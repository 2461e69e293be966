"""Roster screens: plan → progress → grid → pin → publish; my schedule; requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core.downloads import download, table_download
from yakuba.core.forms import model_choice, parse_date, parse_month
from yakuba.core.permissions import (
    capability_required,
    get_for_user_or_404,
    login_required,
    parse_pk,
)
from yakuba.core.tabular import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from yakuba.org import selectors as org_selectors
from yakuba.org.models import Staff
from yakuba.rosters import exporting, selectors, services
from yakuba.rosters.explain import describe, rule_label
from yakuba.rosters.forms import AbsenceForm, CellForm, PeriodForm, RequestForm, SolveForm
from yakuba.rosters.grid import build_grid, day_columns
from yakuba.rosters.models import (
    RosterPeriod,
    RosterVersion,
    StaffRequest,
    VersionStatus,
    WorkActivity,
)
from yakuba.rosters.solver_io import period_activities


def _period_or_404(request: HttpRequest, pk: int) -> RosterPeriod:
    return get_for_user_or_404(selectors.plannable_periods, request.user, pk)


def _version_or_404(request: HttpRequest, pk: int) -> RosterVersion:
    return get_for_user_or_404(selectors.visible_versions, request.user, pk)


def _form_error(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@capability_required(Capability.VIEW_ROSTERS)
def period_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    periods = selectors.plannable_periods(request.user).prefetch_related("versions")
    can_plan = request.user.can(Capability.PLAN_ROSTERS)
    form = None
    if can_plan:
        units = org_selectors.visible_units(request.user)
        form = PeriodForm(
            request.POST or None, units=units, initial=_next_month_initial(request.user)
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                period = services.create_period(
                    actor=request.user,
                    unit=data["unit"],
                    name=data["name"],
                    start=data["start_date"],
                    end=data["end_date"],
                    mode=data["mode"],
                    office_cap=data["office_presence_cap_pct"],
                )
            except ValidationError as exc:
                _form_error(request, exc)
            else:
                messages.success(
                    request, _("期間「%(name)s」を作成しました。") % {"name": period.name}
                )
                return redirect("rosters:period_detail", pk=period.pk)
    elif request.method == "POST":
        raise PermissionDenied("cannot plan rosters")
    return render(request, "rosters/period_list.html", {"periods": periods, "form": form})


def _next_month_initial(user: Any) -> dict[str, Any]:
    today = timezone.localdate()
    first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    staff = getattr(user, "staff", None)
    return {
        "unit": staff.unit_id if staff else None,
        "name": _("%(y)s年%(m)s月") % {"y": first.year, "m": first.month},
        "start_date": first,
        "end_date": last,
    }


@capability_required(Capability.VIEW_ROSTERS)
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period_or_404(request, pk)
    versions = period.versions.select_related("created_by", "published_by", "based_on")
    return render(
        request,
        "rosters/period_detail.html",
        {
            "period": period,
            "versions": versions,
            "can_plan": selectors.can_plan(request.user, period),
            "solve_form": SolveForm(),
        },
    )


@require_POST
@capability_required(Capability.PLAN_ROSTERS)
def period_solve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """「作成」: a new version; `based_on` keeps pinned cells, `repair` minimises changes."""
    period = _period_or_404(request, pk)
    form = SolveForm(request.POST)
    time_limit = form.cleaned_data["time_limit"] if form.is_valid() else 30
    based_on = None
    if request.POST.get("based_on"):
        based_on = get_for_user_or_404(
            selectors.visible_versions(request.user).filter(period=period),
            request.user,
            request.POST["based_on"],
        )
    try:
        version = services.start_solve(
            actor=request.user,
            period=period,
            based_on=based_on,
            repair=request.POST.get("repair") == "1",
            time_limit=time_limit,
        )
    except ValidationError as exc:
        _form_error(request, exc)
        return redirect("rosters:period_detail", pk=period.pk)
    return redirect("rosters:version_detail", pk=version.pk)


@capability_required(Capability.VIEW_ROSTERS)
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version_or_404(request, pk)
    can_plan = selectors.can_plan(request.user, version.period)
    compare_to = version.based_on if version.is_repair else None
    compare_pk = parse_pk(request.GET.get("compare"))
    if compare_pk is not None:
        compare_to = RosterVersion.objects.filter(pk=compare_pk, period=version.period).first()
    grid = None
    if not version.is_running and version.status not in {
        VersionStatus.CANCELLED,
        VersionStatus.FAILED,
    }:
        grid = build_grid(version, compare_to=compare_to, editable=can_plan and version.is_editable)
    violations = [dict(v, text=describe(v)) for v in version.violations[:500]]
    breakdown = [(rule_label(rule), cost) for rule, cost in version.breakdown.items()]
    others = version.period.versions.exclude(pk=version.pk).filter(
        status__in=[VersionStatus.SOLVED, VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED]
    )
    published = version.period.versions.filter(status=VersionStatus.PUBLISHED).first()
    absence_form = None
    if can_plan and version.status == VersionStatus.PUBLISHED:
        absence_form = AbsenceForm(staff=_absence_staff(request, version), period=version.period)
    return render(
        request,
        "rosters/version_detail.html",
        {
            "version": version,
            "period": version.period,
            # The progress card's chart from the first render, not only from the first poll.
            "chart": progress_chart(version) if grid is None else None,
            "grid": grid,
            "violations": violations,
            "breakdown": breakdown,
            "can_plan": can_plan,
            "others": others,
            "compare_to": compare_to,
            "published": published,
            "solve_form": SolveForm(initial={"time_limit": version.time_limit}),
            "absence_form": absence_form,
        },
    )


def progress_chart(version: RosterVersion) -> dict[str, str] | None:
    """Polyline points (300 × 80 box) of the objective and the proven bound over time."""
    points = [p for p in version.progress if p[1] is not None]
    if len(points) < 2:
        return None
    top = max(p[1] for p in points) or 1
    # From the lowest value shown, not from 0: a bound within a few per cent of the
    # objective (large offices: 24 807 against 25 728) would draw both as one line.
    low = min([p[1] for p in points] + [p[2] for p in points if p[2] and p[2] > 0])
    low = min(low, top - 1)
    span = max(float(version.time_limit), points[-1][0], 1.0)

    def line(k: int) -> str:
        return " ".join(
            f"{p[0] / span * 300:.1f},{78 - (max(p[k] or 0, low) - low) / (top - low) * 74:.1f}"
            for p in points
        )

    return {"objective": line(1), "bound": line(2)}


def _absence_staff(request: HttpRequest, version: RosterVersion) -> Any:
    return selectors.period_people(request.user, version.period).filter(active=True)


@require_POST
@capability_required(Capability.PLAN_ROSTERS)
def report_absence(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Someone fell ill after publishing: record it and 「再作成（最小変更）」, now or, while
    another run of the period is going, as soon as it ends."""
    version = _version_or_404(request, pk)
    form = AbsenceForm(request.POST, staff=_absence_staff(request, version), period=version.period)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("rosters:version_detail", pk=version.pk)
    try:
        report = services.report_absence(
            actor=request.user,
            version=version,
            staff=form.cleaned_data["staff"],
            dates=form.cleaned_data["dates"],
        )
    except ValidationError as exc:
        _form_error(request, exc)
        return redirect("rosters:version_detail", pk=version.pk)
    repair = report.repair
    if report.joined:
        messages.success(
            request,
            _("欠勤を登録しました。待機中の再作成（第%(n)s版）に含めます。") % {"n": repair.number},
        )
    elif report.waits_for is not None:
        messages.success(
            request,
            _(
                "欠勤を登録しました。作成中の第%(running)s版が終わると、続けて最小変更で"
                "再作成します（第%(n)s版）。"
            )
            % {"running": report.waits_for.number, "n": repair.number},
        )
    else:
        messages.success(
            request,
            _("欠勤を登録し、最小変更で再作成を始めました（第%(n)s版）。") % {"n": repair.number},
        )
    return redirect("rosters:version_detail", pk=repair.pk)


@capability_required(Capability.VIEW_ROSTERS)
def version_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """htmx fragment: the live progress bar; tells the page to reload when the run ends."""
    version = _version_or_404(request, pk)
    response = render(
        request,
        "rosters/partials/progress.html",
        {"version": version, "chart": progress_chart(version)},
    )
    if not version.is_running and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@capability_required(Capability.PLAN_ROSTERS)
def version_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _version_or_404(request, pk)
    services.cancel_solve(actor=request.user, version=version)
    messages.info(request, _("作成を中止しました。"))
    return redirect("rosters:version_detail", pk=version.pk)


@capability_required(Capability.PLAN_ROSTERS)
def cell_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _version_or_404(request, pk)
    if not selectors.can_plan(request.user, version.period):
        raise PermissionDenied("cannot plan this unit")
    # The period's people, by the period's unit: a mover stays editable here for the head
    # of the unit they were in when the period began.
    staff = get_for_user_or_404(
        selectors.period_people(request.user, version.period),
        request.user,
        request.GET.get("staff") or request.POST.get("staff"),
    )
    date = parse_date(request.GET.get("date") or request.POST.get("date") or "")
    if date is None or not version.period.start_date <= date <= version.period.end_date:
        raise Http404
    activities = period_activities(version.period.unit)
    form = CellForm(
        request.POST or None,
        activities=WorkActivity.objects.filter(pk__in=[a.pk for a in activities]),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_cell(
                actor=request.user,
                version=version,
                staff=staff,
                date=date,
                activity=form.cleaned_data["activity"],
                pin=form.cleaned_data["pin"],
            )
        except ValidationError as exc:
            _form_error(request, exc)
        else:
            messages.success(
                request,
                _("%(name)s さんの %(date)s を変更しました。")
                % {"name": staff.name, "date": f"{date.month}/{date.day}"},
            )
        return redirect("rosters:version_detail", pk=version.pk)
    current = version.assignments.filter(staff=staff, date=date).select_related("activity").first()
    if current and request.method == "GET":
        form = CellForm(
            initial={"activity": current.activity_id, "pin": True},
            activities=model_choice(form, "activity").queryset,
        )
    template = "rosters/partials/cell_form.html" if request.htmx else "rosters/cell_edit.html"
    return render(
        request, template, {"version": version, "staff": staff, "date": date, "form": form}
    )


@require_POST
@capability_required(Capability.PLAN_ROSTERS)
def version_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _version_or_404(request, pk)
    try:
        services.publish(actor=request.user, version=version)
    except ValidationError as exc:
        _form_error(request, exc)
    else:
        messages.success(request, _("第%(n)s版を公開しました。") % {"n": version.number})
    return redirect("rosters:version_detail", pk=version.pk)


@capability_required(Capability.VIEW_ROSTERS)
def version_export(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version_or_404(request, pk)
    kind = request.GET.get("format", "xlsx")
    stamp = f"{version.period.start_date:%Y%m}-v{version.number}"
    paper = request.GET.get("paper", "a3")
    paper = paper if paper in exporting.PAPER else "a3"
    if kind == "csv":
        produce = lambda: exporting.roster_csv(version)  # noqa: E731
        ctype, name = CSV_CONTENT_TYPE, f"roster-{stamp}.csv"
    elif kind == "xlsx":
        produce = lambda: exporting.roster_xlsx(version, paper)  # noqa: E731
        ctype, name = XLSX_CONTENT_TYPE, f"roster-{stamp}.xlsx"
    else:
        raise Http404
    return download(
        produce,
        filename=name,
        content_type=ctype,
        actor=request.user,
        object_type="rosters.rosterversion",
        object_repr=str(version)[:200],
        changes={"format": kind, "version": version.pk},
    )


# --- every member of staff ----------------------------------------------------------------


def _own_staff(request: HttpRequest) -> Staff:
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise Http404
    return staff


def _month(request: HttpRequest) -> dt.date:
    """``?month=YYYY-MM`` within the product's range, else this month."""
    return parse_month(request.GET.get("month", "")) or timezone.localdate().replace(day=1)


@login_required
def my_schedule(request: HttpRequest) -> HttpResponse:
    staff = getattr(request.user, "staff", None)
    first = _month(request)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    cells = selectors.my_assignments(staff, first, last) if staff else {}
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    weeks: list[list[Any]] = []
    week: list[Any] = [None] * first.weekday()
    for col, day in zip(day_columns(days), days, strict=True):
        week.append({"col": col, "cell": cells.get(day)})
        if len(week) == 7:
            weeks.append(week)
            week = []
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = last + dt.timedelta(days=1)
    return render(
        request,
        "rosters/my_schedule.html",
        {
            "staff": staff,
            "weeks": weeks,
            "first": first,
            "prev_month": prev_month,
            "next_month": next_month,
            "has_feed": bool(staff and hasattr(staff, "calendar_feed")),
        },
    )


@login_required
def my_export(request: HttpRequest) -> HttpResponse:
    staff = _own_staff(request)
    first = _month(request)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    cells = selectors.my_assignments(staff, first, last)
    rows = [
        [
            d.isoformat(),
            c.activity.name if c.activity else exporting.off_label(c.off_reason),
        ]
        for d, c in sorted(cells.items())
    ]
    return table_download(
        [_("日付"), _("勤務形態")],
        rows,
        fmt="csv",
        stem=f"my-schedule-{first:%Y%m}",
        actor=request.user,
        object_type="rosters.assignment",
        object_repr=f"own schedule {first:%Y-%m}",
    )


@login_required
def calendar_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff = _own_staff(request)
    new_url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_calendar_feed(actor=request.user, staff=staff)
            messages.success(request, _("カレンダーの購読URLを無効にしました。"))
            return redirect("rosters:calendar_settings")
        raw = services.reset_calendar_feed(actor=request.user, staff=staff)
        new_url = request.build_absolute_uri(f"/rosters/ical/{raw}.ics")
    return render(
        request,
        "rosters/calendar_settings.html",
        {
            "staff": staff,
            "new_url": new_url,
            "has_feed": hasattr(staff, "calendar_feed") or new_url is not None,
        },
    )


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret per-person iCalendar URL (no sign-in: calendar apps can't)."""
    staff = selectors.feed_owner(token)
    if staff is None:
        raise Http404
    today = timezone.localdate()
    cells = selectors.my_assignments(
        staff, today - dt.timedelta(days=31), today + dt.timedelta(days=92)
    )
    # Polled by calendar apps every few minutes: not an export of data to audit each time
    # (issuing and revoking the secret URL is audited).
    return download(
        exporting.schedule_ical(staff.name, cells.values(), request.get_host()),
        filename="yakuba-roster.ics",
        content_type="text/calendar; charset=utf-8",
        actor=None,
        object_type="rosters.calendar_feed",
        inline=True,
        audit=False,
    )


@login_required
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff = getattr(request.user, "staff", None)
    form = RequestForm(request.POST or None) if staff else None
    if request.method == "POST":
        if form is None or staff is None:
            raise PermissionDenied("account without a staff record")
        if form.is_valid():
            try:
                services.submit_request(actor=request.user, staff=staff, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("申請しました。"))
                return redirect("rosters:request_list")
    mine = selectors.own_requests(staff)
    if mine and staff is not None:
        _annotate_outcomes(staff, mine)
    pending = selectors.decidable_requests(request.user, since=timezone.localdate())
    return render(
        request, "rosters/request_list.html", {"form": form, "mine": mine, "pending": pending}
    )


def _annotate_outcomes(staff: Staff, requests: list[StaffRequest]) -> None:
    """Whether each wish was granted by the published roster (what people want to know)."""
    from yakuba.rosters.models import ActivityKind, RequestKind

    cells = selectors.my_assignments(
        staff, min(r.date for r in requests), max(r.date for r in requests)
    )
    for r in requests:
        cell = cells.get(r.date)
        if cell is None or r.status in {"cancelled", "rejected"}:
            r.outcome = ""
            continue
        kind = cell.activity.kind if cell.activity else None
        granted_for: dict[str, bool] = {
            RequestKind.TELEWORK: kind == ActivityKind.TELEWORK,
            RequestKind.OFFICE: kind in {ActivityKind.OFFICE, ActivityKind.COUNTER},
            RequestKind.DAY_OFF: cell.activity is None,
            RequestKind.ANNUAL_LEAVE: cell.activity is None,
            RequestKind.SPECIAL_LEAVE: cell.activity is None,
        }
        granted = granted_for.get(r.kind, False)
        where = cell.activity.name if cell.activity else _("休み")
        r.outcome = (_("反映（%(where)s）") if granted else _("不可（%(where)s）")) % {
            "where": where
        }


@require_POST
@capability_required(Capability.DECIDE_REQUESTS)
def request_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    req = get_for_user_or_404(selectors.visible_requests, request.user, pk)
    services.decide_request(
        actor=request.user, request=req, approve=request.POST.get("decision") == "approve"
    )
    return redirect("rosters:request_list")


@require_POST
@login_required
def request_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    req = get_for_user_or_404(selectors.visible_requests, request.user, pk)
    services.cancel_request(actor=request.user, request=req)
    messages.success(request, _("申請を取り消しました。"))
    return redirect("rosters:request_list")
