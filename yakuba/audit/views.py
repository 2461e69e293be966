from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags
from django.views.decorators.http import require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.audit.forms import AuditFilterForm
from yakuba.audit.models import AuditEntry
from yakuba.audit.selectors import filtered_entries
from yakuba.audit.services import verify_chain
from yakuba.core.downloads import table_download
from yakuba.core.permissions import capability_required


def _filters(request: HttpRequest) -> tuple[AuditFilterForm, dict]:
    form = AuditFilterForm(request.GET or None)
    return form, (form.cleaned_data if form.is_valid() else {})


@capability_required(Capability.VIEW_AUDIT)
def entry_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    page = Paginator(filtered_entries(request.user, filters), 50).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "audit/entry_list.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring.urlencode(),
            "total": AuditEntry.objects.count(),
        },
    )


@capability_required(Capability.VIEW_AUDIT)
def entry_export(request: HttpRequest) -> HttpResponse:
    _form, filters = _filters(request)
    entries = filtered_entries(request.user, filters)
    header = [
        "seq",
        "at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "object",
        "changes",
        "ip",
        "hash",
    ]
    rows = (
        [
            e.seq,
            timezone.localtime(e.at).isoformat(),
            e.actor_label,
            e.action,
            e.object_type,
            e.object_id,
            e.object_repr,
            json.dumps(e.changes, ensure_ascii=False),
            e.ip_address or "",
            e.entry_hash,
        ]
        for e in entries.iterator()
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return table_download(
        header,
        rows,
        fmt="csv",
        stem=f"yakuba-audit-{stamp}",
        actor=request.user,
        object_type="audit.export",
        changes={"filters": {k: str(v) for k, v in filters.items() if v}},
    )


@require_POST
@capability_required(Capability.VIEW_AUDIT)
def chain_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    problem = verify_chain()
    context = {"problem": problem, "count": AuditEntry.objects.count()}
    if request.htmx:
        return render(request, "audit/partials/verify_result.html", context)
    text = render_to_string("audit/partials/verify_result.html", context, request=request)
    (messages.error if problem else messages.success)(request, strip_tags(text).strip())
    return redirect("audit:entry_list")
