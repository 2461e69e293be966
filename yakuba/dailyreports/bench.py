"""`make bench-reports`: the 8:30 rush — 1,000 staff submit their morning report within the
window, 50 at a time, against a real server on loopback (gunicorn, DEBUG off), first with
SQLite and then with PostgreSQL (a bench database created and dropped here).

Each simulated person opens the form (GET, for the CSRF token and the question fields)
and submits it (POST); the submission latency is what the issue's p95 ≤ 150 ms is about.

Two load models:

* rush (default, ``--rush-seconds 120``): the 1,000 arrivals are spread evenly over two
  minutes — 7.5 times the rate of a real 15-minute window — with at most 50 people in
  flight at once. This is the morning rush; its p95 is reported as ``p95_ms_<backend>``.
* saturation (``--rush-seconds 0``): 50 users submit back to back with no pause, which
  measures throughput (latency is then queueing time: 50 / throughput).

The last line printed is one JSON object (p95_ms_sqlite, p95_ms_postgres, errors, ...).

    python -m yakuba.dailyreports.bench [--staff 1000] [--concurrency 50] [--rush-seconds 120]
                                        [--only sqlite|postgres]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from yakuba.core.benchserver import bench_site
from yakuba.core.loadgen import Latencies, drive, get_then_post

UNIT_SIZE = 50
# Extra people whose reports are sent (unmeasured) before the run, so that every gunicorn
# worker has imported the code and compiled the templates, as in a server that has been up.
WARMUP = 12
_FIELD = re.compile(r'name="(q_\d+)"')


def setup_data(staff: int, sessions_file: str) -> None:
    """Runs inside a subprocess with the bench DATABASE_URL: units, windows open now,
    staff with accounts, and a signed-in session per person (no password hashing)."""
    import django

    django.setup()
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from yakuba.accounts.models import User
    from yakuba.dailyreports.services import ensure_window
    from yakuba.org.models import Staff, Unit

    now = timezone.localtime()
    opens = (now - dt.timedelta(minutes=5)).time()
    closes = min(now + dt.timedelta(hours=1), now.replace(hour=23, minute=59)).time()
    root = Unit(code="B000", name="ベンチ部", kind="department")
    root.save()
    units = []
    for u in range((staff + UNIT_SIZE - 1) // UNIT_SIZE):
        unit = Unit(code=f"B{u + 1:03d}", name=f"ベンチ課{u + 1}", kind="division", parent=root)
        unit.save()
        window = ensure_window(unit)
        window.opens_at, window.closes_at = opens, closes
        window.workdays, window.work_on_holidays = "1111111", True
        window.save()
        units.append(unit)
    users = User.objects.bulk_create(
        # "!" is Django's mark of an unusable password: sessions are made directly below.
        User(username=f"bench{i:05d}", role="staff", password="!")  # noqa: S106
        for i in range(staff)
    )
    Staff.objects.bulk_create(
        Staff(
            staff_number=f"B{i:05d}",
            name=f"ベンチ 職員{i}",
            name_kana="ベンチ ショクイン",
            unit=units[i // UNIT_SIZE],
            user=user,
            search_text=f"b{i:05d}",
        )
        for i, user in enumerate(User.objects.filter(username__startswith="bench").order_by("pk"))
    )
    keys = []
    for user in User.objects.filter(username__startswith="bench").order_by("pk"):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    Path(sessions_file).write_text(json.dumps(keys))
    print(f"  set up {len(units)} units, {len(users)} staff")


def _visit(port: int) -> Callable[[str, Latencies], None]:
    """A person opens today's report and submits it with every field filled."""

    def form(html: str, token: str) -> str:
        fields = {"csrfmiddlewaretoken": token, "work_place": "home", "submit": ""}
        for name in _FIELD.findall(html):
            fields[name] = "窓口対応と会議資料の作成"
        return urllib.parse.urlencode(fields)

    def visit(session_key: str, result: Latencies) -> None:
        get_then_post(port, "/reports/today/", session_key, form, result)

    return visit


def run_backend(backend: str, staff: int, concurrency: int, rush_seconds: float) -> Latencies:
    with bench_site(backend, prefix="bench-reports", collectstatic=True) as site:
        sessions = site.work / "sessions.json"
        site.run_module("yakuba.dailyreports.bench", "--setup", str(staff + WARMUP), str(sessions))
        people = json.loads(sessions.read_text())
        warmup, keys = people[:WARMUP], people[WARMUP:]
        result = Latencies(backend)
        with site.server(workers=3, threads=4) as server:
            drive(
                _visit(server.port),
                warmup,
                keys,
                result,
                concurrency=concurrency,
                rush_seconds=rush_seconds,
            )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    parser.add_argument(
        "--rush-seconds",
        type=float,
        default=120,
        help="spread arrivals over this many seconds (0: back to back, saturation)",
    )
    parser.add_argument(
        "--setup", nargs=2, metavar=("STAFF", "SESSIONS_FILE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.setup:
        setup_data(int(args.setup[0]), args.setup[1])
        return 0
    results: list[Latencies] = []
    for backend in ("sqlite", "postgres"):
        if args.only in (None, backend):
            print(f"{backend}: {args.staff} staff, {args.concurrency} concurrent users")
            results.append(run_backend(backend, args.staff, args.concurrency, args.rush_seconds))
    print()
    header = f"{'backend':<10}{'reports':>8}{'errors':>8}{'POST p50':>10}{'POST p95':>10}"
    header += f"{'POST max':>10}{'GET p95':>10}{'req/s':>8}"
    print(header)
    print("-" * len(header))
    summary: dict[str, object] = {
        "staff": args.staff,
        "concurrency": args.concurrency,
        "model": f"rush over {args.rush_seconds:g} s" if args.rush_seconds else "saturation",
    }
    for r in results:
        rate = (len(r.get_ms) + len(r.post_ms)) / r.seconds if r.seconds else 0
        print(
            f"{r.backend:<10}{len(r.post_ms):>8}{r.errors:>8}{r.pct(r.post_ms, 0.5):>10.1f}"
            f"{r.pct(r.post_ms, 0.95):>10.1f}{max(r.post_ms or [0]):>10.1f}"
            f"{r.pct(r.get_ms, 0.95):>10.1f}{rate:>8.1f}"
        )
        for sample in r.error_samples:
            print(f"  error ({r.backend}): {sample}")
        summary[f"p95_ms_{r.backend}"] = round(r.pct(r.post_ms, 0.95), 1)
        summary[f"p50_ms_{r.backend}"] = round(r.pct(r.post_ms, 0.5), 1)
        summary[f"get_p95_ms_{r.backend}"] = round(r.pct(r.get_ms, 0.95), 1)
        summary[f"errors_{r.backend}"] = r.errors
    summary["errors"] = sum(r.errors for r in results)
    print(json.dumps(summary))
    return 0 if summary["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
