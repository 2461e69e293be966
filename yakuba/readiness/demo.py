"""Demo readiness: the gate switched on, most teleworkers with a valid home checklist, a
few expiring, expired, incomplete or never done — and demo-staff with an EXPIRED one, so
the telework eligibility page shows the gate's reason (answering again fixes it)."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from yakuba.demo import accounts
from yakuba.org.models import Staff
from yakuba.readiness import selectors
from yakuba.readiness.models import ChecklistItem, ChecklistSubmission, ReadinessSettings
from yakuba.readiness.status import valid_until
from yakuba.rosters.models import StaffWorkProfile


def _answers(items: list[ChecklistItem], open_items: int, rng: random.Random) -> list[dict]:
    not_yet = set(rng.sample(range(len(items)), open_items)) if open_items else set()
    return [
        {"item": i.pk, "text": i.text, "guidance": i.guidance, "done": n not in not_yet}
        for n, i in enumerate(items)
    ]


def _submission(
    staff_id: int,
    on: dt.date,
    items: list[ChecklistItem],
    validity: int,
    *,
    open_items: int = 0,
    rng: random.Random,
) -> ChecklistSubmission:
    at = timezone.make_aware(dt.datetime.combine(on, dt.time(9, rng.randint(0, 59))))
    return ChecklistSubmission(
        staff_id=staff_id,
        submitted_at=at,
        current=True,
        complete=open_items == 0,
        valid_until=valid_until(on, validity) if open_items == 0 else None,
        answers=_answers(items, open_items, rng),
        open_items=open_items,
    )


@transaction.atomic
def seed_readiness_demo(seed: int = 14) -> dict[str, int]:
    rng = random.Random(seed)
    today = timezone.localdate()
    office = ReadinessSettings.current()
    office.enforce_gate = True
    office.save()
    items = list(ChecklistItem.objects.filter(active=True))
    me = Staff.objects.get(user__username=accounts.STAFF)
    # demo-staff is the person the gate's story is about: approved for telework and not on
    # the personal-data desk, so that the expired checklist is the one reason shown.
    StaffWorkProfile.objects.update_or_create(
        staff=me, defaults={"telework_approved": True, "handles_personal_data": False}
    )
    everyone = list(Staff.objects.filter(active=True).values_list("pk", flat=True))
    teleworking = sorted(selectors.teleworkers(everyone) - {me.pk})
    rows = []
    made = {"valid": 0, "expiring": 0, "expired": 1, "incomplete": 0, "never": 0}
    for pk in teleworking:
        roll = rng.random()
        if roll < 0.72:  # answered within the last 150 days: valid for a while yet
            on = today - dt.timedelta(days=rng.randint(0, 150 - office.reminder_days))
            rows.append(_submission(pk, on, items, office.validity_days, rng=rng))
            made["valid"] += 1
        elif roll < 0.84:  # in the last month of validity: reminded soon
            on = today - dt.timedelta(days=rng.randint(151, office.validity_days - 1))
            rows.append(_submission(pk, on, items, office.validity_days, rng=rng))
            made["expiring"] += 1
        elif roll < 0.90:
            on = today - dt.timedelta(days=rng.randint(office.validity_days + 1, 300))
            rows.append(_submission(pk, on, items, office.validity_days, rng=rng))
            made["expired"] += 1
        elif roll < 0.95:
            on = today - dt.timedelta(days=rng.randint(1, 30))
            rows.append(
                _submission(
                    pk, on, items, office.validity_days, open_items=rng.randint(1, 2), rng=rng
                )
            )
            made["incomplete"] += 1
        else:
            made["never"] += 1
    # demo-staff: answered 200 days ago, expired 20 days ago (never reminded yet, so the
    # scheduler sends the expiry notice when it first runs).
    rows.append(
        _submission(
            me.pk,
            today - dt.timedelta(days=office.validity_days + 20),
            items,
            office.validity_days,
            rng=rng,
        )
    )
    ChecklistSubmission.objects.bulk_create(rows, batch_size=500)
    return made
