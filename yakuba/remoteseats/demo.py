"""Demo data for remote seats: bookings for the coming days and a ledger of 8 terminals.

Called by `manage.py seed_remoteseats_demo` after the organisation (and, if the roster demo
made them, the remote pools and telework profiles) exist. Safe to run twice: it only adds
what is missing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from yakuba.org.models import Staff
from yakuba.remoteseats import services
from yakuba.remoteseats.models import LoanedTerminal, SeatBooking, TerminalLoan, tokyo_today
from yakuba.rosters.eligibility import evaluate_many
from yakuba.rosters.models import RemoteResource

DEMO_POOL = "VPN端末"
DEMO_CAPACITY = 5
TERMINAL_MODELS = (
    ("ノートPC（VPN）", "テレワーク用シンクライアント"),
    ("ノートPC（LGWAN）", "LGWAN接続系端末"),
    ("タブレット", "Web会議用"),
)
TERMINAL_COUNT = 8
BOOKING_DAYS = 10


def _terminals() -> list[LoanedTerminal]:
    terminals = []
    for i in range(1, TERMINAL_COUNT + 1):
        model_name, description = TERMINAL_MODELS[(i - 1) % len(TERMINAL_MODELS)]
        terminal, _created = LoanedTerminal.objects.get_or_create(
            asset_tag=f"YKB-PC-{i:03d}",
            defaults={"model_name": model_name, "description": description},
        )
        terminals.append(terminal)
    return terminals


def seed_remoteseats_demo(*, seed: int = 4) -> dict[str, int]:
    """Add demo bookings and loans; returns how many of each were made."""
    rng = random.Random(seed)
    today = tokyo_today()
    made = {"bookings": 0, "loans": 0, "terminals": 0}
    with transaction.atomic():
        pools = list(RemoteResource.objects.filter(active=True).order_by("name"))
        if not pools:
            pools = [RemoteResource.objects.create(name=DEMO_POOL, capacity=DEMO_CAPACITY)]
        staff = list(Staff.objects.filter(active=True).select_related("unit").order_by("pk"))
        verdicts = evaluate_many(staff)
        eligible = [s for s in staff if verdicts[s.pk].eligible]
        before = TerminalLoan.objects.count()
        terminals = _terminals()
        made["terminals"] = len(terminals)
        people = rng.sample(staff, k=min(len(staff), TERMINAL_COUNT))
        # Five out on loan: one overdue, one due today, three due later; three in the cupboard.
        plans = [(-20, -3), (-6, 0), (-3, 11), (-2, 12), (-1, 13)]
        for terminal, person, (out, due) in zip(terminals, people, plans, strict=False):
            if terminal.loans.exists():
                continue
            services.check_out_terminal(
                None,
                terminal,
                person,
                checked_out_on=today + dt.timedelta(days=out),
                due_on=today + dt.timedelta(days=due),
                condition_out="傷なし・ACアダプタ付属",
            )
        # A returned loan as history on the sixth terminal.
        spare = terminals[5] if len(terminals) > 5 else None
        if spare is not None and people and not spare.loans.exists():
            loan = services.check_out_terminal(
                None,
                spare,
                people[-1],
                checked_out_on=today - dt.timedelta(days=30),
                due_on=today - dt.timedelta(days=16),
            )
            services.return_terminal(
                None,
                loan,
                returned_on=today - dt.timedelta(days=17),
                condition_in="キーボードに小さな傷",
            )
        made["loans"] = TerminalLoan.objects.count() - before
    if not eligible:
        return made
    for pool in pools:
        for offset in range(BOOKING_DAYS):
            day = today + dt.timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            # Fill some days completely and leave others with free seats.
            wanted = pool.capacity if offset % 3 == 1 else rng.randint(1, max(1, pool.capacity - 1))
            existing = SeatBooking.objects.active().filter(resource=pool, date=day).count()
            for person in rng.sample(eligible, k=min(len(eligible), wanted)):
                if existing >= wanted:
                    break
                try:
                    services.book_seat(None, person, pool, day)
                except services.BookingError:
                    continue
                existing += 1
                made["bookings"] += 1
    return made
