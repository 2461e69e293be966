"""Infosec's pages: courses, campaigns (draft → launch), reminder settings; and the
progress of each campaign by unit for everyone who follows it (scoped, see selectors)."""

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
from yakuba.awareness.models import Lesson, Question
from yakuba.campaigns import content, exporting, selectors, services
from yakuba.campaigns.forms import CampaignForm, CourseForm, SettingsForm
from yakuba.campaigns.models import Campaign, CampaignSettings, Course
from yakuba.core.permissions import capability_required, get_for_user_or_404
from yakuba.rosters.audience import Audience, AudienceForm, previous_month, resolve

MANAGE = Capability.MANAGE_AWARENESS
PROGRESS = Capability.VIEW_AWARENESS_PROGRESS
AUDIENCE_PREFIX = "aud"


def _bank() -> dict[str, Any]:
    """The bank's codes, for the reference list next to the code box."""
    return {
        "bank_lessons": Lesson.objects.filter(active=True).order_by("topic", "code"),
        "bank_questions": Question.objects.filter(active=True).order_by("topic", "code"),
    }


# --- campaigns ---------------------------------------------------------------------------


@capability_required(MANAGE, PROGRESS)
def campaign_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    campaigns = list(selectors.visible_campaigns(request.user))
    totals = selectors.campaign_totals(request.user, campaigns, today)
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "rows": [{"campaign": c, "total": totals.get(c.pk)} for c in campaigns],
            "can_manage": selectors.can_manage(request.user),
            "today": today,
        },
    )


@capability_required(MANAGE, PROGRESS)
def campaign_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_for_user_or_404(selectors.visible_campaigns, request.user, pk)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "campaign": campaign,
        "can_manage": selectors.can_manage(request.user),
        "sees_names": selectors.sees_names(request.user),
        "today": today,
        "steps": content.items_of(course=campaign.course)
        if campaign.course_id
        else content.items_of(campaign=campaign),
    }
    if campaign.launched:
        context["progress"] = selectors.progress_by_unit(request.user, campaign, today)
        context["overdue"] = selectors.overdue_people(request.user, campaign, today)
        context["reminders"] = list(campaign.reminders.order_by("sent_on", "pk"))
    else:
        context["audience_count"] = resolve(Audience.from_json(campaign.audience)).count()
    return render(request, "campaigns/campaign_detail.html", context)


@capability_required(MANAGE, PROGRESS)
def campaign_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_for_user_or_404(selectors.visible_campaigns, request.user, pk)
    return exporting.progress_download(request.user, campaign, timezone.localdate())


def _audience_data(request: AuthenticatedHttpRequest) -> Any:
    """The posted form, with the one-click preset (「先月在宅勤務した人」) applied."""
    data = request.POST.copy()
    if request.POST.get("preset") == "teleworked_last_month":
        start, end = previous_month(timezone.localdate())
        data[f"{AUDIENCE_PREFIX}-teleworked_from"] = start.isoformat()
        data[f"{AUDIENCE_PREFIX}-teleworked_to"] = end.isoformat()
    return data


def _campaign_form(request: AuthenticatedHttpRequest, campaign: Campaign | None) -> HttpResponse:
    if request.method == "POST":
        data = _audience_data(request)
        form = CampaignForm(data, instance=campaign)
        audience_form = AudienceForm(data, prefix=AUDIENCE_PREFIX)
        preset = bool(request.POST.get("preset"))
        if preset:
            form.errors.clear()  # a preset only fills the form in: no complaints yet
            messages.info(
                request, _("対象に「先月在宅勤務した人」を設定しました。保存してください。")
            )
        elif form.is_valid() and audience_form.is_valid():
            values = {k: form.cleaned_data[k] for k in services.CAMPAIGN_FIELDS}
            try:
                saved = services.save_campaign(
                    actor=request.user,
                    campaign=campaign,
                    values=values,
                    audience=audience_form.audience(),
                    items=form.items,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("キャンペーン「%(title)s」を保存しました。") % {"title": saved}
                )
                return redirect("campaigns:campaign_detail", pk=saved.pk)
    else:
        form = CampaignForm(instance=campaign)
        initial = AudienceForm.initial_for(
            Audience.from_json(campaign.audience) if campaign else Audience()
        )
        audience_form = AudienceForm(initial=initial, prefix=AUDIENCE_PREFIX)
    start, end = previous_month(timezone.localdate())
    return render(
        request,
        "campaigns/campaign_form.html",
        {
            "form": form,
            "audience_form": audience_form,
            "campaign": campaign,
            "last_month": (start, end),
            **_bank(),
        },
    )


@capability_required(MANAGE)
def campaign_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _campaign_form(request, None)


@capability_required(MANAGE)
def campaign_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_for_user_or_404(selectors.visible_campaigns, request.user, pk)
    if campaign.launched:
        messages.error(request, _("開始したキャンペーンは変更できません。"))
        return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return _campaign_form(request, campaign)


@require_POST
@capability_required(MANAGE)
def campaign_launch(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_for_user_or_404(selectors.visible_campaigns, request.user, pk)
    try:
        assigned = services.launch(actor=request.user, campaign=campaign)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(
            request,
            _("キャンペーンを開始しました。%(n)s 名に割り当てました。") % {"n": assigned},
        )
    return redirect("campaigns:campaign_detail", pk=campaign.pk)


# --- courses -----------------------------------------------------------------------------


@capability_required(MANAGE)
def course_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    courses = Course.objects.order_by("-active", "title")
    return render(request, "campaigns/course_list.html", {"courses": courses})


def _course_form(request: AuthenticatedHttpRequest, course: Course | None) -> HttpResponse:
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in services.COURSE_FIELDS}
        try:
            saved = services.save_course(
                actor=request.user, course=course, values=values, items=form.items
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("研修「%(title)s」を保存しました。") % {"title": saved})
            return redirect("campaigns:course_list")
    return render(
        request, "campaigns/course_form.html", {"form": form, "course": course, **_bank()}
    )


@capability_required(MANAGE)
def course_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _course_form(request, None)


@capability_required(MANAGE)
def course_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _course_form(request, get_for_user_or_404(Course.objects.all(), request.user, pk))


@capability_required(MANAGE)
def settings_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = CampaignSettings.current()
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in services.SETTINGS_FIELDS}
        services.save_settings(actor=request.user, values=values)
        messages.success(request, _("催促の設定を保存しました。"))
        return redirect("campaigns:settings")
    return render(request, "campaigns/settings.html", {"form": form})
