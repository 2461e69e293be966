"""Benchmark piece of `make bench-security`: a drill to 2,000 people through an SMTP server
that refuses 5 % of attempts.

A local aiosmtpd server (in this process) answers ``451 4.3.0`` to a random 5 % of the
mails at DATA (a transient refusal after the whole message was sent, the case where a
careless sender counts a mail as gone or sends it twice) and records every mail it
accepts by (Message-ID, recipient). A throwaway bench site (SQLite, the database task
backend) holds 2,000 staff; a drill is launched to all of them with its send window
closing at once, and the real path runs in-process until nothing waits: the scheduler
job ``drills.release`` claims a tick, ``manage.py db_worker --batch`` runs the release and
the send tasks, retries come back through the next tick (retry backoff set to 0 s here,
the only shortcut; the bench never waits for wall-clock backoff).

Figures: ``drill_sent`` (distinct mails the server accepted), ``drill_lost`` (people
without one), ``drill_duplicates`` (accepted more than once), ``drill_retries`` (refused
attempts tried again), ``drill_elapsed_s``; the site's own records must agree (every row
``sent``, none failed or unknown). A readable table, then one JSON object.

    python -m yakuba.drills.bench [--people 2000] [--refuse 0.05] [--seed 14]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

UNITS = 20
TIME_LIMIT_S = 600


def measure(people: int, out: str) -> None:
    """Runs in a subprocess against the bench site's database."""
    import django

    django.setup()
    import datetime as dt

    from django.conf import settings
    from django.core.management import call_command
    from django.db.models import Sum
    from django.utils import timezone

    from yakuba.accounts.models import User
    from yakuba.core import scheduling
    from yakuba.drills import jobs, services
    from yakuba.drills.models import Drill, DrillRecipient, DrillTemplate, SendStatus
    from yakuba.org.models import Staff, Unit
    from yakuba.rosters.audience import Audience

    settings.DRILLS_RETRY_BACKOFF_SECONDS = (0,)
    root = Unit(code="D000", name="ベンチ市", kind="department")
    root.save()
    units = []
    for i in range(UNITS):
        unit = Unit(code=f"D{i + 1:03d}", name=f"第{i + 1}課", kind="division", parent=root)
        unit.save()
        units.append(unit)
    Staff.objects.bulk_create(
        Staff(
            staff_number=f"{200000 + i}",
            name=f"職員 {i:05d}",
            name_kana="ショクイン",
            unit=units[i % UNITS],
            email=f"p{i:05d}@bench.example",
        )
        for i in range(people)
    )
    infosec = User.objects.create_user("bench-infosec", password=None, role="infosec")
    services.load_shipped_templates(infosec)
    now = timezone.now()
    drill = Drill.objects.create(
        name="bench",
        template=DrillTemplate.objects.get(code="password-expiry"),
        audience=Audience().to_json(),
        send_from=now - dt.timedelta(seconds=1),
        send_until=now,
        ends_at=now + dt.timedelta(days=1),
    )
    services.launch(actor=infosec, drill=drill, now=now)

    started = time.perf_counter()
    ticks = 0
    waiting = DrillRecipient.objects.filter(status__in=(SendStatus.SCHEDULED, SendStatus.RETRYING))
    while waiting.exists() and time.perf_counter() - started < TIME_LIMIT_S:
        result = scheduling.tick(jobs=[jobs.RELEASE])
        if not result.claimed:
            time.sleep(0.2)  # the release key is the tick's second
            continue
        ticks += 1
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", "-v0")
    elapsed = time.perf_counter() - started
    rows = DrillRecipient.objects.filter(drill=drill)
    by_status = Counter(rows.values_list("status", flat=True))
    attempts = rows.aggregate(n=Sum("attempts"))["n"] or 0
    Path(out).write_text(
        json.dumps(
            {
                "elapsed_s": round(elapsed, 2),
                "ticks": ticks,
                "attempts": attempts,
                "status": dict(by_status),
                "recipients": rows.count(),
            }
        )
    )


class RefusingHandler:
    """Accepts mail, but answers 451 to a random share of them (after DATA)."""

    def __init__(self, refuse: float, seed: int) -> None:
        self.refuse = refuse
        self.rng = random.Random(seed)
        self.accepted: Counter[tuple[str, str]] = Counter()
        self.refused = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import email
        import email.policy

        if self.rng.random() < self.refuse:
            self.refused += 1
            return "451 4.3.0 Temporary failure, try again later"
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        for rcpt in envelope.rcpt_tos:
            self.accepted[(str(message.get("Message-ID", "")), rcpt.lower())] += 1
        return "250 OK"


def run(people: int, refuse: float, seed: int) -> dict[str, Any]:
    from aiosmtpd.controller import Controller

    from yakuba.core.benchserver import bench_site, free_port

    handler = RefusingHandler(refuse, seed)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "EMAIL_TIMEOUT": "10",
            "DEFAULT_FROM_EMAIL": "yakuba@bench.example",
            "YAKUBA_BASE_URL": "https://yakuba.bench.example",
        }
        with (
            bench_site("sqlite", prefix="drills", env=env) as site,
            tempfile.TemporaryDirectory() as tmp,
        ):
            out = Path(tmp) / "result.json"
            site.run_module("yakuba.drills.bench", "--measure", str(out), "--people", str(people))
            site_figures: dict[str, Any] = json.loads(out.read_text())
    finally:
        controller.stop()
    people_reached = {rcpt for (_mid, rcpt) in handler.accepted}
    sent = len(handler.accepted)
    duplicates = sum(n - 1 for n in handler.accepted.values())
    status = site_figures["status"]
    return {
        "drill_sent": sent,
        "drill_lost": people - len(people_reached),
        "drill_duplicates": duplicates,
        "drill_retries": site_figures["attempts"] - site_figures["recipients"],
        "drill_refused_by_server": handler.refused,
        "drill_elapsed_s": site_figures["elapsed_s"],
        "drill_ticks": site_figures["ticks"],
        "drill_rows_sent": status.get("sent", 0),
        "drill_rows_failed": status.get("failed", 0),
        "drill_rows_unknown": status.get("unknown", 0),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--refuse", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--measure", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        measure(args.people, args.measure)
        return 0
    figures = run(args.people, args.refuse, args.seed)
    print(f"Drill mail: {args.people} recipients, SMTP refusing {args.refuse:.0%} at random")
    for key, value in figures.items():
        print(f"  {key:<26}{value:>10}")
    ok = (
        figures["drill_sent"] == args.people
        and figures["drill_lost"] == 0
        and figures["drill_duplicates"] == 0
        and figures["drill_rows_sent"] == args.people
    )
    print(json.dumps({**figures, "drill_ok": ok}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
