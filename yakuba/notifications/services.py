"""Notification writes: the outgoing-notification API that every capability uses.

    notify(users, subject=..., body=..., url=..., channels=("in_app", "email"))
    post_to_channel(channel, Message(...), purpose="digest:12:2026-04-01")

Both only *record* what is to be sent (in the caller's transaction) and enqueue the
sending after commit; `attempt_delivery` does the network work with retry/backoff.
Webhook URLs never appear in logs, errors or the audit trail.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yakuba.accounts.models import User
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.faults import pause
from yakuba.notifications import outbound, payloads
from yakuba.notifications.models import (
    HANDLE_TAKEN,
    MENTION_KINDS,
    Channel,
    ChannelKind,
    ChatIdentity,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Notice,
    normalise_handle,
    validate_handle,
)
from yakuba.notifications.outbound import DeliveryError
from yakuba.notifications.payloads import Message
from yakuba.notifications.selectors import channel_heads, email_of

logger = logging.getLogger(__name__)

IN_APP = "in_app"
EMAIL = "email"
# Seconds to wait after the n-th failed attempt (1-based); the last value repeats.
BACKOFF_SECONDS = (30, 120, 600, 1800, 3600)


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1])


def _enqueue(delivery_ids: list[int]) -> None:
    from yakuba.notifications.tasks import deliver

    for pk in delivery_ids:
        deliver.enqueue(pk)


def notify(
    recipients: Iterable[Any],
    *,
    subject: str,
    body: str = "",
    url: str = "",
    channels: Iterable[str] = (IN_APP,),
    purpose: str = "",
) -> list[Notice]:
    """In-app notice (and e-mail when asked and an address is known) to each user."""
    channels = set(channels)
    users = list(recipients)
    notices: list[Notice] = []
    if IN_APP in channels:
        notices = Notice.objects.bulk_create(
            Notice(recipient=u, subject=subject[:200], body=body, url=url[:300]) for u in users
        )
    if EMAIL in channels:
        text = f"{body}\n\n{url}".strip() if url else body
        deliveries = Delivery.objects.bulk_create(
            Delivery(
                kind=DeliveryKind.EMAIL,
                email=address,
                subject=subject[:200],
                payload={"body": text},
                purpose=purpose[:100],
            )
            for address in {email_of(u) for u in users} - {""}
        )
        ids = [d.pk for d in deliveries]
        transaction.on_commit(lambda: _enqueue(ids))
    return notices


def post_to_channel(channel: Channel, message: Message, *, purpose: str = "") -> list[Delivery]:
    """Queue `message` for `channel` in its own format, split into as many posts as needed."""
    bodies = payloads.build(channel.kind, message)
    deliveries = [
        Delivery.objects.create(
            kind=DeliveryKind.CHAT,
            channel=channel,
            subject=message.title[:200],
            payload=body,
            purpose=purpose[:100],
        )
        for body in bodies
    ]
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: _enqueue(ids))
    return deliveries


# How long an attempt in flight (SENDING) belongs to the run that claimed it. Longer than
# any send can take (SMTP and chat timeouts are seconds), so only a run that died leaves it.
SEND_LEASE = dt.timedelta(minutes=5)

UNCERTAIN_CHAT = gettext_lazy(
    "送信中に処理が止まったため、届いたか確かめられません。二重投稿を避けるため再送していません。"
    "チャットを確認してください。"
)


def message_id(delivery: Delivery) -> str:
    """The same Message-ID every time this delivery is sent: a mail sent again after a
    crash is recognisably the same message (mail clients and archives drop the copy)."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("<> ") or "localhost"
    return f"<yakuba-delivery-{delivery.pk}.{delivery.created_at:%Y%m%d%H%M%S}@{domain}>"


def _send(delivery: Delivery) -> None:
    if delivery.kind == DeliveryKind.EMAIL:
        mail = EmailMessage(
            delivery.subject,
            delivery.payload.get("body", ""),
            settings.DEFAULT_FROM_EMAIL,
            [delivery.email],
            headers={"Message-ID": message_id(delivery)},
        )
        try:
            mail.send()
        except OSError as exc:
            raise DeliveryError(f"mail failed ({type(exc).__name__})") from None
        return
    channel = delivery.channel
    if channel is None or not channel.active:
        raise DeliveryError("channel removed or disabled")
    url = channel.get_url()
    if url is None:
        raise DeliveryError("webhook URL cannot be decrypted (SECRET_KEY changed?)")
    # The policy is applied again now: the settings may have changed since the channel was
    # saved, and a name may resolve elsewhere today (see outbound.post_json).
    outbound.post_json(url, delivery.payload)


def attempt_delivery(delivery_id: int) -> Delivery:
    """Try to send one delivery once; on failure schedule the next try or give up.

    The attempt is claimed (``SENDING``, ``runner`` = this task run) and committed before
    the network call, and the outcome is recorded right after it. A worker killed between
    the two leaves the delivery ``SENDING``: when the same task run is delivered again
    (its worker was found dead, `yakuba.core.workers`) or the claim's lease has passed,
    nobody knows whether the message went out, and the channel decides:

    - e-mail, **at least once**: sent again, with the same Message-ID (`message_id`);
      a missed notice costs more than a copy that mail software can recognise.
    - chat, **at most once**: not posted again (a whole channel would read it twice and
      there is no way to recognise the copy); marked failed with that reason and shown
      to the unit's heads, who can look at the chat and post it by hand.

    The window is the network call itself (milliseconds on a local SMTP relay or chat).
    """
    from yakuba.core.workers import current_task_id

    runner = current_task_id()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("channel")
            .get(pk=delivery_id)
        )
        if delivery.status in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
            return delivery  # tasks may run twice; a sent message is never re-sent
        now = timezone.now()
        if delivery.status == DeliveryStatus.SENDING:
            rerun = bool(runner) and delivery.runner == runner
            if not rerun and delivery.next_attempt_at and delivery.next_attempt_at > now:
                return delivery  # another run is sending it right now
            # The run that was sending it died before recording the outcome.
            if delivery.kind == DeliveryKind.CHAT:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
                delivery.last_error = str(UNCERTAIN_CHAT)[:300]
                delivery.save(update_fields=["status", "next_attempt_at", "last_error"])
                logger.warning(
                    "delivery %s: outcome unknown after a crash, not resent", delivery.pk
                )
                if delivery.channel is not None:
                    _tell_heads_about_failure(delivery, delivery.channel)
                return delivery
            logger.warning(
                "delivery %s: outcome unknown after a crash, e-mail sent again", delivery.pk
            )
        elif delivery.next_attempt_at and delivery.next_attempt_at > now:
            return delivery
        # Claim the attempt before the network call so a parallel worker skips it.
        delivery.attempts += 1
        delivery.next_attempt_at = now + SEND_LEASE
        delivery.status = DeliveryStatus.SENDING
        delivery.runner = runner
        delivery.save(update_fields=["attempts", "next_attempt_at", "status", "runner"])
    try:
        _send(delivery)
    except DeliveryError as exc:
        delivery.last_error = str(exc)[:300]
        gave_up = delivery.attempts >= Delivery.MAX_ATTEMPTS
        if gave_up:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.status = DeliveryStatus.RETRYING
            delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
        logger.warning("delivery %s attempt %s failed: %s", delivery.pk, delivery.attempts, exc)
        delivery.save(update_fields=["last_error", "status", "next_attempt_at"])
        if gave_up and delivery.channel is not None:
            _tell_heads_about_failure(delivery, delivery.channel)
        return delivery
    pause("notifications.before_record")  # the window of unknown outcome (fault tests)
    delivery.status = DeliveryStatus.SENT
    delivery.sent_at = timezone.now()
    delivery.next_attempt_at = None
    delivery.last_error = ""
    delivery.save(update_fields=["status", "sent_at", "next_attempt_at", "last_error"])
    pause("notifications.after_send")
    return delivery


def _tell_heads_about_failure(delivery: Delivery, channel: Channel) -> None:
    """A chat post that finally failed is shown to the unit head in-app (the message itself
    stays stored; e-mail and in-app notices never depend on the chat)."""
    notify(
        channel_heads(channel),
        subject=_("チャット「%(name)s」への送信に失敗しました: %(subject)s")
        % {"name": channel.name, "subject": delivery.subject},
        body=delivery.last_error,
        url=reverse("notifications:channel_list"),
        purpose=f"delivery-failed:{delivery.pk}",
    )


@transaction.atomic
def create_channel(*, actor: User | None, unit: Any, name: str, kind: str, url: str) -> Channel:
    """A unit's chat webhook; the URL must pass the administrator's outbound policy
    (`outbound.check_webhook_url`, WebhookRefused otherwise — nothing is saved)."""
    outbound.check_webhook_url(url)
    channel = Channel(unit=unit, name=name, kind=kind)
    channel.set_url(url)
    channel.full_clean()
    channel.save()
    record(
        AuditAction.CREATE,
        actor=actor,
        obj=channel,
        changes={"name": [None, name], "kind": [None, kind], "url": "(changed)"},
    )
    return channel


@transaction.atomic
def delete_channel(*, actor: User, channel: Channel) -> None:
    record(AuditAction.DELETE, actor=actor, obj=channel)
    channel.delete()


@transaction.atomic
def mark_all_read(user: Any) -> int:
    """Mark the user's unread notices read; audited when there were any."""
    count = Notice.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if count:
        record(
            AuditAction.UPDATE,
            actor=user,
            object_type="notifications.notice",
            object_repr=f"{count} notices marked read",
            changes={"read": count},
        )
    return count


def _handle_taken(kind: str, handle: str) -> ValidationError:
    params = {"handle": handle, "chat": ChannelKind(kind).label}
    return ValidationError({kind: [ValidationError(HANDLE_TAKEN, code="taken", params=params)]})


@transaction.atomic
def set_chat_identities(*, actor: User | None, staff: Any, handles: Mapping[str, str]) -> list[str]:
    """Set (or clear, with "") the person's handle in each mention-capable chat; audited.

    A handle belongs to one person per chat (compared case-insensitively, as the chats do):
    slash commands are attributed by it. Returns the kinds that changed. Invalid or taken
    handles raise ValidationError keyed by chat kind (nothing saved).
    """
    existing = {i.kind: i for i in ChatIdentity.objects.select_for_update().filter(staff=staff)}
    wanted = {k: normalise_handle(k, handles[k] or "") for k in MENTION_KINDS if k in handles}
    errors: dict[str, list[ValidationError]] = {}
    for kind, new in wanted.items():
        if not new:
            continue
        try:
            validate_handle(kind, new)
        except ValidationError as exc:
            errors.setdefault(kind, []).extend(exc.error_list)
            continue
        taken = ChatIdentity.objects.filter(kind=kind, handle__iexact=new).exclude(staff=staff)
        if taken.exists():
            errors.setdefault(kind, []).extend(_handle_taken(kind, new).error_dict[kind])
    if errors:
        raise ValidationError(errors)
    changed: list[str] = []
    for kind, new in wanted.items():
        old = existing.get(kind)
        if not new:
            if old is not None:
                record(
                    AuditAction.DELETE,
                    actor=actor,
                    obj=old,
                    changes={"staff": str(staff), "kind": kind, "handle": [old.handle, None]},
                )
                old.delete()
                changed.append(kind)
            continue
        if old is not None and old.handle == new:
            continue
        identity = old or ChatIdentity(staff=staff, kind=kind)
        before = old.handle if old is not None else None
        identity.handle = new
        identity.updated_at = timezone.now()
        # Taken handles were refused above with their own message; the database constraint
        # still decides when someone else registers the same handle at the same moment.
        identity.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                identity.save()
        except IntegrityError:
            raise _handle_taken(kind, new) from None
        record(
            AuditAction.CREATE if old is None else AuditAction.UPDATE,
            actor=actor,
            obj=identity,
            changes={"staff": str(staff), "kind": kind, "handle": [before, new]},
        )
        changed.append(kind)
    return changed
