"""Drill pages for infosec, the auditor and unit heads. Thin: forms validate, services
write, selectors scope. The public tracking pages are in `views_public`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core import charts
from yakuba.core.downloads import download
from yakuba.core.permissions import capability_required, get_for_user_or_404
from yakuba.core.tabular import XLSX_CONTENT_TYPE
from yakuba.drills import exporting, selectors, services
from yakuba.drills.forms import DrillForm, TemplateForm
from yakuba.drills.models import Drill, DrillTemplate
from yakuba.rosters.audience import Audience, AudienceForm, resolve

VIEW = Capability.VIEW_DRILL_RESULTS
MANAGE = Capability.MANAGE_DRILLS
TIMELINE_PAGE = 100


def _drill(request: HttpRequest, pk: int) -> Drill:
    return get_for_user_or_404(selectors.visible_drills, request.user, pk)


@capability_required(VIEW, MANAGE)
def drill_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    drills = list(selectors.visible_drills(request.user).select_related("template"))
    return render(
        request,
        "drills/drill_list.html",
        {"drills": drills, "can_manage": selectors.can_manage(request.user)},
    )


def _unit_chart(results: selectors.Results) -> SafeString:
    units = [u for u in results.units if u.delivered]
    return charts.bar_chart(
        charts.Chart(
            title=_("所属ごとのクリック率（濃い青）と報告率（緑）"),
            categories=[u.label for u in units],
            series=[
                charts.Series(_("クリック率"), [u.clicked_rate for u in units], charts.NAVY),
                charts.Series(_("報告率"), [u.reported_rate for u in units], charts.GREEN),
            ],
            unit="%",
            y_max=100,
            point_titles=[
                _("%(unit)s：クリック %(clicked)s%%、報告 %(reported)s%%（配信 %(n)s 人）")
                % {
                    "unit": u.label,
                    "clicked": u.clicked_rate,
                    "reported": u.reported_rate,
                    "n": u.delivered,
                }
                for u in units
            ],
            chart_id="drill-units",
            label_every=1,
        )
    )


@capability_required(VIEW, MANAGE)
def drill_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    drill = _drill(request, pk)
    can_manage = selectors.can_manage(request.user)
    context: dict[str, object] = {
        "drill": drill,
        "can_manage": can_manage,
        "can_see_recipients": selectors.can_see_recipients(request.user),
        "office_wide": selectors.office_wide(request.user),
    }
    if drill.launched:
        results = selectors.results(request.user, drill)
        context["results"] = results
        context["chart"] = _unit_chart(results)
        if can_manage:
            context["sending"] = selectors.sending(drill)
    elif can_manage:
        people = resolve(Audience.from_json(drill.audience))
        context["expected"] = people.count()
        context["expected_without_address"] = people.filter(
            Q(email=""), Q(user__isnull=True) | Q(user__email="")
        ).count()
    return render(request, "drills/drill_detail.html", context)


def _drill_form_page(request: AuthenticatedHttpRequest, drill: Drill | None) -> HttpResponse:
    instance = drill or Drill()
    initial_audience = AudienceForm.initial_for(Audience.from_json(instance.audience))
    form = DrillForm(request.POST or None, instance=instance)
    audience_form = AudienceForm(request.POST or None, prefix="audience", initial=initial_audience)
    # Both forms validated, so every problem is shown at once.
    valid = request.method == "POST" and all([form.is_valid(), audience_form.is_valid()])
    if valid:
        try:
            saved = services.save_drill(
                actor=request.user,
                drill=instance,
                data=form.cleaned_data,
                audience=audience_form.audience(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("訓練を保存しました。"))
            return redirect("drills:drill_detail", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "drills/drill_form.html",
        {"form": form, "audience_form": audience_form, "drill": drill},
        status=status,
    )


@capability_required(MANAGE)
def drill_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _drill_form_page(request, None)


@capability_required(MANAGE)
def drill_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    drill = _drill(request, pk)
    if drill.launched:
        messages.error(request, _("送信を始めた訓練は変更できません。"))
        return redirect("drills:drill_detail", pk=drill.pk)
    return _drill_form_page(request, drill)


def _act(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    drill = _drill(request, pk)
    try:
        if action == "launch":
            count = services.launch(actor=request.user, drill=drill)
            messages.success(
                request,
                _("%(n)s 人への送信を予約しました。送信の期間に少しずつ送ります。") % {"n": count},
            )
        elif action == "resend":
            count = services.resend(actor=request.user, drill=drill)
            messages.success(request, _("%(n)s 通を再送します。") % {"n": count})
        else:
            if services.finish(actor=request.user, drill=drill):
                messages.success(
                    request,
                    _("訓練を終了しました。結果を確定し、フォローアップの学習を割り当てました。"),
                )
            else:
                messages.info(request, _("この訓練は既に終了しています。"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("drills:drill_detail", pk=drill.pk)


@require_POST
@capability_required(MANAGE)
def drill_launch(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "launch")


@require_POST
@capability_required(MANAGE)
def drill_resend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "resend")


@require_POST
@capability_required(MANAGE)
def drill_finish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "finish")


@capability_required(VIEW, MANAGE)
def drill_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    drill = _drill(request, pk)
    results = selectors.results(request.user, drill)
    return download(
        lambda: exporting.results_xlsx(drill, results),
        filename=f"drill-{drill.pk}-results.xlsx",
        content_type=XLSX_CONTENT_TYPE,
        actor=request.user,
        object_type="drills.drill",
        object_repr=f"drill {drill.pk} results by unit (xlsx)",
        changes={"units": len(results.units)},
    )


@capability_required(Capability.VIEW_DRILL_RECIPIENTS)
def drill_recipients(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Each recipient's timeline: infosec only, and every view is audited."""
    drill = _drill(request, pk)
    if not selectors.can_see_recipients(request.user):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("drill timelines are office-wide reads")
    page = Paginator(selectors.timeline(drill), TIMELINE_PAGE).get_page(request.GET.get("page"))
    record(
        AuditAction.VIEW_SENSITIVE,
        actor=request.user,
        obj=drill,
        object_repr=f"drill {drill.pk} recipient timeline",
        changes={"page": page.number, "people": len(page.object_list)},
    )
    return render(
        request,
        "drills/drill_recipients.html",
        {"drill": drill, "page": page, "fake_form": bool(drill.content.get("fake_form"))},
    )


# --- templates ----------------------------------------------------------------------------


@capability_required(MANAGE)
def template_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "drills/template_list.html", {"templates": list(selectors.templates())})


def _template_form_page(
    request: AuthenticatedHttpRequest, template: DrillTemplate | None
) -> HttpResponse:
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_template(
                actor=request.user,
                template=template or DrillTemplate(),
                data=form.cleaned_data,
                creating=template is None,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("テンプレートを保存しました。"))
            return redirect("drills:template_edit", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "drills/template_form.html",
        {"form": form, "template_obj": template},
        status=status,
    )


@capability_required(MANAGE)
def template_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _template_form_page(request, None)


@capability_required(MANAGE)
def template_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _template_form_page(
        request, get_for_user_or_404(DrillTemplate.objects.all(), request.user, pk)
    )


@require_POST
@capability_required(MANAGE)
def template_load(request: AuthenticatedHttpRequest) -> HttpResponse:
    added = services.load_shipped_templates(request.user)
    if added:
        messages.success(
            request, _("用意されたテンプレートを %(n)s 件追加しました。") % {"n": added}
        )
    else:
        messages.info(request, _("用意されたテンプレートは、すべて追加済みです。"))
    return redirect("drills:template_list")


@capability_required(MANAGE)
def template_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The landing page as a recipient would see it (nothing is recorded)."""
    from yakuba.drills.content import snapshot
    from yakuba.drills.views_public import lesson_context

    template = get_for_user_or_404(DrillTemplate.objects.all(), request.user, pk)
    context = lesson_context(snapshot(template), event="clicked")
    context.update(preview=True, now=timezone.now())
    return render(request, "drills/landing.html", context)
