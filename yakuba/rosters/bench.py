"""Roster benchmark: `make bench-rosters` (or `python -m yakuba.rosters.bench`).

For the demo city (600 staff) and scaled cities (2,000 and 5,000 staff; `--sizes`), each
in a fresh SQLite database of its own benchmark site (`yakuba.core.benchserver.bench_site`,
DEBUG off): whole-office roster for January 2027 (8 counters, 5 VPN seats, split teams,
requests and leave) solved for `--time-limit` seconds as the roster task solves it (the
planner chooses the search by the model's size, `planner.BY_SIZE`); every result checked
by the planner's evaluator; repair after one sick day; the grid page's server time and SQL
query count. Per size: the search chosen, seconds to the first feasible roster (the first
progress report, as the roster page sees it), objective, proven bound and its source, gap,
seconds to build the problem from the database and the start roster, wall time against the
limit, peak memory. Prints a table and, as the last line, one JSON object.

The month is fixed, never "next month": the figures must not depend on the day the
benchmark runs. January 2027 has the New Year holidays and 成人の日 on Monday the 11th,
the day a sick counter worker used to be looked for (counters are closed on holidays).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

#: The benchmark's period (see the module docstring).
PERIOD_FIRST = dt.date(2027, 1, 1)
PERIOD_LAST = dt.date(2027, 1, 31)
#: The sick day is taken from this day of the period on (mid-month).
REPAIR_FROM_DAY = 10


def _setup_django() -> None:
    """Inside the site's subprocess: settings come from the bench site's environment."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yakuba.settings")
    import django

    django.setup()


def _city(staff: int, seed: int) -> None:
    from django.core.management import call_command

    call_command("seed_demo", staff=staff, seed=seed, stdout=open(os.devnull, "w"))  # noqa: SIM115
    from yakuba.rosters.demo import seed_requests, seed_setup

    seed_setup()
    seed_requests(PERIOD_FIRST, PERIOD_LAST)


def _solve(version: Any, time_limit: int) -> dict[str, Any]:
    from yakuba import planner
    from yakuba.rosters.models import RosterVersion
    from yakuba.rosters.solver_io import build_problem, start_roster, write_result

    started = time.perf_counter()
    ctx = build_problem(version)
    build_s = time.perf_counter() - started
    hint = start_roster(ctx)
    start_s = time.perf_counter() - started - build_s
    reports: list[float] = []
    strategies: list[str] = []
    solve_started = time.perf_counter()
    result = planner.solve(
        ctx.problem,
        time_limit=time_limit,
        workers=2,
        seed=1,
        hint=hint,
        full_model=planner.BY_SIZE,
        # The first progress report is when the roster page first shows a roster.
        on_progress=lambda elapsed, objective, bound: reports.append(
            time.perf_counter() - solve_started
        ),
        on_strategy=strategies.append,
    )
    solve_wall = time.perf_counter() - solve_started
    if result.roster is None:
        raise SystemExit(
            f"no roster: {result.status} {result.diagnosis and result.diagnosis.summary()}"
        )
    evaluation = planner.evaluate(ctx.problem, result.roster)
    assert evaluation.feasible, evaluation.hard_violations[:5]
    assert evaluation.objective == result.objective, (evaluation.objective, result.objective)
    write_result(version, ctx, result)
    version = RosterVersion.objects.get(pk=version.pk)
    gap = (
        (result.objective - (result.bound or 0)) / result.objective * 100
        if result.objective
        else 0.0
    )
    first = reports[0] if reports else solve_wall
    return {
        "version": version,
        "staff": len(ctx.problem.staff),
        "days": ctx.problem.horizon,
        "cells": len(ctx.problem.staff) * ctx.problem.horizon,
        "strategy": strategies[0] if strategies else result.stats.get("strategy", ""),
        "model_vars": result.stats.get("model_vars"),
        "status": result.status,
        "objective": result.objective,
        "bound": result.bound,
        "bound_source": result.bound_source,
        "gap_pct": round(gap, 2),
        "first_feasible_s": round(first, 2),
        # ... counted from the start of the problem's build from the database.
        "first_feasible_from_build_s": round(build_s + start_s + first, 2),
        "build_s": round(build_s, 2),
        "start_roster_s": round(start_s, 2),
        "wall_s": round(solve_wall, 1),
        "within_limit": solve_wall <= time_limit + 2,
        "verified": evaluation.feasible,
    }


def _grid(version: Any, user: Any, repeats: int = 5) -> tuple[float, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    if user.is_privileged:  # the auditor passes TOTP like every privileged role
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="bench", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    url = reverse("rosters:version_detail", args=[version.pk])
    client.get(url)  # warm caches (templates, translations)
    times = []
    queries = 0
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries


def repair_cell(version: Any) -> tuple[dt.date, Any]:
    """The day and the person who falls ill: the first person at a counter on the first
    weekday from ``REPAIR_FROM_DAY`` on that the roster itself staffs a counter (so a
    holiday, when counters are closed, is never picked)."""
    from yakuba.rosters.models import ActivityKind, Assignment

    start = version.period.days[min(REPAIR_FROM_DAY, len(version.period.days) - 1)]
    at_counters = (
        Assignment.objects.filter(version=version, activity__kind=ActivityKind.COUNTER)
        .select_related("staff")
        .order_by("date", "pk")
    )
    cells = [c for c in at_counters if c.date.weekday() < 5]
    cell = next((c for c in cells if c.date >= start), None) or next(iter(cells), None)
    if cell is None:
        raise SystemExit("the roster staffs no counter on a weekday: nothing to repair")
    return cell.date, cell.staff


def run_city(staff: int, time_limit: int, repair_limit: int) -> dict[str, Any]:
    from yakuba.accounts.models import User
    from yakuba.demo import accounts
    from yakuba.org.models import Unit
    from yakuba.rosters import selectors, services
    from yakuba.rosters.models import RosterPeriod, RosterVersion

    first, last = PERIOD_FIRST, PERIOD_LAST
    planner_user = User.objects.get(username=accounts.SYSADMIN)
    viewer = User.objects.get(username=accounts.AUDITOR)
    period = RosterPeriod.objects.create(
        unit=None, name="bench", start_date=first, end_date=last, created_by=planner_user
    )
    version = RosterVersion.objects.create(
        period=period, number=1, created_by=planner_user, time_limit=time_limit
    )
    solved = _solve(version, time_limit)
    version = solved.pop("version")
    services.publish(actor=planner_user, version=version)
    # Repair: somebody at a counter on a mid-month weekday falls ill.
    day, sick = repair_cell(version)
    services.record_sick_leave(actor=planner_user, version=version, staff=sick, dates=[day])
    repair = RosterVersion.objects.create(
        period=period,
        number=2,
        created_by=planner_user,
        based_on=version,
        is_repair=True,
        time_limit=repair_limit,
    )
    repaired = _solve(repair, repair_limit)
    changes = selectors.changed_cells(version, repaired["version"])
    others = [c for c in changes if c[0] != sick.pk]
    grid_ms, grid_queries = _grid(version, viewer)
    # A small period (one division) must render with the same number of queries.
    small_unit = Unit.objects.filter(name="市民課").first()
    small = RosterPeriod.objects.create(
        unit=small_unit, name="small", start_date=first, end_date=last, created_by=planner_user
    )
    small_version = RosterVersion.objects.create(
        period=small, number=1, created_by=planner_user, time_limit=10
    )
    _solve(small_version, 10)
    small_ms, small_queries = _grid(small_version, viewer)
    return {
        **solved,
        "repair_changes": len(others),
        "repair_status": repaired["status"],
        "repair_s": repaired["wall_s"],
        "repair_strategy": repaired["strategy"],
        "repair_within_limit": repaired["within_limit"],
        "grid_ms": round(grid_ms, 1),
        "grid_queries": grid_queries,
        "grid_queries_small": small_queries,
        "grid_queries_constant": grid_queries == small_queries,
        "grid_ms_small": round(small_ms, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="600,2000,5000")
    parser.add_argument("--time-limit", type=int, default=60)
    parser.add_argument("--repair-time-limit", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        # One city per site: each gets its own fresh database and Django set-up.
        _setup_django()
        seeding = time.perf_counter()
        _city(args.child, args.seed)
        seed_s = time.perf_counter() - seeding
        import resource

        figures = run_city(args.child, args.time_limit, args.repair_time_limit)
        figures["seed_s"] = round(seed_s, 1)
        figures["peak_rss_mib"] = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
        )
        Path(args.out).write_text(json.dumps(figures))
        return 0
    from yakuba.core.benchserver import bench_site

    site_env = {
        # The grid page is rendered in-process by Django's test client; solves run inline.
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }
    rows = {}
    for size in [int(s) for s in args.sizes.split(",")]:
        started = time.perf_counter()
        with bench_site("sqlite", prefix="bench-rosters", env=site_env, collectstatic=True) as site:
            out = site.work / "figures.json"
            site.run_module(
                "yakuba.rosters.bench",
                "--child", str(size),
                "--time-limit", str(args.time_limit),
                "--repair-time-limit", str(args.repair_time_limit),
                "--seed", str(args.seed),
                "--out", str(out),
            )  # fmt: skip
            rows[size] = json.loads(out.read_text()) | {
                "total_s": round(time.perf_counter() - started, 1)
            }
    header = [
        "staff",
        "strategy",
        "status",
        "first feasible s (from build)",
        "objective",
        "bound (source)",
        "gap %",
        "build s",
        "wall s (≤ limit + 2)",
        "repair changes",
        "grid ms",
        "grid queries (600/31 vs small)",
        "peak RSS MiB",
        "seed s",
        "total s",
    ]
    print(" | ".join(header))
    for r in rows.values():
        print(
            " | ".join(
                str(x)
                for x in [
                    r["staff"],
                    r["strategy"],
                    r["status"],
                    f"{r['first_feasible_s']} ({r['first_feasible_from_build_s']})",
                    r["objective"],
                    f"{round(r['bound'] or 0)} ({r['bound_source']})",
                    r["gap_pct"],
                    r["build_s"],
                    f"{r['wall_s']} ({'yes' if r['within_limit'] else 'NO'})",
                    r["repair_changes"],
                    r["grid_ms"],
                    f"{r['grid_queries']} vs {r['grid_queries_small']}",
                    r["peak_rss_mib"],
                    r["seed_s"],
                    r["total_s"],
                ]
            )
        )
    main_size = rows.get(600) or next(iter(rows.values()))
    per_size = (
        "strategy",
        "first_feasible_s",
        "first_feasible_from_build_s",
        "objective",
        "bound",
        "bound_source",
        "gap_pct",
        "build_s",
        "wall_s",
        "within_limit",
        "peak_rss_mib",
        "seed_s",
        "repair_strategy",
        "repair_s",
        "repair_within_limit",
    )
    summary: dict[str, Any] = {
        "first_feasible_s": main_size["first_feasible_s"],
        "gap_pct_60s": main_size["gap_pct"],
        "repair_changes": main_size["repair_changes"],
        "grid_ms": main_size["grid_ms"],
        "grid_queries_constant": main_size["grid_queries_constant"],
        "time_limit_s": args.time_limit,
        "sizes": {
            str(size): {k: r[k] for k in per_size} | {"staff": r["staff"]}
            for size, r in rows.items()
        },
    }
    for size, r in rows.items():
        if r is main_size:
            continue
        summary |= {
            f"first_feasible_s_{size}": r["first_feasible_s"],
            f"gap_pct_60s_{size}": r["gap_pct"],
            f"repair_changes_{size}": r["repair_changes"],
            f"grid_ms_{size}": r["grid_ms"],
            f"grid_queries_constant_{size}": r["grid_queries_constant"],
        }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
