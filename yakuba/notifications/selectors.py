"""Scoped reads: a unit head sees their unit and below; HR and admins the whole office."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from yakuba.notifications.models import Channel, Delivery, DeliveryStatus, Notice
from yakuba.org.models import Unit


def units_in_scope(user: Any) -> QuerySet[Unit]:
    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    if user.is_office_wide:
        return Unit.objects.all()
    staff = getattr(user, "staff", None)
    if staff is None:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=staff.unit.path)


def channels_for(user: Any) -> QuerySet[Channel]:
    return Channel.objects.filter(unit__in=units_in_scope(user)).select_related("unit")


def failed_deliveries_for(user: Any, limit: int = 50) -> list[Delivery]:
    """Chat posts that are failing or gave up, for the heads of the channels' units."""
    return list(
        Delivery.objects.filter(
            channel__in=channels_for(user),
            status__in=(DeliveryStatus.RETRYING, DeliveryStatus.FAILED),
        )
        .select_related("channel")
        .order_by("-created_at")[:limit]
    )


def channel_heads(channel: Channel) -> list[Any]:
    """Unit heads of the channel's unit, or of the nearest unit above that has one."""
    from django.contrib.auth import get_user_model

    from yakuba.accounts.roles import Role

    user_model = get_user_model()
    unit = channel.unit
    for candidate in [unit, *reversed(unit.ancestors())]:
        heads = list(
            user_model.objects.filter(
                role=Role.UNIT_HEAD, is_active=True, staff__unit=candidate, staff__active=True
            )
        )
        if heads:
            return heads
    return []


def notices_for(user: Any) -> QuerySet[Notice]:
    return Notice.objects.filter(recipient=user)
