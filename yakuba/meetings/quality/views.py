"""Connection quality pages: one's own figures, the anonymous summary by unit and its
thresholds (information division). Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core.permissions import capability_required, login_required
from yakuba.meetings.quality import selectors, services
from yakuba.meetings.quality.forms import QualitySettingsForm


@login_required
def quality_mine(request: HttpRequest) -> HttpResponse:
    return render(request, "meetings/quality_mine.html", {"q": selectors.mine(request.user)})


@capability_required(Capability.VIEW_CONNECTION_QUALITY)
def quality_summary(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "meetings/quality_summary.html",
        {
            "s": selectors.unit_summary(),
            "can_settings": request.user.can(Capability.MANAGE_CONNECTION_QUALITY),
        },
    )


@capability_required(Capability.MANAGE_CONNECTION_QUALITY)
def quality_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    row = selectors.settings_row()
    cfg = selectors.config()
    initial = {
        "drops_per_hour": cfg.thresholds.drops_per_hour,
        "min_hours": cfg.thresholds.min_hours,
        "window_days": cfg.window_days,
        "nudge_every_days": cfg.nudge_every_days,
        "nudges_enabled": cfg.nudges_enabled,
    }
    form = QualitySettingsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            services.save_settings(actor=request.user, values=form.cleaned_data)
            messages.success(request, _("接続品質の設定を保存しました。"))
            return redirect("meetings:quality_summary")
        status = 400
    else:
        status = 200
    return render(
        request,
        "meetings/quality_settings.html",
        {"form": form, "row": row, "min_gap": cfg.thresholds.min_gap_s},
        status=status,
    )
