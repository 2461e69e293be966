"""Writes: answering the checklist, the checklist's items and the office's settings.

Each write is one transaction and audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.audit.models import AuditAction
from yakuba.audit.services import record, save_audited
from yakuba.org.models import Staff
from yakuba.readiness.models import ChecklistItem, ChecklistSubmission, ReadinessSettings
from yakuba.readiness.status import valid_until

SETTINGS_FIELDS = (
    "validity_days",
    "reminder_days",
    "enforce_gate",
    "require_netcheck",
    "netcheck_max_age_days",
)
ITEM_FIELDS = ("text", "guidance", "order", "active")


def submit_checklist(
    *, actor: Any, staff: Staff, answers: Mapping[int, bool]
) -> ChecklistSubmission:
    """Record the person's answer to every active item (True: done, False: not yet).

    The new answer replaces the previous one whatever it says: someone who now says the
    router still has its default password is not ready, even if they said otherwise before.
    """
    items = list(ChecklistItem.objects.filter(active=True))
    if not items:
        raise ValidationError(
            _("チェックの項目がありません。情報セキュリティ担当に連絡してください。")
        )
    missing = [i for i in items if i.pk not in answers]
    if missing:
        raise ValidationError(
            _("すべての項目に答えてください（未回答：%(items)s）。")
            % {"items": "、".join(i.text for i in missing)}
        )
    now = timezone.now()
    office = ReadinessSettings.current()
    rows = [
        {"item": i.pk, "text": i.text, "guidance": i.guidance, "done": bool(answers[i.pk])}
        for i in items
    ]
    open_items = sum(1 for row in rows if not row["done"])
    complete = open_items == 0
    with transaction.atomic():
        # One person's answers one at a time, so two tabs cannot leave two current rows.
        Staff.objects.select_for_update().filter(pk=staff.pk).first()
        ChecklistSubmission.objects.filter(staff=staff, current=True).update(current=False)
        submission = ChecklistSubmission.objects.create(
            staff=staff,
            submitted_at=now,
            submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
            current=True,
            complete=complete,
            valid_until=valid_until(timezone.localdate(now), office.validity_days)
            if complete
            else None,
            answers=rows,
            open_items=open_items,
        )
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=submission,
            changes={
                "complete": complete,
                "open_items": open_items,
                "valid_until": submission.valid_until.isoformat()
                if submission.valid_until
                else None,
            },
        )
    return submission


def save_settings(*, actor: Any, values: Mapping[str, Any]) -> ReadinessSettings:
    office = ReadinessSettings.current()
    creating = office._state.adding
    with transaction.atomic():
        return save_audited(
            actor=actor,
            obj=office,
            creating=creating,
            fields=SETTINGS_FIELDS,
            values={k: values[k] for k in SETTINGS_FIELDS},
        )


def save_item(
    *, actor: Any, item: ChecklistItem | None, values: Mapping[str, Any]
) -> ChecklistItem:
    with transaction.atomic():
        return save_audited(
            actor=actor,
            obj=item or ChecklistItem(),
            creating=item is None,
            fields=ITEM_FIELDS,
            values={k: values[k] for k in ITEM_FIELDS},
        )
