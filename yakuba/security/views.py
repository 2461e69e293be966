from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yakuba.core.permissions import login_required
from yakuba.security import hub


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own security duties, as the security apps register them."""
    return render(request, "security/home.html", {"sections": hub.sections_for(request)})
