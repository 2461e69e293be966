"""Roster set-up: activities, counter cover, remote pools, eligibility rules, work rules, people.

Unit heads set up their own unit and below; HR and system admins also the office-wide
defaults (and, on the remote-seats pages, the remote-access pools). Views stay thin: a form
validates, a service in `services` writes (one transaction, audited), `selectors` read. A
GET never writes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core.permissions import capability_required, get_for_user_or_404
from yakuba.org import selectors as org_selectors
from yakuba.org.models import Unit
from yakuba.rosters import eligibility, selectors, services
from yakuba.rosters.forms import (
    ActivityForm,
    CoverFormSet,
    PolicyForm,
    ProfileForm,
    WorkRulesForm,
)
from yakuba.rosters.models import TeleworkPolicy, WorkRules


def _scope_unit(request: AuthenticatedHttpRequest) -> Unit | None:
    """The unit being set up (?unit=pk); None means office-wide (HR/system admin only)."""
    raw = request.GET.get("unit") or request.POST.get("unit_scope")
    if not raw:
        if not request.user.is_office_wide:
            staff = getattr(request.user, "staff", None)
            if staff is None:
                raise PermissionDenied("no unit to set up")
            return staff.unit
        return None
    return get_for_user_or_404(org_selectors.visible_units, request.user, raw)


def _setup_url(unit: Unit | None) -> str:
    url = reverse("rosters:setup_home")
    return f"{url}?unit={unit.pk}" if unit is not None else url


@capability_required(Capability.PLAN_ROSTERS)
def setup_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    unit = _scope_unit(request)
    return render(
        request,
        "rosters/setup_home.html",
        {
            "unit": unit,
            "units": org_selectors.visible_units(request.user),
            "activities": selectors.visible_activities(request.user).order_by("sort_order", "code"),
            "counters": selectors.setup_counters(request.user),
            "resources": selectors.remote_pools(),
            "policy": selectors.effective_settings(TeleworkPolicy, unit),
            "rules": selectors.effective_settings(WorkRules, unit),
            "can_office_wide": request.user.is_office_wide,
        },
    )


@capability_required(Capability.PLAN_ROSTERS)
def activity_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    activity = None
    if pk is not None:
        activity = get_for_user_or_404(selectors.visible_activities, request.user, pk)
        if activity.unit_id is None and not request.user.is_office_wide:
            raise PermissionDenied("office-wide activity")
    unit = activity.unit if activity else _scope_unit(request)
    form = ActivityForm(
        request.POST or None,
        instance=activity,
        counters=org_selectors.visible_counters(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_activity(
                actor=request.user, activity=activity, unit=unit, values=form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("勤務形態「%(name)s」を保存しました。") % {"name": saved.name}
            )
            return redirect(_setup_url(unit))
    return render(
        request,
        "rosters/setup_form.html",
        {
            "form": form,
            "title": _("勤務形態の編集") if activity else _("勤務形態の追加"),
            "unit": unit,
        },
    )


@capability_required(Capability.PLAN_ROSTERS)
def cover_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Per day type: minimum and target staff of a counter, and the skills it needs."""
    counter = get_for_user_or_404(org_selectors.visible_counters, request.user, pk)
    skills = list(counter.required_skills.all())
    initial = [
        {"day_type": day.day_type, "min_staff": day.min_staff, "target_staff": day.target_staff}
        | {f"skill_{skill_id}": n for skill_id, n in day.skills.items()}
        for day in selectors.cover_days(counter)
    ]
    formset = CoverFormSet(request.POST or None, initial=initial, form_kwargs={"skills": skills})
    if request.method == "POST" and formset.is_valid():
        try:
            services.save_cover(
                actor=request.user, counter=counter, days=[f.cleaned_data for f in formset]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("「%(name)s」の配置基準を保存しました。") % {"name": counter.name}
            )
            return redirect("rosters:setup_home")
    return render(
        request,
        "rosters/cover_edit.html",
        {"counter": counter, "formset": formset, "skills": skills},
    )


def _settings_edit(
    request: AuthenticatedHttpRequest,
    model: Any,
    form_class: Any,
    save: Any,
    title: str,
) -> HttpResponse:
    unit = _scope_unit(request)
    if unit is None and not request.user.is_office_wide:
        raise PermissionDenied("office-wide settings")
    form = form_class(request.POST or None, instance=selectors.own_settings(model, unit))
    if request.method == "POST" and form.is_valid():
        save(actor=request.user, unit=unit, values=form.cleaned_data)
        messages.success(request, _("保存しました。"))
        return redirect(_setup_url(unit))
    return render(
        request,
        "rosters/setup_form.html",
        {"form": form, "title": title, "unit": unit, "scoped": True},
    )


@capability_required(Capability.PLAN_ROSTERS)
def policy_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _settings_edit(
        request,
        TeleworkPolicy,
        PolicyForm,
        services.save_telework_policy,
        _("在宅勤務の実施要件"),
    )


@capability_required(Capability.PLAN_ROSTERS)
def rules_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _settings_edit(
        request, WorkRules, WorkRulesForm, services.save_work_rules, _("勤務ルール")
    )


@capability_required(Capability.PLAN_ROSTERS)
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everyone in scope with their team and telework eligibility, each rule met or not."""
    unit = _scope_unit(request)
    scoped = org_selectors.visible_staff(request.user).filter(active=True).select_related("unit")
    if unit is not None:
        scoped = scoped.filter(unit__path__startswith=unit.path)
    staff = list(scoped.order_by("unit__path", "staff_number")[:1000])
    elig = eligibility.evaluate_many(staff)
    profiles = selectors.work_profiles(staff)
    rows = [{"staff": s, "profile": profiles.get(s.pk), "eligibility": elig[s.pk]} for s in staff]
    return render(request, "rosters/people.html", {"rows": rows, "unit": unit})


@capability_required(Capability.PLAN_ROSTERS)
def person_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    staff = get_for_user_or_404(org_selectors.visible_staff, request.user, pk)
    form = ProfileForm(request.POST or None, instance=selectors.work_profile(staff))
    if request.method == "POST" and form.is_valid():
        services.save_work_profile(actor=request.user, staff=staff, values=form.cleaned_data)
        messages.success(
            request, _("%(name)s さんの勤務条件を保存しました。") % {"name": staff.name}
        )
        return redirect("rosters:people")
    return render(
        request,
        "rosters/setup_form.html",
        {
            "form": form,
            "title": _("%(name)s さんの勤務条件") % {"name": staff.name},
            "eligibility": eligibility.evaluate(staff),
        },
    )
