"""The evidence report for a large office: time and queries
(`python -m yakuba.evaluation.bench_report`).

A throwaway bench site (`core.benchserver.bench_site`: a temporary SQLite file; also a
temporary PostgreSQL database with ``--database-url``) per office size: 45 divisions under
5 departments, 8 counters, the rosters' set-up (activities, VPN and LGWAN pools, policy,
profiles), and 12 months (April 2020 to March 2021) of published rosters, morning
reports, blockers, online meetings with their connections and catch-ups, and refused seat
bookings, written in bulk (`evaluation.history`). Measured: one report — the last six
months against the first six — generated as the task does (every section, the stored
JSON, the .docx with its chart images and the .xlsx), plus the report page rendered as
HTML for the planning unit: ``report_s``. And the queries of the sections for 500 and
2,000 staff, which must be the same: ``report_queries_constant``.

Prints a table; the last line is one JSON object.

    python -m yakuba.evaluation.bench_report [--database-url postgres://…/postgres]
        [--sizes 500,2000] [--months 12]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

DEPARTMENTS = 5
DIVISIONS = 45
COUNTERS = 8
SIZES = (500, 2000)
TARGET_S = 30.0
FIRST_MONTH = dt.date(2020, 4, 1)


def _months(n: int) -> list[tuple[dt.date, dt.date]]:
    out = []
    first = FIRST_MONTH
    for _ in range(n):
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        out.append((first, nxt - dt.timedelta(days=1)))
        first = nxt
    return out


def _setup(staff_count: int, months: int) -> tuple[Any, dict[str, int], float]:
    """The office and its history; returns (planning user, row counts, seconds taken)."""
    from yakuba.accounts.models import User
    from yakuba.core.text import search_key
    from yakuba.evaluation import history
    from yakuba.org.models import Counter, Skill, Staff, Unit
    from yakuba.rosters.demo import seed_setup

    started = time.perf_counter()
    depts = []
    for d in range(DEPARTMENTS):
        dept = Unit(code=f"D{d}", name=f"第{d + 1}部", name_kana="ブ", kind="department")
        dept.save()
        depts.append(dept)
    divisions = []
    for i in range(DIVISIONS):
        unit = Unit(
            code=f"U{i:03d}",
            name=f"第{i + 1}課",
            name_kana="カ",
            kind="division",
            parent=depts[i % DEPARTMENTS],
        )
        unit.save()
        divisions.append(unit)
    skill = Skill.objects.create(code="desk", name="窓口")
    for c in range(COUNTERS):
        counter = Counter.objects.create(
            code=f"C{c}", name=f"窓口{c + 1}", unit=divisions[c], opens_saturday=c < 2
        )
        counter.required_skills.set([skill])
    planner = User.objects.create_user("bench-planning", password=None, role="planning")
    people = []
    positions = ("主事", "主任", "係長", "課長補佐", "技師")
    types = ("regular",) * 7 + ("fiscal_year", "reappointed", "conditional")
    for i in range(staff_count):
        person = Staff(
            staff_number=f"{10000 + i}",
            name=f"職員 {i}",
            name_kana="ショクイン",
            unit=divisions[i % DIVISIONS],
            position=positions[i % len(positions)],
            employment_type=types[i % len(types)],
        )
        person.search_text = search_key(f"{person.staff_number} {person.name}")
        people.append(person)
    people[0].user = planner
    Staff.objects.bulk_create(people, batch_size=2000)
    seed_setup()
    profiles = []
    for index, (start, end) in enumerate(_months(months)):
        emergency = start.month in (4, 5) and start.year == 2020
        profiles.append(
            history.Profile(
                f"{start.year}年{start.month}月",
                start,
                end,
                telework_share=0.4 if emergency else max(0.05, 0.25 - 0.02 * index),
                office_cap=emergency,
                report_rate=0.8 if emergency else 0.92,
                drop_rate=0.25 if emergency else 0.1,
                blockers_per_person_month=0.3 if emergency else 0.1,
                mode="emergency" if emergency else "normal",
            )
        )
    counts = history.build(profiles, actor=planner)
    return planner, counts, time.perf_counter() - started


def _child(staff_count: int, months: int, out: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yakuba.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from yakuba.evaluation import facts, sections, services, tasks
    from yakuba.evaluation.models import ReportStatus

    planner, counts, build_s = _setup(staff_count, months)
    spans = _months(months)
    half = len(spans) // 2
    comparison = (spans[0][0], spans[half - 1][1]) if half else None
    period = (spans[half][0], spans[-1][1])
    request = sections.ReportRequest(
        sections.Period(*period), sections.Period(*comparison) if comparison else None
    )
    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    # The sections' queries, as generation reads them (shared reads made once).
    with connection.execute_wrapper(count), facts.shared_facts():
        sections.compute_all(request)
    section_queries = len(executed)
    report = services.request_report(
        planner,
        title="ベンチマーク",
        period=period,
        comparison=comparison,
        language="ja",
        enqueue=False,
    )
    started = time.perf_counter()
    claimed = tasks.claim(report.pk)
    assert claimed is not None
    done = tasks.generate(claimed)
    generate_s = time.perf_counter() - started
    assert done.status == ReportStatus.DONE, done.failure
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(planner)
    device = TOTPDevice.objects.create(user=planner, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    started = time.perf_counter()
    page = client.get(f"/evaluation/reports/{report.pk}/")
    html_s = time.perf_counter() - started
    assert page.status_code == 200, page.status_code
    out.write_text(
        json.dumps(
            {
                "staff": staff_count,
                **counts,
                "build_s": round(build_s, 1),
                "generate_s": round(generate_s, 2),
                "html_s": round(html_s, 2),
                "report_s": round(generate_s + html_s, 2),
                "queries": section_queries,
                "docx_kb": round(done.docx_file.size / 1024),
                "xlsx_kb": round(done.xlsx_file.size / 1024),
            }
        )
    )


def _leg(database: str, staff_count: int, months: int) -> dict[str, Any]:
    from yakuba.core.benchserver import bench_site

    with bench_site(database, prefix="evaluation", collectstatic=True) as site:
        out = site.work / "result.json"
        site.run_module(
            "yakuba.evaluation.bench_report",
            "--child",
            str(out),
            "--staff",
            str(staff_count),
            "--months",
            str(months),
        )
        result: dict[str, Any] = json.loads(out.read_text())
        return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", default="", help="PostgreSQL server to bench too")
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--staff", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.staff, args.months, Path(args.child))
        return 0
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    databases = ["sqlite"]
    if args.database_url:
        from yakuba.core import benchserver

        benchserver.PG_ADMIN_URL = args.database_url.rsplit("/", 1)[0] + "/postgres"
        databases.append("postgres")
    legs = {(db, n): _leg(db, n, args.months) for db in databases for n in sizes}
    print(
        f"Evidence report: {DIVISIONS} divisions, {COUNTERS} counters, {args.months} months "
        "(last half against the first), HTML + .docx + .xlsx"
    )
    print(
        f"{'database':<10} {'staff':>6} {'cells':>8} {'reports':>8} {'meetings':>8} "
        f"{'build s':>8} {'generate s':>10} {'html s':>7} {'report s':>9} {'queries':>8}"
    )
    for (db, n), leg in legs.items():
        print(
            f"{db:<10} {n:>6} {leg['assignments']:>8} {leg['reports']:>8} {leg['meetings']:>8} "
            f"{leg['build_s']:>8.1f} {leg['generate_s']:>10.2f} {leg['html_s']:>7.2f} "
            f"{leg['report_s']:>9.2f} {leg['queries']:>8}"
        )
    big, small = max(sizes), min(sizes)
    summary: dict[str, Any] = {
        "report_s": max(legs[(db, big)]["report_s"] for db in databases),
        "report_staff": big,
        "report_months": args.months,
        f"report_queries_{small}": legs[("sqlite", small)]["queries"],
        f"report_queries_{big}": legs[("sqlite", big)]["queries"],
    }
    for db in databases:
        summary[f"report_s_{db}"] = legs[(db, big)]["report_s"]
        summary[f"report_queries_{db}"] = [legs[(db, n)]["queries"] for n in sizes]
    summary["report_queries_constant"] = all(
        legs[(db, big)]["queries"] == legs[(db, small)]["queries"] for db in databases
    )
    summary["report_ok"] = summary["report_queries_constant"] and summary["report_s"] <= TARGET_S
    print(json.dumps(summary))
    return 0 if summary["report_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
