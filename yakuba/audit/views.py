from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from yakuba.accounts.roles import Capability
from yakuba.core.permissions import capability_required


@capability_required(Capability.VIEW_AUDIT)
def entry_list(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


@capability_required(Capability.VIEW_AUDIT)
def entry_export(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


@capability_required(Capability.VIEW_AUDIT)
def chain_verify(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
