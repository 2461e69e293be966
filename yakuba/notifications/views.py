"""Notices (every signed-in user) and chat channels (unit heads, HR, admins)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core.permissions import capability_required, get_for_user_or_404, login_required
from yakuba.notifications import outbound, selectors, services
from yakuba.notifications.forms import ChannelForm, ChatIdentityForm
from yakuba.notifications.models import MENTION_KINDS
from yakuba.notifications.outbound import WebhookRefused
from yakuba.org.models import Staff


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    notices = list(selectors.notices_for(request.user)[:100])
    return render(request, "notifications/inbox.html", {"notices": notices})


@require_POST
@login_required
def mark_read(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(request.user)
    return redirect("notifications:inbox")


@capability_required(Capability.MANAGE_CHANNELS)
def channel_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    units = selectors.units_in_scope(request.user)
    form = ChannelForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_channel(
                actor=request.user,
                unit=form.cleaned_data["unit"],
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                url=form.cleaned_data["url"],
            )
        except WebhookRefused as exc:  # e.g. the name resolves elsewhere since the form check
            form.add_error("url", exc)
        else:
            messages.success(request, _("チャット連携を追加しました。"))
            return redirect("notifications:channel_list")
    channels = list(selectors.channels_for(request.user))
    for channel in channels:
        # Saved before the current settings (or before them at all): say so on the row.
        channel.refusal = outbound.refusal(channel.get_url())
    return render(
        request,
        "notifications/channel_list.html",
        {
            "channels": channels,
            "failures": selectors.failed_deliveries_for(request.user),
            "form": form,
            "allowed_hosts": outbound.allowed_hosts(),
            "allow_http": outbound.Policy.from_settings().allow_http,
        },
    )


@require_POST
@capability_required(Capability.MANAGE_CHANNELS)
def channel_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    channel = get_for_user_or_404(selectors.channels_for, request.user, pk)
    services.delete_channel(actor=request.user, channel=channel)
    messages.success(request, _("チャット連携を削除しました。"))
    return redirect("notifications:channel_list")


def _chat_identity_form(
    request: AuthenticatedHttpRequest, staff: Staff, *, self_service: bool
) -> HttpResponse:
    current = selectors.chat_handles([staff.pk]).get(staff.pk, {})
    form = ChatIdentityForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.set_chat_identities(
                actor=request.user,
                staff=staff,
                handles={kind: form.cleaned_data[kind] for kind in MENTION_KINDS},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if changed:
                messages.success(request, _("チャットのIDを保存しました。"))
            if self_service:
                return redirect("accounts:profile")
            return redirect("org:staff_detail", pk=staff.pk)
    context: dict[str, Any] = {"form": form, "staff": staff, "self_service": self_service}
    return render(request, "notifications/chat_identities.html", context)


@login_required
def my_chat_identities(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each person sets who they are in the office's chats (for reminders that mention them)."""
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise Http404
    return _chat_identity_form(request, staff, self_service=True)


@capability_required(Capability.EDIT_ORG)
def staff_chat_identities(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """HR and system admins (office-wide) and unit heads (their scope) set someone's chat IDs."""
    from yakuba.org.selectors import editable_staff

    staff = get_for_user_or_404(editable_staff, request.user, pk)
    return _chat_identity_form(request, staff, self_service=False)
