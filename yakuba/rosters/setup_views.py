"""Roster set-up: activities, counter cover, remote pools, eligibility rules, work rules, people.

Unit heads set up their own unit and below; HR and system admins also the office-wide
defaults and the remote-access pools.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms import modelformset_factory
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record, save_audited
from yakuba.core.permissions import capability_required
from yakuba.org import selectors as org_selectors
from yakuba.org.models import Counter, Unit
from yakuba.rosters import eligibility
from yakuba.rosters.forms import (
    ActivityForm,
    CoverRuleForm,
    PolicyForm,
    ProfileForm,
    WorkRulesForm,
)
from yakuba.rosters.models import (
    CoverRule,
    CoverSkill,
    DayType,
    RemoteResource,
    StaffWorkProfile,
    TeleworkPolicy,
    WorkActivity,
    WorkRules,
)


def _scope_unit(request: HttpRequest) -> Unit | None:
    """The unit being set up (?unit=pk); None means office-wide (HR/system admin only)."""
    raw = request.GET.get("unit") or request.POST.get("unit_scope")
    if not raw:
        if not request.user.is_office_wide:
            staff = getattr(request.user, "staff", None)
            if staff is None:
                raise PermissionDenied("no unit to set up")
            return staff.unit
        return None
    unit = org_selectors.visible_units(request.user).filter(pk=raw).first()
    if unit is None:
        raise Http404
    return unit


@capability_required(Capability.PLAN_ROSTERS)
def setup_home(request: HttpRequest) -> HttpResponse:
    unit = _scope_unit(request)
    units = org_selectors.visible_units(request.user)
    activities = WorkActivity.objects.filter(unit__isnull=True) | WorkActivity.objects.filter(
        unit__in=units
    )
    counters = Counter.objects.filter(unit__in=units, active=True).prefetch_related(
        "cover_rules__skills__skill"
    )
    return render(
        request,
        "rosters/setup_home.html",
        {
            "unit": unit,
            "units": units,
            "activities": activities.select_related("unit", "counter").order_by(
                "sort_order", "code"
            ),
            "counters": counters,
            "resources": RemoteResource.objects.prefetch_related("activities"),
            "policy": _effective(TeleworkPolicy, unit),
            "rules": _effective(WorkRules, unit),
            "can_office_wide": request.user.is_office_wide,
        },
    )


def _effective(model: Any, unit: Unit | None) -> tuple[Any, Unit | None, bool]:
    """The settings in force for `unit`: its own, else the nearest ancestor's, else the
    office default. Returns (settings, the unit they belong to, inherited?)."""
    codes = unit.path.strip("/").split("/") if unit is not None else []
    rows = {r.unit.code if r.unit_id else None: r for r in model.objects.select_related("unit")}
    for code in reversed(codes):
        if code in rows:
            return rows[code], rows[code].unit, code != unit.code
    default = rows.get(None) or model(unit=None)
    return default, None, unit is not None


@capability_required(Capability.PLAN_ROSTERS)
def activity_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    units = org_selectors.visible_units(request.user)
    activity = None
    if pk is not None:
        activity = get_object_or_404(WorkActivity, pk=pk)
        if activity.unit_id is None and not request.user.is_office_wide:
            raise PermissionDenied("office-wide activity")
        if activity.unit_id is not None and not units.filter(pk=activity.unit_id).exists():
            raise PermissionDenied("activity outside scope")
    unit = activity.unit if activity else _scope_unit(request)
    form = ActivityForm(
        request.POST or None, instance=activity, counters=Counter.objects.filter(unit__in=units)
    )
    if request.method == "POST" and form.is_valid():
        fields = tuple(form.fields)
        values = {k: form.cleaned_data[k] for k in fields}
        values["unit"] = unit
        with transaction.atomic():
            saved = save_audited(
                actor=request.user,
                obj=activity or WorkActivity(),
                creating=activity is None,
                fields=(*fields, "unit"),
                values=values,
            )
        messages.success(request, _("勤務形態「%(name)s」を保存しました。") % {"name": saved.name})
        return redirect(f"{_setup_url()}{'?unit=' + str(unit.pk) if unit else ''}")
    return render(
        request,
        "rosters/setup_form.html",
        {
            "form": form,
            "title": _("勤務形態の編集") if activity else _("勤務形態の追加"),
            "unit": unit,
        },
    )


def _setup_url() -> str:
    from django.urls import reverse

    return reverse("rosters:setup_home")


@capability_required(Capability.PLAN_ROSTERS)
def cover_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Per day type: minimum and target staff of a counter, and the skills it needs."""
    counter = get_object_or_404(
        Counter.objects.filter(unit__in=org_selectors.visible_units(request.user)), pk=pk
    )
    for day_type in DayType.values:
        CoverRule.objects.get_or_create(
            counter=counter, day_type=day_type, defaults={"min_staff": 0, "target_staff": 0}
        )
    FormSet = modelformset_factory(CoverRule, form=CoverRuleForm, extra=0)
    queryset = CoverRule.objects.filter(counter=counter).order_by("pk")
    formset = FormSet(request.POST or None, queryset=queryset)
    skills = list(counter.required_skills.all())
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            for form in formset:
                save_audited(
                    actor=request.user,
                    obj=form.instance,
                    creating=False,
                    fields=("min_staff", "target_staff"),
                    values={k: form.cleaned_data[k] for k in ("min_staff", "target_staff")},
                )
                for skill in skills:
                    raw = request.POST.get(f"skill-{form.instance.pk}-{skill.pk}", "0")
                    count = int(raw) if raw.isdigit() else 0
                    count = min(count, form.cleaned_data["min_staff"])
                    existing = CoverSkill.objects.filter(rule=form.instance, skill=skill).first()
                    if count:
                        save_audited(
                            actor=request.user,
                            obj=existing or CoverSkill(rule=form.instance, skill=skill),
                            creating=existing is None,
                            fields=("min_count",),
                            values={"min_count": count},
                        )
                    elif existing:
                        record(
                            AuditAction.DELETE,
                            actor=request.user,
                            obj=existing,
                            changes={"min_count": [existing.min_count, None]},
                        )
                        existing.delete()
        messages.success(
            request, _("「%(name)s」の配置基準を保存しました。") % {"name": counter.name}
        )
        return redirect("rosters:setup_home")
    skill_counts = {
        (cs.rule_id, cs.skill_id): cs.min_count
        for cs in CoverSkill.objects.filter(rule__counter=counter)
    }
    rows = [
        {"form": f, "skills": [(s, skill_counts.get((f.instance.pk, s.pk), 0)) for s in skills]}
        for f in formset
    ]
    return render(
        request, "rosters/cover_edit.html", {"counter": counter, "formset": formset, "rows": rows}
    )


def _singleton_edit(
    request: HttpRequest, model: Any, form_class: Any, title: str, fields: tuple[str, ...]
) -> HttpResponse:
    unit = _scope_unit(request)
    if unit is None and not request.user.is_office_wide:
        raise PermissionDenied("office-wide settings")
    obj = model.objects.filter(unit=unit).first()
    form = form_class(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in fields} | {"unit": unit}
        with transaction.atomic():
            save_audited(
                actor=request.user,
                obj=obj or model(),
                creating=obj is None,
                fields=(*fields, "unit"),
                values=values,
            )
        messages.success(request, _("保存しました。"))
        return redirect(f"{_setup_url()}{'?unit=' + str(unit.pk) if unit else ''}")
    return render(
        request,
        "rosters/setup_form.html",
        {"form": form, "title": title, "unit": unit, "scoped": True},
    )


@capability_required(Capability.PLAN_ROSTERS)
def policy_edit(request: HttpRequest) -> HttpResponse:
    return _singleton_edit(
        request,
        TeleworkPolicy,
        PolicyForm,
        _("在宅勤務の実施要件"),
        (
            "allowed_employment_types",
            "exclude_personal_data_work",
            "requires_head_approval",
            "weekly_cap",
            "min_office_days",
        ),
    )


@capability_required(Capability.PLAN_ROSTERS)
def rules_edit(request: HttpRequest) -> HttpResponse:
    return _singleton_edit(
        request,
        WorkRules,
        WorkRulesForm,
        _("勤務ルール"),
        (
            "max_consecutive_days",
            "max_weekends",
            "substitute_window_before",
            "substitute_window_after",
            "split_mode",
            "fairness_weight",
        ),
    )


@capability_required(Capability.PLAN_ROSTERS)
def people(request: HttpRequest) -> HttpResponse:
    """Everyone in scope with their team and telework eligibility, each rule met or not."""
    unit = _scope_unit(request)
    staff = org_selectors.visible_staff(request.user).filter(active=True).select_related("unit")
    if unit is not None:
        staff = staff.filter(unit__path__startswith=unit.path)
    staff = list(staff.order_by("unit__path", "staff_number")[:1000])
    elig = eligibility.evaluate_many(staff)
    profiles = {p.staff_id: p for p in StaffWorkProfile.objects.filter(staff__in=staff)}
    rows = [{"staff": s, "profile": profiles.get(s.pk), "eligibility": elig[s.pk]} for s in staff]
    return render(request, "rosters/people.html", {"rows": rows, "unit": unit})


@capability_required(Capability.PLAN_ROSTERS)
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    staff = org_selectors.visible_staff(request.user).filter(pk=pk).first()
    if staff is None:
        raise Http404
    profile = StaffWorkProfile.objects.filter(staff=staff).first()
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        fields = ("team", "telework_approved", "handles_personal_data", "life_event")
        with transaction.atomic():
            save_audited(
                actor=request.user,
                obj=profile or StaffWorkProfile(staff=staff),
                creating=profile is None,
                fields=fields,
                values={k: form.cleaned_data[k] for k in fields},
            )
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
