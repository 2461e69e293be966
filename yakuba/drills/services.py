"""Writes: templates, drills (draft → launched → finished), resends, tracked events.

Infosec's actions are audited. The tracked events (a recipient's open, click, typing,
report) are not put in the audit trail on purpose: the trail is read by roles that may
not see individual drill results (the system administrator), so an entry "recipient 812
clicked" would publish exactly what `VIEW_DRILL_RECIPIENTS` protects. The recipient row
itself is the record of the event (first time only, never changed afterwards).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.accounts.models import User
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record, save_audited
from yakuba.drills import content
from yakuba.drills.models import (
    WAITING,
    Drill,
    DrillRecipient,
    DrillTemplate,
    ReportedVia,
    SendStatus,
)
from yakuba.drills.shipped import SHIPPED
from yakuba.rosters import audience as audiences
from yakuba.security.signals import follow_up_needed
from yakuba.security.topics import Topic

TEMPLATE_FIELDS = (
    "name",
    "subject",
    "sender_name",
    "sender_address",
    "body",
    "html_body",
    "signs",
    "fake_form",
    "form_title",
)
DRILL_FIELDS = ("name", "template", "send_from", "send_until", "ends_at", "audience")

EVENTS = ("opened", "clicked", "typed", "reported")


# --- templates ---------------------------------------------------------------------------


@transaction.atomic
def save_template(
    *, actor: User, template: DrillTemplate, data: dict[str, Any], creating: bool
) -> DrillTemplate:
    values = {key: data[key] for key in TEMPLATE_FIELDS if key in data}
    values["updated_at"] = timezone.now()
    save_audited(
        actor=actor, obj=template, creating=creating, fields=TEMPLATE_FIELDS, values=values
    )
    return template


@transaction.atomic
def load_shipped_templates(actor: User | None = None) -> int:
    """Add the shipped templates that are missing (by code); returns how many were added.
    A template whose name is taken by infosec's own is left out rather than renamed."""
    added = 0
    for spec in SHIPPED:
        if DrillTemplate.objects.filter(code=spec["code"]).exists():
            continue
        if DrillTemplate.objects.filter(name=spec["name"]).exists():
            continue
        template = DrillTemplate(code=spec["code"])
        values = {key: spec.get(key, "") for key in TEMPLATE_FIELDS}
        save_audited(
            actor=actor, obj=template, creating=True, fields=TEMPLATE_FIELDS, values=values
        )
        added += 1
    return added


# --- drills ------------------------------------------------------------------------------


@transaction.atomic
def save_drill(
    *, actor: User, drill: Drill, data: dict[str, Any], audience: audiences.Audience
) -> Drill:
    """Create or change a draft (a launched drill is fixed)."""
    creating = drill.pk is None
    if not creating:
        locked = Drill.objects.select_for_update().get(pk=drill.pk)
        if locked.launched:
            raise ValidationError(_("送信を始めた訓練は変更できません。"))
    values = {key: data[key] for key in DRILL_FIELDS if key in data}
    values["audience"] = audience.to_json()
    values["audience_label"] = audiences.describe(audience)[:300]
    if creating:
        drill.created_by = actor
    save_audited(actor=actor, obj=drill, creating=creating, fields=DRILL_FIELDS, values=values)
    return drill


def check_window(send_from: dt.datetime, send_until: dt.datetime, ends_at: dt.datetime) -> None:
    if send_until < send_from:
        raise ValidationError(_("送信終了が送信開始より前になっています。"))
    if ends_at <= send_until:
        raise ValidationError(_("訓練の終了は送信終了より後にしてください。"))


def spread(start: dt.datetime, end: dt.datetime, count: int, seed: int) -> list[dt.datetime]:
    """`count` send times spread evenly over [start, end], in a shuffled order (people of
    one unit do not all get it in the same minute and warn each other)."""
    if count == 0:
        return []
    span = max((end - start).total_seconds(), 0.0)
    times = [start + dt.timedelta(seconds=span * i / max(count - 1, 1)) for i in range(count)]
    random.Random(seed).shuffle(times)
    return times


@transaction.atomic
def launch(*, actor: User, drill: Drill, now: dt.datetime | None = None) -> int:
    """Fix the people and the content and schedule every mail; returns the recipients."""
    now = now or timezone.now()
    drill = Drill.objects.select_for_update().select_related("template").get(pk=drill.pk)
    if drill.launched:
        raise ValidationError(_("この訓練は既に送信を始めています。"))
    if drill.send_until < now:
        raise ValidationError(
            _("送信終了の日時が過ぎています。送信の期間を変更してから始めてください。")
        )
    check_window(drill.send_from, drill.send_until, drill.ends_at)
    people = list(
        audiences.resolve(audiences.Audience.from_json(drill.audience))
        .select_related("user")
        .order_by("pk")
    )
    addressed = [(p, p.email or (p.user.email if p.user else "")) for p in people]
    with_address = [(p, e) for p, e in addressed if e]
    if not with_address:
        raise ValidationError(_("対象者にメールアドレスのある人がいません。"))
    times = spread(max(drill.send_from, now), drill.send_until, len(with_address), drill.pk)
    DrillRecipient.objects.bulk_create(
        DrillRecipient(
            drill=drill,
            staff=person,
            unit_id=person.unit_id,
            email=address,
            scheduled_at=at,
            next_attempt_at=at,
        )
        for (person, address), at in zip(with_address, times, strict=True)
    )
    drill.content = content.snapshot(drill.template)
    drill.launched_at = now
    drill.launched_by = actor
    drill.skipped_without_address = len(addressed) - len(with_address)
    drill.save(update_fields=["content", "launched_at", "launched_by", "skipped_without_address"])
    record(
        AuditAction.UPDATE,
        actor=actor,
        obj=drill,
        changes={
            "launched": [None, now.isoformat()],
            "recipients": len(with_address),
            "without_address": drill.skipped_without_address,
        },
    )
    return len(with_address)


@transaction.atomic
def resend(*, actor: User, drill: Drill) -> int:
    """Failed and unknown mails are tried again (same Message-ID); returns how many."""
    drill = Drill.objects.select_for_update().get(pk=drill.pk)
    if not drill.open_for_events():
        raise ValidationError(_("終了した訓練のメールは再送できません。"))
    count = DrillRecipient.objects.filter(
        drill=drill, status__in=(SendStatus.FAILED, SendStatus.UNKNOWN)
    ).update(status=SendStatus.RETRYING, next_attempt_at=timezone.now())
    if count:
        record(AuditAction.UPDATE, actor=actor, obj=drill, changes={"resent": count})
    return count


@transaction.atomic
def finish(*, actor: User | None, drill: Drill, now: dt.datetime | None = None) -> bool:
    """End the drill (at its end date, or early by infosec): mails not yet sent are not
    sent, results become final, and those who clicked or typed are sent to the follow-up
    lesson — once (``follow_up_sent_at``). Returns False when it had already ended."""
    now = now or timezone.now()
    drill = Drill.objects.select_for_update().get(pk=drill.pk)
    if drill.finished_at is not None or not drill.launched:
        return False
    changes: dict[str, Any] = {"finished": [None, now.isoformat()]}
    if drill.ends_at > now:
        changes["ends_at"] = [drill.ends_at.isoformat(), now.isoformat()]
        drill.ends_at = now
    cancelled = DrillRecipient.objects.filter(drill=drill, status__in=WAITING).update(
        status=SendStatus.CANCELLED, next_attempt_at=None
    )
    changes["cancelled"] = cancelled
    drill.finished_at = now
    drill.save(update_fields=["finished_at", "ends_at"])
    if drill.follow_up_sent_at is None:
        staff_ids = list(
            DrillRecipient.objects.filter(drill=drill)
            .filter(Q(clicked_at__isnull=False) | Q(typed_at__isnull=False))
            .order_by("staff_id")
            .values_list("staff_id", flat=True)
        )
        if staff_ids:
            follow_up_needed.send(
                sender=Drill,
                staff_ids=staff_ids,
                topic=Topic.PHISHING,
                reason=_("訓練メール「%(name)s」のリンクを開きました。") % {"name": drill.name},
                source=f"drills.drill:{drill.pk}",
            )
        drill.follow_up_sent_at = now
        drill.save(update_fields=["follow_up_sent_at"])
        changes["follow_up"] = len(staff_ids)
    record(AuditAction.UPDATE, actor=actor, obj=drill, changes=changes)
    return True


# --- tracked events ------------------------------------------------------------------------


def record_event(
    recipient: DrillRecipient, kind: str, *, now: dt.datetime | None = None, via: str = ""
) -> bool:
    """The first `kind` event of the recipient, while the drill is open; later ones and
    those after the end change nothing. Returns whether this one was recorded."""
    if kind not in EVENTS:
        raise ValueError(kind)
    now = now or timezone.now()
    if kind == "typed" and not recipient.drill.content.get("fake_form"):
        return False
    values: dict[str, Any] = {f"{kind}_at": now}
    if kind == "reported":
        values["reported_via"] = via or ReportedVia.LINK
    with transaction.atomic():
        updated = DrillRecipient.objects.filter(
            pk=recipient.pk,
            drill__finished_at__isnull=True,
            drill__ends_at__gt=now,
            **{f"{kind}_at__isnull": True},
        ).update(**values)
        if updated:
            _prove_delivery(recipient.pk)
    return bool(updated)


def _prove_delivery(recipient_id: int) -> None:
    """An open, a click or a report proves the mail arrived: a send of unknown outcome
    becomes sent (from the time it was handed over)."""
    DrillRecipient.objects.filter(pk=recipient_id, status=SendStatus.UNKNOWN).update(
        status=SendStatus.SENT, delivered_at=F("sending_since"), last_error=""
    )


def credit_reported_in_yakuba(staff: Any, reported_at: dt.datetime) -> bool:
    """A suspicious-mail report made in Yakuba, credited to the person's drill mails that
    had reached them and are still open for reports. True when the person had such a
    drill mail (the report is about it; incidents closes it as a drill report)."""
    staff_id = getattr(staff, "pk", staff)
    open_rows = DrillRecipient.objects.filter(
        staff_id=staff_id,
        drill__launched_at__isnull=False,
        drill__finished_at__isnull=True,
        drill__ends_at__gt=reported_at,
        status__in=(SendStatus.SENT, SendStatus.UNKNOWN),
    ).filter(Q(delivered_at__lte=reported_at) | Q(status=SendStatus.UNKNOWN))
    ids = list(open_rows.values_list("pk", flat=True))
    if not ids:
        return False
    with transaction.atomic():
        DrillRecipient.objects.filter(pk__in=ids, reported_at__isnull=True).update(
            reported_at=reported_at, reported_via=ReportedVia.YAKUBA
        )
        for pk in ids:
            _prove_delivery(pk)
    return True
