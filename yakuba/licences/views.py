"""Licence ledger and monthly report. Thin: forms validate, services write, selectors scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core import charts
from yakuba.core.downloads import download
from yakuba.core.permissions import capability_required, get_for_user_or_404
from yakuba.core.tabular import XLSX_CONTENT_TYPE
from yakuba.licences import exporting, selectors, services
from yakuba.licences import report as licence_report
from yakuba.licences.forms import LicenceForm, ReassignForm, ReportForm
from yakuba.licences.models import Licence


def _build(request: HttpRequest) -> tuple[ReportForm, licence_report.LicenceReport]:
    form = ReportForm(request.GET or None)
    values = form.values()
    built = licence_report.build(
        request.user,
        values["month"],
        margin_min=values["margin_min"],
        margin_percent=values["margin_percent"],
    )
    return form, built


def _peak_chart(summary: licence_report.PlatformSummary) -> SafeString:
    """Bars: the most meetings at once on each day (the month's peak days darker); a red
    line at the licences held and a green dashed line at the licences needed."""
    days = summary.days
    return charts.bar_chart(
        charts.Chart(
            title=_(
                "%(platform)s：日ごとの同時開催数の最大（棒）、保有ライセンス数 %(held)s（赤線）、"
                "必要数 %(needed)s（緑の破線）"
            )
            % {"platform": summary.label, "held": summary.held, "needed": summary.needed},
            categories=[d.date.strftime("%m/%d") for d in days],
            series=[charts.Series(_("同時開催の最大"), [d.peak for d in days], charts.BLUE)],
            references=[
                charts.Reference(_("保有 %(n)s") % {"n": summary.held}, summary.held, charts.RED),
                charts.Reference(
                    _("必要 %(n)s") % {"n": summary.needed},
                    summary.needed,
                    charts.GREEN,
                    dashed=True,
                ),
            ],
            point_titles=[
                _("%(date)s：同時開催 最大 %(n)s 件") % {"date": d.date.isoformat(), "n": d.peak}
                for d in days
            ],
            highlight=frozenset(
                i for i, d in enumerate(days) if summary.peak > 0 and d.peak == summary.peak
            ),
            chart_id=f"chart-{summary.platform}",
            label_every=7 if len(days) > 16 else 1,
        )
    )


@capability_required(Capability.VIEW_LICENCES)
def report(request: HttpRequest) -> HttpResponse:
    form, built = _build(request)
    platforms = [
        {"summary": p, "chart": _peak_chart(p) if p.measured else ""} for p in built.platforms
    ]
    previous = (built.month - dt.timedelta(days=1)).replace(day=1)
    following = (built.month + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "licences/report.html",
        {
            "form": form,
            "report": built,
            "previous": previous,
            "next": following if following <= timezone.localdate() else None,
            "platforms": platforms,
            "query": request.GET.urlencode(),
            "can_manage": selectors.can_manage(request.user),
        },
    )


@capability_required(Capability.VIEW_LICENCES)
def report_export(request: HttpRequest) -> HttpResponse:
    _form, built = _build(request)
    month = built.month.strftime("%Y-%m")
    return download(
        lambda: exporting.to_xlsx(built),
        filename=f"licences-{month}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
        actor=request.user,
        object_type="licences.licence",
        object_repr=f"licence report {month} ({len(built.licences)} licences, xlsx)",
    )


@capability_required(Capability.VIEW_LICENCES)
def licence_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "licences/licence_list.html",
        {
            "licences": selectors.visible_licences(request.user),
            "can_manage": selectors.can_manage(request.user),
        },
    )


@capability_required(Capability.VIEW_LICENCES)
def licence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    licence = get_for_user_or_404(selectors.visible_licences, request.user, pk)
    return render(
        request,
        "licences/licence_detail.html",
        {
            "licence": licence,
            "assignments": sorted(
                licence.assignments.all(), key=lambda a: (a.start_on, a.pk), reverse=True
            ),
            "can_manage": selectors.can_manage(request.user),
        },
    )


def _form_view(request: AuthenticatedHttpRequest, licence: Licence | None) -> HttpResponse:
    form = LicenceForm(request.POST or None, instance=licence)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in services.LICENCE_FIELDS}
        try:
            saved = services.save_licence(
                actor=request.user,
                licence=licence,
                values=values,
                holder=form.cleaned_data.get("holder"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("ライセンス「%(name)s」を保存しました。") % {"name": saved})
            return redirect("licences:licence_detail", pk=saved.pk)
    return render(request, "licences/licence_form.html", {"form": form, "licence": licence})


@capability_required(Capability.MANAGE_LICENCES)
def licence_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _form_view(request, None)


@capability_required(Capability.MANAGE_LICENCES)
def licence_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _form_view(request, get_for_user_or_404(selectors.visible_licences, request.user, pk))


@capability_required(Capability.MANAGE_LICENCES)
def licence_reassign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    licence = get_for_user_or_404(selectors.visible_licences, request.user, pk)
    form = ReassignForm(request.POST or None, licence=licence)
    if request.method == "POST" and form.is_valid():
        staff = form.cleaned_data["staff"]
        try:
            services.reassign(request.user, licence, staff, form.cleaned_data["on"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            context: dict[str, Any] = {"name": licence.name}
            if staff is None:
                messages.success(request, _("「%(name)s」を未割り当てにしました。") % context)
            else:
                context["holder"] = staff.name
                messages.success(
                    request, _("「%(name)s」の保有者を%(holder)sさんに変更しました。") % context
                )
            return redirect("licences:licence_detail", pk=licence.pk)
    return render(request, "licences/licence_reassign.html", {"licence": licence, "form": form})


@require_POST
@capability_required(Capability.MANAGE_LICENCES)
def licence_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    licence = get_for_user_or_404(selectors.visible_licences, request.user, pk)
    name = licence.name
    services.delete_licence(request.user, licence)
    messages.success(request, _("ライセンス「%(name)s」を削除しました。") % {"name": name})
    return redirect("licences:licence_list")
