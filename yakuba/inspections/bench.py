"""Infosec's self-inspection heat map: time and queries (`python -m yakuba.inspections.bench`).

A throwaway bench site (`core.benchserver.bench_site`, temporary SQLite file; also a
temporary PostgreSQL database with ``--database-url``) per office size: 45 units, the
three starter checklists, three launched rounds (half a year apart) and a synthetic,
deterministic answer pattern for every person, written in bulk (sheets and their
per-section tallies — what the heat map reads). Measured: GET of the heat-map page as
infosec (signed in, second factor passed) through Django's test client, ``--repeats``
times after one warm-up; the median and p95 in ms, and the number of queries of one
request — for 500 and for 2,000 staff, which must be the same.

Never depends on today's date. Prints a table; the last line is one JSON object with
``heatmap_ms`` (p95, 2,000 staff) and ``heatmap_queries`` (2,000 staff), and
``heatmap_queries_500``.

    python -m yakuba.inspections.bench [--repeats 30] [--database-url postgres://…/x]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

UNITS = 45
SIZES = (500, 2000)
ROUNDS = 3
TARGET_MS = 300.0
FIRST_ROUND = dt.date(2025, 4, 1)


def _setup(staff_count: int) -> tuple[Any, Any]:
    """The office, the checklists and three rounds; returns (infosec user, latest round)."""
    from yakuba.accounts.models import User
    from yakuba.core.text import search_key
    from yakuba.inspections.models import (
        ChecklistSection,
        Round,
        RoundStatus,
        SectionTally,
        Sheet,
        SheetStatus,
    )
    from yakuba.inspections.services import install_starter_checklists
    from yakuba.org.models import Staff, Unit

    rng = random.Random(14)
    dept = Unit(code="D1", name="総務部", name_kana="ソウムブ", kind="department")
    dept.save()
    units = []
    for i in range(UNITS):
        unit = Unit(
            code=f"U{i:03d}", name=f"第{i + 1}課", name_kana="カ", kind="division", parent=dept
        )
        unit.save()
        units.append(unit)
    infosec = User.objects.create_user("bench-infosec", password=None, role="infosec")
    people = []
    for i in range(staff_count):
        person = Staff(
            staff_number=f"{10000 + i}",
            name=f"職員 {i}",
            name_kana="ショクイン",
            unit=units[i % UNITS],
        )
        person.search_text = search_key(f"{person.staff_number} {person.name}")
        people.append(person)
    people[0].user = infosec
    Staff.objects.bulk_create(people, batch_size=1000)
    people = list(Staff.objects.order_by("staff_number"))
    install_starter_checklists(None)
    from yakuba.inspections.models import Checklist

    staff_list = Checklist.objects.get(code="staff")
    checklists = list(Checklist.objects.all())
    sections = list(ChecklistSection.objects.filter(checklist=staff_list).prefetch_related("items"))
    sizes = {s.pk: s.items.count() for s in sections}
    latest = None
    for r in range(ROUNDS):
        opens = dt.date(
            FIRST_ROUND.year + (FIRST_ROUND.month - 1 + 6 * r) // 12,
            (FIRST_ROUND.month - 1 + 6 * r) % 12 + 1,
            1,
        )
        round_ = Round.objects.create(
            title=f"自己点検 第{r + 1}回",
            period_label=f"{opens:%Y-%m}",
            opens_on=opens,
            due_on=opens + dt.timedelta(days=30),
            status=RoundStatus.CLOSED if r < ROUNDS - 1 else RoundStatus.OPEN,
            previous=latest,
        )
        round_.checklists.set(checklists)
        Sheet.objects.bulk_create(
            [
                Sheet(
                    round=round_,
                    staff=p,
                    unit_id=p.unit_id,
                    checklist=staff_list,
                    status=SheetStatus.CONFIRMED if rng.random() < 0.9 else SheetStatus.NOT_STARTED,
                )
                for p in people
            ],
            batch_size=1000,
        )
        tallies = []
        for sheet in Sheet.objects.filter(round=round_, status=SheetStatus.CONFIRMED).values_list(
            "pk", flat=True
        ):
            for section_id, n in sizes.items():
                done = sum(1 for _ in range(n) if rng.random() < 0.7 + 0.08 * r)
                not_done = rng.randint(0, n - done)
                tallies.append(
                    SectionTally(
                        sheet_id=sheet,
                        section_id=section_id,
                        done=done,
                        not_done=not_done,
                        partial=n - done - not_done,
                    )
                )
        SectionTally.objects.bulk_create(tallies, batch_size=2000)
        latest = round_
    return infosec, latest


def _child(staff_count: int, repeats: int, out: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yakuba.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from yakuba.inspections.models import SectionTally, Sheet

    infosec, latest = _setup(staff_count)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(infosec)
    device = TOTPDevice.objects.create(user=infosec, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    url = f"/security/inspections/heatmap/?round={latest.pk}"
    warm = client.get(url)
    assert warm.status_code == 200, warm.status_code
    # Counted by a wrapper, not CaptureQueriesContext: each request resets the query log.
    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    timings.sort()
    out.write_text(
        json.dumps(
            {
                "staff": staff_count,
                "sheets": Sheet.objects.count(),
                "tallies": SectionTally.objects.count(),
                "median_ms": round(statistics.median(timings), 1),
                "p95_ms": round(timings[min(len(timings) - 1, int(0.95 * len(timings)))], 1),
                "queries": len(executed),
            }
        )
    )


def _leg(database: str, staff_count: int, repeats: int) -> dict[str, Any]:
    from yakuba.core.benchserver import bench_site

    with bench_site(database, prefix="inspections", collectstatic=True) as site:
        out = site.work / "result.json"
        site.run_module(
            "yakuba.inspections.bench",
            "--child",
            str(out),
            "--staff",
            str(staff_count),
            "--repeats",
            str(repeats),
        )
        result: dict[str, Any] = json.loads(out.read_text())
        return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="PostgreSQL server to bench too")
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--staff", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.staff, args.repeats, Path(args.child))
        return 0
    databases = ["sqlite"]
    if args.database_url:
        from yakuba.core import benchserver

        benchserver.PG_ADMIN_URL = args.database_url.rsplit("/", 1)[0] + "/postgres"
        databases.append("postgres")
    legs = {(db, n): _leg(db, n, args.repeats) for db in databases for n in SIZES}
    print(f"Self-inspection heat map: {UNITS} units, {ROUNDS} rounds, {args.repeats} requests each")
    print(
        f"{'database':<10} {'staff':>6} {'sheets':>7} {'tallies':>8} "
        f"{'median ms':>10} {'p95 ms':>8} {'queries':>8}"
    )
    for (db, n), leg in legs.items():
        print(
            f"{db:<10} {n:>6} {leg['sheets']:>7} {leg['tallies']:>8} {leg['median_ms']:>10.1f} "
            f"{leg['p95_ms']:>8.1f} {leg['queries']:>8}"
        )
    big = max(SIZES)
    summary: dict[str, Any] = {
        "heatmap_ms": max(legs[(db, big)]["p95_ms"] for db in databases),
        "heatmap_median_ms": max(legs[(db, big)]["median_ms"] for db in databases),
        "heatmap_queries": legs[("sqlite", big)]["queries"],
        "heatmap_queries_500": legs[("sqlite", min(SIZES))]["queries"],
    }
    for db in databases:
        summary[f"heatmap_ms_{db}"] = legs[(db, big)]["p95_ms"]
    summary["heatmap_queries_constant"] = all(
        legs[(db, big)]["queries"] == legs[(db, min(SIZES))]["queries"] for db in databases
    )
    summary["heatmap_ok"] = (
        summary["heatmap_queries_constant"] and summary["heatmap_ms"] <= TARGET_MS
    )
    print(json.dumps(summary))
    return 0 if summary["heatmap_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
