"""Demo drill mails: the three shipped templates and a drill finished last month.

The drill used the password-expiry template (with the fake form) and reached a few
hundred people of the demo city; what they did is stored as recorded events with
realistic rates (opened ~40 %, clicked ~10 %, typed ~3 %, reported ~20 %; reports
mostly within the first hour). No mail is sent and nothing is scheduled: every row is
already sent, and the drill is finished (its follow-up assigned through the signal, as a
real end would). Called by `manage.py seed_drills_demo`; never by a production start.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from yakuba.accounts.models import User
from yakuba.demo import accounts
from yakuba.drills import content, services
from yakuba.drills.models import Drill, DrillRecipient, DrillTemplate, ReportedVia, SendStatus
from yakuba.org.models import Staff, Unit
from yakuba.rosters.audience import Audience, describe

TARGET_PEOPLE = 250
RATES = {"opened": 0.40, "clicked": 0.10, "typed": 0.03, "reported": 0.20}


def _units_for(target: int) -> list[Unit]:
    """Top departments, in code order, until they hold `target` people with an address."""
    chosen: list[Unit] = []
    total = 0
    for unit in Unit.objects.filter(kind="department", active=True).order_by("code"):
        people = Staff.objects.filter(active=True, unit__path__startswith=unit.path).exclude(
            email=""
        )
        count = people.count()
        if not count:
            continue
        chosen.append(unit)
        total += count
        if total >= target:
            break
    return chosen


@transaction.atomic
def seed_drills_demo(seed: int = 14) -> dict[str, Any]:
    rng = random.Random(seed)
    infosec = User.objects.get(username=accounts.INFOSEC)
    added = services.load_shipped_templates(infosec)
    template = DrillTemplate.objects.get(code="password-expiry")
    today = timezone.localdate()
    first_of_month = today.replace(day=1)
    last_month = (first_of_month - dt.timedelta(days=1)).replace(day=10)
    tz = timezone.get_current_timezone()
    send_from = dt.datetime.combine(last_month, dt.time(9, 30), tzinfo=tz)
    send_until = send_from + dt.timedelta(hours=3)
    ends_at = send_from + dt.timedelta(days=14)
    audience = Audience(unit_ids=tuple(u.pk for u in _units_for(TARGET_PEOPLE)))
    drill = Drill.objects.create(
        name=f"{last_month:%Y年%m月} 標的型攻撃メール訓練",
        template=template,
        audience=audience.to_json(),
        audience_label=describe(audience)[:300],
        send_from=send_from,
        send_until=send_until,
        ends_at=ends_at,
        content=content.snapshot(template),
        launched_at=send_from - dt.timedelta(days=1),
        launched_by=infosec,
        created_by=infosec,
        created_at=send_from - dt.timedelta(days=3),
    )
    from yakuba.rosters.audience import resolve

    people = list(resolve(audience).exclude(email="").order_by("pk"))
    times = services.spread(send_from, send_until, len(people), seed)
    rows = []
    counts = dict.fromkeys(RATES, 0)
    for person, at in zip(people, times, strict=True):
        delivered = at + dt.timedelta(seconds=rng.randint(1, 20))
        row = DrillRecipient(
            drill=drill,
            staff=person,
            unit_id=person.unit_id,
            email=person.email,
            scheduled_at=at,
            status=SendStatus.SENT,
            attempts=1,
            delivered_at=delivered,
        )
        clicked = rng.random() < RATES["clicked"]
        opened = clicked or rng.random() < (RATES["opened"] - RATES["clicked"]) / 0.9
        if opened:
            row.opened_at = delivered + dt.timedelta(minutes=rng.expovariate(1 / 90))
        if clicked:
            row.clicked_at = (row.opened_at or delivered) + dt.timedelta(
                seconds=rng.randint(5, 120)
            )
            if rng.random() < RATES["typed"] / RATES["clicked"]:
                row.typed_at = row.clicked_at + dt.timedelta(seconds=rng.randint(10, 90))
        # Most reporters did not click; a few clicked, realised, and reported.
        report_chance = RATES["reported"] * (0.5 if clicked else 1.05)
        if rng.random() < report_chance:
            seen = row.opened_at or delivered + dt.timedelta(minutes=rng.randint(1, 120))
            row.reported_at = seen + dt.timedelta(minutes=rng.expovariate(1 / 25))
            row.reported_via = ReportedVia.YAKUBA if rng.random() < 0.6 else ReportedVia.LINK
        for kind in RATES:
            counts[kind] += getattr(row, f"{kind}_at") is not None
        rows.append(row)
    DrillRecipient.objects.bulk_create(rows)
    services.finish(actor=None, drill=drill, now=ends_at)
    return {"templates": added, "recipients": len(rows), **counts}
