"""Pages of the register. Thin: forms validate, services write, selectors scope."""

from __future__ import annotations

import contextlib
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core.downloads import download
from yakuba.core.permissions import capability_required, get_for_user_or_404
from yakuba.core.tabular import XLSX_CONTENT_TYPE
from yakuba.problems import exporting, periods, selectors, services, sources
from yakuba.problems.forms import (
    CountermeasureForm,
    EvidenceFormSet,
    FilterForm,
    PeriodForm,
    ProblemForm,
    evidence_initial,
)
from yakuba.problems.models import Countermeasure, Problem, Status


def _filtered(request: HttpRequest) -> tuple[FilterForm, list[Problem]]:
    form = FilterForm(request.GET or None)
    values = form.values()
    today = timezone.localdate()
    problems = list(
        selectors.register_rows(
            request.user,
            status=values["status"],
            unit=values["unit"],
            source_kind=values["source"],
            overdue_on=today if values["overdue"] else None,
        )
    )
    return form, problems


def _source(problem: Problem, user: Any) -> dict[str, str]:
    return {
        "text": sources.describe(
            problem.source_kind, problem.source_id, problem.source_key, problem.source_label
        ),
        "url": sources.url_for(problem.source_kind, problem.source_id, problem.source_key, user),
    }


@capability_required(Capability.VIEW_PROBLEMS)
def register(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, problems = _filtered(request)
    today = timezone.localdate()
    rows = [
        {
            "problem": p,
            "source": _source(p, request.user),
            "measures": [
                {"cm": c, "overdue": c.is_overdue(today)} for c in p.countermeasures.all()
            ],
        }
        for p in problems
    ]
    return render(
        request,
        "problems/register.html",
        {
            "form": form,
            "rows": rows,
            "query": request.GET.urlencode(),
            "can_manage": selectors.can_manage(request.user),
            "manages_all": selectors.manages_all(request.user),
        },
    )


@capability_required(Capability.VIEW_PROBLEMS)
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    _form, problems = _filtered(request)
    stamp = timezone.localdate().isoformat()
    return download(
        lambda: exporting.to_xlsx(problems, timezone.localdate()),
        filename=f"課題と対応策-{stamp}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
        actor=request.user,
        object_type="problems.problem",
        object_repr=f"problems register {stamp} ({len(problems)} problems, xlsx)",
        changes={"filters": request.GET.urlencode()[:300]},
    )


@capability_required(Capability.VIEW_PROBLEMS)
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    problem = get_for_user_or_404(selectors.visible_problems, request.user, pk)
    today = timezone.localdate()
    editable = set(
        selectors.editable_countermeasures(request.user)
        .filter(problem=problem)
        .values_list("pk", flat=True)
    )
    measures = [
        {"cm": c, "overdue": c.is_overdue(today), "editable": c.pk in editable}
        for c in problem.countermeasures.select_related("unit").order_by("order", "pk")
    ]
    reviews = list(selectors.reviews_of(problem))
    history: list[dict[str, Any]] = []
    for review in reviews:
        key = (review.period_start, review.period_end)
        if not history or history[-1]["key"] != key:
            history.append({"key": key, "label": review.period_label, "reviews": []})
        history[-1]["reviews"].append(review)
    return render(
        request,
        "problems/detail.html",
        {
            "problem": problem,
            "source": _source(problem, request.user),
            "evidence": list(problem.evidence.all()),
            "measures": measures,
            "history": history,
            "fiscal_year": periods.fiscal_year_label(problem.fiscal_year),
            "can_edit": selectors.may_edit_problem(request.user, problem),
        },
    )


def _evidence(formset: Any) -> list[services.Evidence]:
    return [
        services.Evidence(
            label=f.cleaned_data["label"],
            url=f.cleaned_data.get("url", ""),
            reference=f.cleaned_data.get("reference", ""),
        )
        for f in formset.forms
        if f.filled and not f.cleaned_data.get("DELETE")
    ]


def _problem_form(request: AuthenticatedHttpRequest, problem: Problem | None) -> HttpResponse:
    ref = sources.from_query(request.GET) if problem is None else None
    initial: dict[str, Any] = {}
    if problem is None:
        staff = getattr(request.user, "staff", None)
        if (
            staff is not None
            and selectors.editable_units(request.user).filter(pk=staff.unit_id).exists()
        ):
            initial["unit"] = staff.unit_id
    if ref is not None:
        # Shown as given when it does not check out; checked again (and refused) when saved.
        with contextlib.suppress(ValidationError):
            ref = sources.check(ref)
        initial.update(
            source_kind=ref.kind, source_id=ref.id, source_key=ref.key, source_label=ref.label
        )
    data = request.POST if request.method == "POST" else None
    form = ProblemForm(data, instance=problem, initial=initial, user=request.user)
    formset = EvidenceFormSet(data, initial=evidence_initial(problem), prefix="evidence")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        values = {k: form.cleaned_data[k] for k in services.PROBLEM_FIELDS}
        try:
            saved = services.save_problem(
                actor=request.user, problem=problem, values=values, evidence=_evidence(formset)
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("課題「%(title)s」を保存しました。") % {"title": saved})
            return redirect("problems:detail", pk=saved.pk)
    return render(
        request,
        "problems/problem_form.html",
        {
            "form": form,
            "formset": formset,
            "problem": problem,
            "ref": ref,
            "ref_text": sources.describe(ref.kind, ref.id, ref.key, ref.label) if ref else "",
        },
    )


@capability_required(Capability.MANAGE_PROBLEMS)
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _problem_form(request, None)


@capability_required(Capability.MANAGE_PROBLEMS)
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _problem_form(
        request, get_for_user_or_404(selectors.editable_problems, request.user, pk)
    )


def _countermeasure_form(
    request: AuthenticatedHttpRequest, problem: Problem, countermeasure: Countermeasure | None
) -> HttpResponse:
    initial: dict[str, Any] = {}
    if countermeasure is None:
        initial["unit"] = problem.unit_id
    form = CountermeasureForm(
        request.POST if request.method == "POST" else None,
        instance=countermeasure,
        initial=initial,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        values = {
            k: form.cleaned_data[k] for k in ("description", "unit", "due_on", "status", "reason")
        }
        try:
            saved = services.save_countermeasure(
                actor=request.user, problem=problem, countermeasure=countermeasure, values=values
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("対応策を保存しました。"))
            return redirect(saved.get_absolute_url())
    return render(
        request,
        "problems/countermeasure_form.html",
        {
            "form": form,
            "problem": problem,
            "countermeasure": countermeasure,
            "declined": Status.DECLINED.value,
        },
    )


@capability_required(Capability.MANAGE_PROBLEMS)
def countermeasure_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    problem = get_for_user_or_404(selectors.editable_problems, request.user, pk)
    return _countermeasure_form(request, problem, None)


@capability_required(Capability.MANAGE_PROBLEMS)
def countermeasure_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    countermeasure = get_for_user_or_404(selectors.editable_countermeasures, request.user, pk)
    return _countermeasure_form(request, countermeasure.problem, countermeasure)


@capability_required(Capability.MANAGE_PROBLEMS)
def review(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The planning unit records a review of every open item for a period."""
    if not selectors.manages_all(request.user):
        raise PermissionDenied("only the planning unit records period reviews")
    today = timezone.localdate()
    source = request.POST if request.method == "POST" else request.GET
    given = {k: source[k] for k in ("fiscal_year", "part") if k in source}
    period_form = PeriodForm(given or None, today=today)
    if given and period_form.is_valid():
        period = period_form.cleaned_data["period"]
    else:
        period = periods.last_quarter(today)
        if not given:
            period_form = PeriodForm(initial=PeriodForm.initial_for(period), today=today)
    query = urlencode(PeriodForm.initial_for(period))
    items = services.review_items(period)
    existing = {
        (r.problem_id, r.countermeasure_id): r
        for r in selectors.reviews_in(period.start, period.end)
    }
    errors: dict[str, str] = {}
    notes: dict[str, str] = {}
    if request.method == "POST" and period_form.is_valid():
        for item in items:
            key = _item_key(item)
            notes[key] = request.POST.get(f"note-{key}", "")
        errors = _note_errors(notes)
        if not errors:
            saved = services.record_review(actor=request.user, period=period, notes=notes)
            messages.success(
                request,
                _("%(period)sの点検を記録しました（%(n)s 件）。")
                % {"period": period.label, "n": len(saved)},
            )
            return redirect(f"{request.path}?{query}")
    rows = []
    for item in items:
        key = _item_key(item)
        previous = existing.get(
            (item.problem.pk, item.countermeasure.pk if item.countermeasure else None)
        )
        rows.append(
            {
                "item": item,
                "key": key,
                "note": notes.get(key, previous.note if previous else ""),
                "error": errors.get(key, ""),
                "reviewed": previous,
                "overdue": item.countermeasure.is_overdue(today) if item.countermeasure else False,
            }
        )
    return render(
        request,
        "problems/review.html",
        {
            "period_form": period_form,
            "period": period,
            "period_values": PeriodForm.initial_for(period),
            "rows": rows,
            "has_errors": bool(errors),
            "already": bool(existing),
        },
    )


def _item_key(item: services.ReviewItem) -> str:
    if item.countermeasure is not None:
        return f"c{item.countermeasure.pk}"
    return f"p{item.problem.pk}"


def _note_errors(notes: dict[str, str]) -> dict[str, str]:
    from yakuba.core.text import text_problem

    errors = {}
    for key, note in notes.items():
        problem = text_problem(note, max_length=2000, multiline=True)
        if problem:
            errors[key] = problem
    return errors
