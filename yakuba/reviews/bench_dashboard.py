"""The review dashboard for a large office: time and queries
(`python -m yakuba.reviews.bench_dashboard`, run by ``make bench-reviews``).

A throwaway bench site (`core.benchserver.bench_site`: a temporary SQLite file; also a
temporary PostgreSQL database with ``--database-url``): 45 divisions under 5 departments,
the default criteria published, the starting assumptions, one round of 20,000 items
(19,900 procedures and 100 meeting series) written in bulk — half decided with their
tracks, the rest spread over the other statuses. Measured through Django's test client in
the site's process (no HTTP server; the planning unit signed in with its second factor):

* ``dashboard_queries_constant`` — the page's queries with 2,000 items and with 20,000
  (the same round grown in place) must be equal;
* ``dashboard_ms`` — the 95th percentile of 30 requests of the page with 20,000 items,
  after 3 warm-up requests (the worse database's), target ≤ 300 ms.

``make bench-reviews`` runs ``yakuba.reviews.bench`` (the inventory import), which calls
`bench_dashboard` after its own piece and prints one JSON line with every figure; run on its
own, this module prints its table and its own JSON line. Never depends on today's date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

DEPARTMENTS = 5
DIVISIONS = 45
SMALL, LARGE = 2_000, 20_000
MEETINGS = 100
REQUESTS, WARM_UP = 30, 3
TARGET_MS = 300.0
DAY = dt.date(2021, 3, 31)
EFFECTS = {
    "seal": ("seal_abolish", "seal_abolished"),
    "paper": ("paper_online", "online"),
    "visit": ("visit_none", "no_visit"),
    "attachments": ("attach_omit", "attachment_omitted"),
}


def _setup_office() -> tuple[Any, Any, list[Any]]:
    """Units, the planning user, criteria, assumptions and an empty round."""
    from yakuba.accounts.models import User
    from yakuba.org.models import Staff, Unit
    from yakuba.reviews import criteria, workflow
    from yakuba.reviews.models import ReviewRound

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
    planner = User.objects.create_user("bench-planner", password=None, role="planning")
    Staff.objects.create(
        staff_number="B0001", name="企画 太郎", name_kana="キカク", unit=divisions[0], user=planner
    )
    versions = [
        criteria.publish(actor=planner, version=v)
        for v in criteria.install_default_criteria(actor=planner)
    ]
    workflow.install_default_assumptions(actor=planner)
    review_round = ReviewRound.objects.create(
        name="ベンチマークの見直し", due_on=DAY, include_meetings=True, created_by=planner
    )
    review_round.criteria_versions.set(versions)
    return planner, review_round, divisions


def _grow(review_round: Any, divisions: list[Any], start: int, stop: int) -> None:
    """Items ``start``…``stop``-1 of the round: procedures (and every 200th a meeting
    series), half decided with their tracks, the rest spread over the other statuses."""
    from yakuba.reviews.models import (
        MeetingSeries,
        Procedure,
        Review,
        ReviewStatus,
        ReviewTrack,
    )

    versions = {v.criteria_set.applies_to: v for v in review_round.criteria_versions.all()}
    organiser = review_round.created_by
    statuses = [
        ReviewStatus.DECIDED,
        ReviewStatus.IMPLEMENTED,
        ReviewStatus.NOT_STARTED,
        ReviewStatus.ANSWERING,
        ReviewStatus.SUBMITTED,
        ReviewStatus.DECIDED,
        ReviewStatus.NOT_STARTED,
        ReviewStatus.DECIDED,
    ]
    decided_at = dt.datetime(2021, 3, 1, 9, tzinfo=dt.UTC)
    reviews = []
    for i in range(start, stop):
        unit = divisions[i % DIVISIONS]
        status = statuses[i % len(statuses)]
        if i % (LARGE // MEETINGS) == 0:
            item = MeetingSeries.objects.create(
                key=f"bench-{i}",
                title=f"定例会議{i}",
                organiser=organiser,
                unit=unit,
                department=unit.parent,
                meetings_per_year=24,
                avg_minutes=60,
                avg_participants=12,
                cost_per_meeting_yen=36000,
                cost_per_year_yen=864000,
            )
            reviews.append(
                Review(
                    round=review_round,
                    meeting_series=item,
                    unit=unit,
                    department=unit.parent,
                    criteria_version=versions["meeting"],
                    status=status,
                    decided_at=decided_at,
                )
            )
        else:
            reviews.append(
                Review(
                    round=review_round,
                    procedure_id=None,
                    unit=unit,
                    department=unit.parent,
                    criteria_version=versions["procedure"],
                    status=status,
                    decided_at=decided_at,
                )
            )
    procs = Procedure.objects.bulk_create(
        [
            Procedure(
                procedure_id=f"B{start + n:06d}",
                unit=r.unit,
                department=r.department,
                name=f"手続{start + n}",
                seal="seal",
                annual_count=(n % 50) * 10,
            )
            for n, r in enumerate(reviews)
            if r.meeting_series_id is None
        ],
        batch_size=2000,
    )
    it = iter(procs)
    for r in reviews:
        if r.meeting_series_id is None:
            r.procedure = next(it)
    created = Review.objects.bulk_create(reviews, batch_size=2000)
    tracks = []
    for r in created:
        if r.status not in (ReviewStatus.DECIDED, ReviewStatus.IMPLEMENTED):
            continue
        if r.meeting_series_id:
            tracks.append(
                ReviewTrack(
                    review=r,
                    track="method",
                    proposed="mtg_online_all",
                    outcome="mtg_online_all",
                    effect="meeting_online",
                )
            )
            continue
        for track, (outcome, effect) in EFFECTS.items():
            tracks.append(
                ReviewTrack(review=r, track=track, proposed=outcome, outcome=outcome, effect=effect)
            )
    ReviewTrack.objects.bulk_create(tracks, batch_size=5000)


def _client(planner: Any) -> Any:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(planner)
    device = TOTPDevice.objects.create(user=planner, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _queries(client: Any, url: str) -> int:
    from django.db import connection

    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(executed)


def _child(out: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yakuba.settings")
    import django

    django.setup()
    from django.urls import reverse

    started = time.perf_counter()
    planner, review_round, divisions = _setup_office()
    _grow(review_round, divisions, 0, SMALL)
    client = _client(planner)
    url = reverse("reviews:dashboard") + f"?round={review_round.pk}"
    client.get(url)  # warm-up
    small_queries = _queries(client, url)
    _grow(review_round, divisions, SMALL, LARGE)
    build_s = time.perf_counter() - started
    large_queries = _queries(client, url)
    for _ in range(WARM_UP):
        client.get(url)
    timings = []
    for _ in range(REQUESTS):
        t0 = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    ordered = sorted(timings)
    out.write_text(
        json.dumps(
            {
                "items": LARGE,
                "build_s": round(build_s, 1),
                "queries_small": small_queries,
                "queries_large": large_queries,
                "median_ms": round(statistics.median(timings), 1),
                "p95_ms": round(
                    ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 1
                ),
                "max_ms": round(ordered[-1], 1),
            }
        )
    )


def _leg(database: str) -> dict[str, Any]:
    from yakuba.core.benchserver import bench_site

    with bench_site(database, prefix="bench-reviews-dashboard", collectstatic=True) as site:
        out = site.work / "dashboard.json"
        site.run_module("yakuba.reviews.bench_dashboard", "--child", str(out))
        result: dict[str, Any] = json.loads(out.read_text())
        return result


def bench_dashboard(databases: list[str]) -> dict[str, Any]:
    """Run the dashboard legs, print their table; the figures for the summary."""
    legs = {db: _leg(db) for db in databases}
    print(
        f"Review dashboard: {LARGE:,} items ({MEETINGS} meeting series), {DIVISIONS} units, "
        f"Django test client in-process, {REQUESTS} requests after {WARM_UP} warm-up"
    )
    print(
        f"{'database':<10} {'build s':>8} {'queries 2k':>10} {'queries 20k':>11} "
        f"{'median ms':>10} {'p95 ms':>8} {'max ms':>8}"
    )
    for db, leg in legs.items():
        print(
            f"{db:<10} {leg['build_s']:>8.1f} {leg['queries_small']:>10} "
            f"{leg['queries_large']:>11} {leg['median_ms']:>10.1f} {leg['p95_ms']:>8.1f} "
            f"{leg['max_ms']:>8.1f}"
        )
    figures: dict[str, Any] = {
        "dashboard_ms": max(leg["p95_ms"] for leg in legs.values()),
        "dashboard_ms_statistic": "p95 of 30 requests, Django test client in-process",
        "dashboard_items": LARGE,
        "dashboard_units": DIVISIONS,
        "dashboard_queries_constant": all(
            leg["queries_small"] == leg["queries_large"] for leg in legs.values()
        ),
    }
    for db, leg in legs.items():
        figures[f"dashboard_p95_ms_{db}"] = leg["p95_ms"]
        figures[f"dashboard_median_ms_{db}"] = leg["median_ms"]
        figures[f"dashboard_queries_{db}"] = [leg["queries_small"], leg["queries_large"]]
    figures["dashboard_ok"] = (
        figures["dashboard_queries_constant"] and figures["dashboard_ms"] <= TARGET_MS
    )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", default="", help="PostgreSQL server to bench too")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(Path(args.child))
        return 0
    databases = ["sqlite"]
    if args.database_url:
        from yakuba.core import benchserver

        benchserver.PG_ADMIN_URL = args.database_url.rsplit("/", 1)[0] + "/postgres"
        databases.append("postgres")
    summary = bench_dashboard(databases)
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if summary["dashboard_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
