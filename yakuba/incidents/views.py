"""Incident pages. Thin: forms validate, services write, selectors scope.

The reporter's pages (`mine*`) show only their own reports and the timeline entries meant
for them; infosec's pages (`triage*`) show everything. Nobody else sees a report.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core.downloads import table_download
from yakuba.core.forms import parse_month
from yakuba.core.permissions import capability_required, get_for_user_or_404, login_required
from yakuba.incidents import drafts, selectors, services, stats
from yakuba.incidents.forms import (
    CloseForm,
    EntryForm,
    LessonDraftForm,
    QueueFilterForm,
    ReportForm,
    SuspiciousMailForm,
    TriageForm,
)
from yakuba.incidents.models import Incident


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "incidents/mine.html", {"incidents": selectors.my_incidents(request.user)[:100]}
    )


@login_required
def mine_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    incident = get_for_user_or_404(selectors.my_incidents, request.user, pk)
    return render(
        request,
        "incidents/mine_detail.html",
        {"incident": incident, "timeline": selectors.reporter_timeline(incident)},
    )


@login_required
def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.report(actor=request.user, values=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("報告を受け付けました（%(number)s）。情報セキュリティ担当が確認します。")
                % {"number": incident.number},
            )
            return redirect("incidents:mine_detail", incident.pk)
    return render(request, "incidents/report.html", {"form": form})


@login_required
def suspicious_mail(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SuspiciousMailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.report_suspicious_mail(
                actor=request.user,
                subject=form.cleaned_data["subject"],
                sender=form.cleaned_data["sender"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if result.drill:
                messages.success(request, _("訓練メールでした。報告ありがとうございます。"))
            else:
                messages.success(
                    request,
                    _(
                        "報告ありがとうございます。情報セキュリティ担当が確認します。"
                        "メールのリンクや添付ファイルは開かず、そのままにしておいてください。"
                    ),
                )
            return redirect("incidents:mine_detail", result.incident.pk)
    return render(request, "incidents/suspicious_mail.html", {"form": form})


@capability_required(Capability.TRIAGE_INCIDENTS)
def triage_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = QueueFilterForm(request.GET or None)
    return render(
        request,
        "incidents/triage_list.html",
        {
            "filters": filters,
            "incidents": selectors.queue(request.user, **filters.values())[:300],
            "open": selectors.open_count(),
            "can_stats": request.user.can(Capability.VIEW_INCIDENT_STATS),
        },
    )


def _reporter_label(incident: Incident) -> str:
    if incident.reporter is None:
        return "—"
    staff = getattr(incident.reporter, "staff", None)
    if staff is None:
        return incident.reporter.get_username()
    return _("%(name)s（%(unit)s）") % {"name": staff.name, "unit": staff.unit.name}


def _detail(request: AuthenticatedHttpRequest, incident: Incident, **forms: Any) -> HttpResponse:
    context = {
        "incident": incident,
        "timeline": incident.timeline.select_related("author__staff"),
        "triage_form": forms.get("triage_form") or TriageForm(instance=incident),
        "entry_form": forms.get("entry_form") or EntryForm(),
        "close_form": forms.get("close_form") or CloseForm(),
        "reporter_label": _reporter_label(incident),
    }
    return render(request, "incidents/triage_detail.html", context)


def _incident(request: AuthenticatedHttpRequest, pk: int) -> Incident:
    return get_for_user_or_404(selectors.triage_queue, request.user, pk)


@capability_required(Capability.TRIAGE_INCIDENTS)
def triage_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _incident(request, pk))


@require_POST
@capability_required(Capability.TRIAGE_INCIDENTS)
def triage_assess(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    form = TriageForm(request.POST, instance=Incident.objects.get(pk=incident.pk))
    if form.is_valid():
        try:
            services.triage(actor=request.user, incident=incident, values=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("評価を保存しました。"))
            return redirect("incidents:triage_detail", incident.pk)
    return _detail(request, incident, triage_form=form)


@require_POST
@capability_required(Capability.TRIAGE_INCIDENTS)
def triage_entry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    form = EntryForm(request.POST)
    if form.is_valid():
        try:
            services.add_entry(
                actor=request.user,
                incident=incident,
                text=form.cleaned_data["text"],
                for_reporter=form.cleaned_data["for_reporter"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("対応を記録しました。"))
            return redirect("incidents:triage_detail", incident.pk)
    return _detail(request, incident, entry_form=form)


@require_POST
@capability_required(Capability.TRIAGE_INCIDENTS)
def triage_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.close(
                actor=request.user,
                incident=incident,
                outcome=form.cleaned_data["outcome"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("インシデントを完了にしました。"))
            return redirect("incidents:triage_detail", incident.pk)
    return _detail(request, incident, close_form=form)


@capability_required(Capability.TRIAGE_INCIDENTS)
def triage_lesson(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One step from an incident to a lesson and a question in the bank: the text comes
    prefilled with the names of people taken out; infosec edits it and saves a draft."""
    incident = _incident(request, pk)
    form = LessonDraftForm(request.POST or None, initial=drafts.prefill(incident))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lesson = services.draft_lesson(
                actor=request.user,
                incident=incident,
                draft=services.LessonDraft(
                    title=data["title"],
                    body=data["body"],
                    question=data["question"],
                    explanation=data["explanation"],
                    choices=form.choices(),
                ),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "教材の下書き（%(code)s）を問題バンクに作成しました。問題バンクで確認して"
                    "から使用中にしてください。"
                )
                % {"code": lesson.code},
            )
            return redirect("incidents:triage_detail", incident.pk)
    return render(request, "incidents/lesson_form.html", {"incident": incident, "form": form})


def _stats_rows(request: AuthenticatedHttpRequest) -> list[selectors.MonthRow]:
    last = parse_month(request.GET.get("month")) or timezone.localdate().replace(day=1)
    return selectors.monthly_stats(last, 12)


@capability_required(Capability.VIEW_INCIDENT_STATS)
def stats_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = _stats_rows(request)
    return render(
        request,
        "incidents/stats.html",
        {
            "rows": rows,
            "chart": stats.chart(rows),
            "header": stats.header(),
            "table": stats.table_rows(rows),
            "month": rows[-1].month,
            "query": request.GET.urlencode(),
        },
    )


@capability_required(Capability.VIEW_INCIDENT_STATS)
def stats_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = _stats_rows(request)
    last = rows[-1].month.strftime("%Y-%m")
    return table_download(
        stats.header(),
        stats.table_rows(rows),
        fmt="xlsx",
        stem=f"incidents-{last}",
        sheet=_("インシデント件数"),
        actor=request.user,
        object_type="incidents.incident",
        object_repr=f"incident statistics to {last}",
    )
