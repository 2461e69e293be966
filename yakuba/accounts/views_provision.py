"""HR / system-administrator pages: create accounts for the staff list, follow a run,
download its activation sheets, reissue one person's activation."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakuba.accounts import provisioning
from yakuba.accounts.forms_activation import ProvisionScopeForm, ReissueForm
from yakuba.accounts.models import ActivationSheet, ProvisionRun
from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability, Role
from yakuba.core.downloads import download
from yakuba.core.permissions import capability_required, get_for_user_or_404


def _request_base(request: AuthenticatedHttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@capability_required(Capability.PROVISION_ACCOUNTS)
def provision(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose who gets an account; the counts are shown before anything is created."""
    from yakuba.accounts.directory import DirectoryConfig

    form = ProvisionScopeForm(request.GET or None)
    counts = None
    if form.is_bound and form.is_valid():
        people = provisioning.scope_staff(
            scope=form.cleaned_data["scope"],
            unit=form.cleaned_data.get("unit"),
            import_batch=form.cleaned_data.get("import_batch"),
        )
        counts = provisioning.preview(people, form.cleaned_data["deliver"])
    return render(
        request,
        "accounts/provision.html",
        {
            "form": form,
            "counts": counts,
            "runs": ProvisionRun.objects.select_related("unit", "created_by", "target_user")[:15],
            "directory_enabled": DirectoryConfig.from_settings().enabled,
        },
    )


@require_POST
@capability_required(Capability.PROVISION_ACCOUNTS)
def provision_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProvisionScopeForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "accounts/provision.html",
            {"form": form, "counts": None, "runs": ProvisionRun.objects.none()},
            status=400,
        )
    run = provisioning.start_provision_run(
        actor=request.user,
        scope=form.cleaned_data["scope"],
        deliver=form.cleaned_data["deliver"],
        unit=form.cleaned_data.get("unit"),
        import_batch=form.cleaned_data.get("import_batch"),
        request_base_url=_request_base(request),
    )
    messages.success(request, _("アカウントの作成を受け付けました。"))
    return redirect("accounts:provision_run", pk=run.pk)


@capability_required(Capability.PROVISION_ACCOUNTS)
def provision_run(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = get_for_user_or_404(
        ProvisionRun.objects.select_related("unit", "created_by", "target_user", "import_batch"),
        request.user,
        pk,
    )
    context = {"run": run, "sheets": list(run.sheets.all())}
    if request.headers.get("HX-Request"):
        return render(request, "accounts/partials/provision_run_status.html", context)
    return render(request, "accounts/provision_run.html", context)


@require_POST
@capability_required(Capability.PROVISION_ACCOUNTS)
def sheet_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The PDF of one unit's sheets (live codes): a POST, audited per download."""
    sheet = get_for_user_or_404(ActivationSheet.objects.select_related("run"), request.user, pk)
    if not sheet.available:
        messages.error(
            request,
            _("このシートは保存期間が過ぎたため削除されました。必要なら再発行してください。"),
        )
        return redirect("accounts:provision_run", pk=sheet.run_id)
    with sheet.file.open("rb") as handle:
        body = handle.read()
    ActivationSheet.objects.filter(pk=sheet.pk).update(downloads=F("downloads") + 1)
    return download(
        body,
        filename=_("有効化シート_%(unit)s_%(run)d.pdf")
        % {"unit": sheet.unit_name, "run": sheet.run_id},
        content_type="application/pdf",
        actor=request.user,
        object_type="accounts.activation_sheet",
        object_repr=sheet.unit_name,
        changes={"sheet": sheet.pk, "run": sheet.run_id, "people": sheet.people},
    )


@capability_required(Capability.PROVISION_ACCOUNTS)
def reissue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Send one person a new activation link (mail or sheet)."""
    target = get_object_or_404(provisioning.reissuable_accounts(), pk=pk)
    if target.is_privileged and request.user.role != Role.SYSADMIN:
        # Same rule as roles: only the system administrator touches privileged accounts.
        raise PermissionDenied("only a system admin reissues a privileged account")
    staff = target.staff
    form = ReissueForm(request.POST or None, has_email=bool(staff.email or target.email))
    if request.method == "POST" and form.is_valid():
        try:
            run = provisioning.start_reissue(
                actor=request.user,
                user=target,
                deliver=form.cleaned_data["deliver"],
                revoke_password=form.cleaned_data["revoke_password"],
                request_base_url=_request_base(request),
            )
        except provisioning.ReissueRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _("%(name)s さんの有効化の案内を再発行しました。以前の案内は使えなくなりました。")
                % {"name": staff.name},
            )
            return redirect("accounts:provision_run", pk=run.pk)
    return render(
        request,
        "accounts/reissue.html",
        {
            "form": form,
            "target": target,
            "staff": staff,
            "has_password": target.has_usable_password(),
        },
    )
