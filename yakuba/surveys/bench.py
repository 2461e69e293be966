"""Benchmark: 2,000 invited people each submit the 20-question telework survey over HTTP,
at most 50 requests in flight, against gunicorn on loopback (`core.benchserver`: DEBUG
off, a database of its own) — first SQLite, then PostgreSQL when ``--database-url`` names
a server (a bench database is created there and dropped afterwards).

Each simulated person opens the survey (GET: the CSRF token) and submits every answer at
once (POST 「回答を送信」: locked survey row, end-time check, validation of each answer,
the response and its answers, the invitation, the audit entry). Arrivals are spread over
``--rush-seconds`` (120 by default; 0 = back to back, saturation). Measured: the submit
latency (p50/p95/max) and errors; then every person must have exactly one response.

    python -m yakuba.surveys.bench [--people 2000] [--concurrency 50] [--rush-seconds 120]
                                   [--database-url postgres://root@127.0.0.1:5432/NAME]

The last line is one JSON object: survey_p95_ms_sqlite, survey_p95_ms_postgres (with
--database-url), survey_p95_ms (the worse), survey_errors.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yakuba.core.loadgen import Latencies, drive, get_then_post

UNIT_SIZE = 40
WARMUP = 12
TARGET_P95_MS = 150.0


@dataclass
class Result(Latencies):
    responses: int = -1


def setup_data(people: int, out_file: str) -> None:
    """In a subprocess against the bench database: people with accounts and sessions, the
    telework survey (from the shipped template) open to them, and the answers to post."""
    import django

    django.setup()
    import datetime as dt
    import random

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from yakuba.accounts.models import User
    from yakuba.org.models import Staff, Unit
    from yakuba.surveys import building
    from yakuba.surveys.defaults import ensure_default_template
    from yakuba.surveys.models import Invitation, QuestionKind, SurveyStatus
    from yakuba.surveys.selectors import structure

    rng = random.Random(15)
    root = Unit(code="B000", name="ベンチ部", kind="department")
    root.save()
    units = []
    for u in range((people + UNIT_SIZE - 1) // UNIT_SIZE):
        unit = Unit(code=f"B{u + 1:03d}", name=f"ベンチ課{u + 1}", kind="division", parent=root)
        unit.save()
        units.append(unit)
    User.objects.bulk_create(
        User(username=f"bench{i:05d}", role="staff", password="!")  # noqa: S106
        for i in range(people)
    )
    users = list(User.objects.filter(username__startswith="bench").order_by("pk"))
    Staff.objects.bulk_create(
        Staff(
            staff_number=f"B{i:05d}",
            name=f"ベンチ 職員{i}",
            name_kana="ベンチ ショクイン",
            unit=units[i // UNIT_SIZE],
            user=user,
            search_text=f"b{i:05d}",
        )
        for i, user in enumerate(users)
    )
    planner = User.objects.create_user("bench-planner", password=None, role="planning")
    survey = building.copy_survey(actor=planner, source=ensure_default_template())
    now = timezone.now()
    survey.status = SurveyStatus.OPEN
    survey.opens_at = survey.launched_at = now - dt.timedelta(minutes=1)
    survey.closes_at = now + dt.timedelta(hours=6)
    survey.period_start, survey.period_end = dt.date(2027, 1, 1), dt.date(2027, 1, 31)
    survey.save()
    Invitation.objects.bulk_create(
        Invitation(survey=survey, staff=s, invited_at=now, telework_days=rng.randint(1, 12))
        for s in Staff.objects.filter(staff_number__startswith="B")
    )
    s = structure(survey)
    # One answer set per person, varied: every question (the conditional ones too).
    answers: list[dict[str, Any]] = []
    for _i in range(people):
        form: dict[str, Any] = {}
        for q in s.questions:
            name = f"q{q.pk}"
            plain = [c for c in s.choices.get(q.pk, []) if not c.is_other]
            if q.kind == QuestionKind.SCALE:
                form[name] = str(rng.randint(1, 5))
            elif q.kind == QuestionKind.SINGLE:
                form[name] = str(rng.choice(plain).pk)
            elif q.kind == QuestionKind.MULTIPLE:
                form[name] = [str(c.pk) for c in rng.sample(plain, k=rng.randint(1, 3))]
            elif q.kind == QuestionKind.NUMBER:
                form[name] = str(rng.randint(0, 5))
            elif q.kind == QuestionKind.DATE:
                form[name] = "2027-01-12"
            else:
                form[name] = rng.choice(
                    (
                        "VPNの回線が遅く、資料の作成に時間がかかった。",
                        "通勤時間が減って助かった。",
                        "",
                    )
                )
        answers.append(form)
    keys = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    Path(out_file).write_text(
        json.dumps(
            {
                "survey": survey.pk,
                "questions": len(s.questions),
                "people": list(zip(keys, answers, strict=True)),
            }
        )
    )
    print(f"  set up {len(units)} units, {people} people, {len(s.questions)} questions")


def verify(out_file: str) -> None:
    import django

    django.setup()
    from yakuba.surveys.models import Invitation, Response

    survey = json.loads(Path(out_file).read_text())["survey"]
    Path(out_file + ".verify").write_text(
        json.dumps(
            {
                "responses": Response.objects.filter(survey_id=survey).count(),
                "answered": Invitation.objects.filter(survey_id=survey, answered=True).count(),
            }
        )
    )


def _visit(port: int, survey: int) -> Callable[[list[Any], Latencies], None]:
    """A person opens the survey and submits every answer at once (「回答を送信」)."""

    def visit(person: list[Any], result: Latencies) -> None:
        session_key, answers = person

        def form(_html: str, token: str) -> str:
            fields = {**answers, "csrfmiddlewaretoken": token, "action": "submit"}
            return urllib.parse.urlencode(fields, doseq=True)

        get_then_post(port, f"/surveys/{survey}/", session_key, form, result)

    return visit


def run_backend(backend: str, people: int, concurrency: int, rush_seconds: float) -> Result:
    from yakuba.core.benchserver import bench_site

    with bench_site(backend, prefix="bench-surveys", collectstatic=True) as site:
        data_file = site.work / "people.json"
        site.run_module("yakuba.surveys.bench", "--setup", str(people + WARMUP), str(data_file))
        data = json.loads(data_file.read_text())
        warmup, measured = data["people"][:WARMUP], data["people"][WARMUP:]
        result = Result(backend)
        with site.server(workers=3, threads=4) as server:
            drive(
                _visit(server.port, data["survey"]),
                warmup,
                measured,
                result,
                concurrency=concurrency,
                rush_seconds=rush_seconds,
            )
        site.run_module("yakuba.surveys.bench", "--verify", str(data_file))
        checked = json.loads(Path(str(data_file) + ".verify").read_text())
        result.responses = checked["responses"]
        expected = len(data["people"])
        if checked["responses"] != expected or checked["answered"] != expected:
            result.errors += abs(expected - checked["responses"])
            result.error_samples.append(f"stored {checked} for {expected} people")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rush-seconds", type=float, default=120)
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to measure too (a bench database is created there)",
    )
    parser.add_argument("--setup", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--verify", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.setup:
        setup_data(int(args.setup[0]), args.setup[1])
        return 0
    if args.verify:
        verify(args.verify)
        return 0
    backends = ["sqlite"]
    if args.database_url:
        from yakuba.core import benchserver

        benchserver.PG_ADMIN_URL = args.database_url.rsplit("/", 1)[0] + "/postgres"
        backends.append("postgres")
    results = []
    for backend in backends:
        print(f"{backend}: {args.people} people, at most {args.concurrency} in flight")
        results.append(run_backend(backend, args.people, args.concurrency, args.rush_seconds))
    print()
    header = f"{'backend':<10}{'submits':>8}{'stored':>8}{'errors':>8}{'p50 ms':>9}"
    header += f"{'p95 ms':>9}{'max ms':>9}{'GET p95':>9}{'req/s':>8}"
    print(header)
    print("-" * len(header))
    summary: dict[str, Any] = {
        "people": args.people,
        "concurrency": args.concurrency,
        "model": f"arrivals over {args.rush_seconds:g} s" if args.rush_seconds else "saturation",
    }
    for r in results:
        rate = (len(r.get_ms) + len(r.post_ms)) / r.seconds if r.seconds else 0
        print(
            f"{r.backend:<10}{len(r.post_ms):>8}{r.responses:>8}{r.errors:>8}"
            f"{r.pct(r.post_ms, 0.5):>9.1f}{r.pct(r.post_ms, 0.95):>9.1f}"
            f"{max(r.post_ms or [0]):>9.1f}{r.pct(r.get_ms, 0.95):>9.1f}{rate:>8.1f}"
        )
        for sample in r.error_samples:
            print(f"  error ({r.backend}): {sample}")
        summary[f"survey_p95_ms_{r.backend}"] = round(r.pct(r.post_ms, 0.95), 1)
        summary[f"survey_p50_ms_{r.backend}"] = round(r.pct(r.post_ms, 0.5), 1)
        summary[f"survey_get_p95_ms_{r.backend}"] = round(r.pct(r.get_ms, 0.95), 1)
    summary["survey_p95_ms"] = max(summary[f"survey_p95_ms_{r.backend}"] for r in results)
    summary["survey_errors"] = sum(r.errors for r in results)
    summary["survey_target_met"] = (
        summary["survey_p95_ms"] <= TARGET_P95_MS and summary["survey_errors"] == 0
    )
    print(json.dumps(summary))
    return 0 if summary["survey_errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
