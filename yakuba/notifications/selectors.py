"""Reads of notices, channels, deliveries and chat identities (writes: `services`).

Scoped reads: a unit head sees their unit and below; HR and admins the whole office.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from yakuba.accounts.roles import Role
from yakuba.notifications.models import (
    Channel,
    ChatIdentity,
    Delivery,
    DeliveryStatus,
    Notice,
    normalise_handle,
)
from yakuba.notifications.payloads import Person
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


def unit_heads(unit: Unit) -> list[Any]:
    """Active accounts of the unit's heads; if the unit has none, those of the nearest unit
    above that has one (who is told about health alerts, escalations and failed posts)."""
    user_model = get_user_model()
    for candidate in [unit, *reversed(unit.ancestors())]:
        heads = list(
            user_model.objects.filter(
                role=Role.UNIT_HEAD, is_active=True, staff__unit=candidate, staff__active=True
            )
        )
        if heads:
            return heads
    return []


def email_of(user: Any) -> str:
    """Where e-mail to `user` goes: the account's address, else the staff record's."""
    staff = getattr(user, "staff", None)
    return user.email or (staff.email if staff is not None else "")


def channel_heads(channel: Channel) -> list[Any]:
    """Unit heads of the channel's unit, or of the nearest unit above that has one."""
    return unit_heads(channel.unit)


def notices_for(user: Any) -> QuerySet[Notice]:
    return Notice.objects.filter(recipient=user)


def unread_count(user: Any) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def chat_handles(staff_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """{staff pk: {chat kind: handle}} in one query (for mentions in reminders and digests)."""
    handles: dict[int, dict[str, str]] = {}
    ids = list(staff_ids)
    if not ids:
        return handles
    for staff_id, kind, handle in ChatIdentity.objects.filter(staff_id__in=ids).values_list(
        "staff_id", "kind", "handle"
    ):
        handles.setdefault(staff_id, {})[kind] = handle
    return handles


def people_to_mention(staff: Iterable[Any]) -> list[Person]:
    """Each member of staff as a `Person` with their known chat handles (names otherwise)."""
    staff = list(staff)
    handles = chat_handles(s.pk for s in staff)
    return [Person.of(s.name, handles.get(s.pk)) for s in staff]


def staff_by_chat_handle(kind: str, handle: str) -> Any:
    """The active member of staff whose handle in `kind` is `handle` (slash commands), or None.

    Handles are unique per chat, compared case-insensitively (as the chats compare them).
    """
    handle = normalise_handle(kind, handle)
    if not handle:
        return None
    identity = (
        ChatIdentity.objects.filter(kind=kind, handle__iexact=handle, staff__active=True)
        .select_related("staff", "staff__user")
        .first()
    )
    return identity.staff if identity is not None else None


def chat_command_sender(kind: str, handle: str) -> Any:
    """The member of staff with an active account who registered the chat identity that sent
    a verified slash command (Slack: the member ID; Mattermost: the user name), or None.

    Only a registered identity counts. A chat user name equal to a Yakuba user name proves
    nothing: anyone can pick any name in Slack or Mattermost, and a report (audited in the
    person's name) must not be filed by someone else that way.
    """
    staff = staff_by_chat_handle(kind, handle)
    if staff is None or staff.user_id is None or not staff.user.is_active:
        return None
    return staff
