"""Readiness pages. Thin: forms validate, services write, selectors scope."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.permissions import capability_required, get_for_user_or_404, login_required
from yakuba.readiness import selectors, services
from yakuba.readiness.forms import ChecklistForm, ItemForm, PeopleFilterForm, SettingsForm
from yakuba.readiness.models import ChecklistItem, ReadinessSettings
from yakuba.readiness.requirements import CHECKLIST
from yakuba.readiness.status import Status
from yakuba.security import gate


def _my_staff(request: HttpRequest) -> Any:
    staff = getattr(request.user, "staff", None)
    return staff if staff is not None and staff.active else None


@login_required
def checklist(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's own checklist: where they stand, what to do, and the questions."""
    staff = _my_staff(request)
    items = selectors.active_items()
    form = ChecklistForm(request.POST or None, items=items)
    if request.method == "POST":
        if staff is None:
            raise PermissionDenied("no staff record")
        if form.is_valid():
            try:
                submission = services.submit_checklist(
                    actor=request.user, staff=staff, answers=form.answers()
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if submission.complete and submission.valid_until:
                    messages.success(
                        request,
                        _("準備チェックを記録しました。%(date)s まで有効です。")
                        % {"date": submission.valid_until.isoformat()},
                    )
                else:
                    messages.warning(
                        request,
                        ngettext(
                            "記録しました。できていない項目が %(n)s 件あります。"
                            "下の「すること」を確認し、対応してからもう一度答えてください。",
                            "記録しました。できていない項目が %(n)s 件あります。"
                            "下の「すること」を確認し、対応してからもう一度答えてください。",
                            submission.open_items,
                        )
                        % {"n": submission.open_items},
                    )
                return redirect("readiness:checklist")
    found = selectors.my_standing(staff) if staff is not None else None
    to_do = []
    if found is not None and found.status == Status.INCOMPLETE and found.submission:
        to_do = [a for a in found.submission.answers if not a.get("done")]
    # The other telework requirements (the checklist itself is the standing above them).
    requirements = (
        [
            {"label": r.label, "verdict": v}
            for r, v in gate.verdicts([staff.pk])[staff.pk]
            if r.code != CHECKLIST
        ]
        if staff is not None
        else []
    )
    return render(
        request,
        "readiness/checklist.html",
        {
            "form": form,
            "staff": staff,
            "standing": found,
            "to_do": to_do,
            "requirements": requirements,
            "office": ReadinessSettings.current(),
        },
    )


@capability_required(Capability.VIEW_READINESS)
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Readiness by person: unit heads their units, infosec the office. Each view of the
    list is audited (it shows named people's standing)."""
    units = selectors.units_for_filter(request.user)
    filters = PeopleFilterForm(request.GET or None, units=units)
    values = filters.values()
    table = selectors.readiness_by_person(request.user, **values)
    record(
        AuditAction.VIEW_SENSITIVE,
        actor=request.user,
        object_type="readiness.checklistsubmission",
        object_repr="telework readiness by person",
        changes={
            "unit": values["unit"].pk if values["unit"] else None,
            "status": values["status"],
            "everyone": values["everyone"],
            "people": len(table.rows),
        },
    )
    return render(
        request,
        "readiness/people.html",
        {
            "filters": filters,
            "table": table,
            "statuses": [(s, label, table.counts[s]) for s, label in Status.choices],
            "can_manage": request.user.can(Capability.MANAGE_READINESS),
            "office": ReadinessSettings.current(),
            # The other filters, kept when a status count is followed.
            "unit_query": urlencode(
                {
                    k: v
                    for k, v in (
                        ("unit", values["unit"].pk if values["unit"] else ""),
                        ("everyone", "on" if values["everyone"] else ""),
                    )
                    if v
                }
            ),
        },
    )


@capability_required(Capability.MANAGE_READINESS)
def setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    office = ReadinessSettings.current()
    form = SettingsForm(request.POST or None, instance=office)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_settings(actor=request.user, values=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("設定を保存しました。"))
            return redirect("readiness:setup")
    return render(
        request,
        "readiness/setup.html",
        {"form": form, "items": ChecklistItem.objects.all()},
    )


def _item_view(request: AuthenticatedHttpRequest, item: ChecklistItem | None) -> HttpResponse:
    form = ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_item(actor=request.user, item=item, values=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("項目を保存しました。"))
            return redirect("readiness:setup")
    return render(request, "readiness/item_form.html", {"form": form, "item": item})


@capability_required(Capability.MANAGE_READINESS)
def item_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _item_view(request, None)


@capability_required(Capability.MANAGE_READINESS)
def item_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _item_view(request, get_for_user_or_404(ChecklistItem.objects.all(), request.user, pk))
