"""Benchmark: fetching a person's due questions with a year of history behind them.

2,000 staff × 300 questions; every person has a year of weekly answers (52 weeks, three
questions a week, some weeks skipped) except one in ten, who joined four weeks ago — the
"short history" group. All of it synthetic (`history.simulate`, deterministic seed) and
bulk-inserted into a fresh database of its own benchmark site (`core.benchserver`,
DEBUG off). The week measured is fixed (Monday 1 March 2027), never "this week": the
figures do not depend on the day the benchmark runs.

Measured: `selectors.this_week` for sampled people — the due cards, their questions and
choices, exactly what the question page reads — its p50/p95 in milliseconds, and its
number of SQL queries for a person with a short and with a long history (they must be
equal: the due questions are one range of the (staff, due) index).

    python -m yakuba.awareness.bench [--staff 2000] [--questions 300] [--samples 400]
                                     [--database sqlite|postgres]

Prints a table; the last line is one JSON object (due_p95_ms, due_queries_short,
due_queries_long, ...).
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

MEASURED_AT = (2027, 3, 1, 9, 30)  # a Monday morning, local time
YEAR_WEEKS = 52
SHORT_WEEKS = 4
TARGET_P95_MS = 20.0


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yakuba.settings")
    import django

    django.setup()


def _build(staff: int, questions: int, seed: int) -> dict[str, Any]:
    from django.utils import timezone

    from yakuba.awareness import history
    from yakuba.awareness.models import Choice, Question, QuestionKind
    from yakuba.awareness.weekly import Candidate, week_bounds
    from yakuba.org.models import Staff, Unit
    from yakuba.security.topics import Topic

    now = timezone.make_aware(dt.datetime(*MEASURED_AT))
    topics = list(Topic.values)
    made = Question.objects.bulk_create(
        Question(
            code=f"B-{i:04d}",
            topic=topics[i % len(topics)],
            kind=QuestionKind.SINGLE,
            text=f"ベンチマークの問題 {i}",
            explanation="解説",
        )
        for i in range(questions)
    )
    Choice.objects.bulk_create(
        Choice(question=q, order=o, text=f"選択肢 {o}", correct=o == 1)
        for q in made
        for o in range(1, 5)
    )
    unit = Unit.objects.create(code="B100", name="ベンチ課", name_kana="ベンチカ", kind="division")
    Staff.objects.bulk_create(
        Staff(staff_number=f"B{i:05d}", name=f"職員 {i}", name_kana="ショクイン", unit=unit)
        for i in range(staff)
    )
    ids = list(Staff.objects.order_by("pk").values_list("pk", flat=True))
    short = set(ids[::10])
    candidates = [
        Candidate(pk, topic, code)
        for pk, topic, code in Question.objects.values_list("pk", "topic", "code")
    ]
    monday, _end = week_bounds(now)
    started = time.perf_counter()
    cards, answers = history.simulate(
        ids,
        candidates,
        {q.pk: [1] for q in made},
        first_monday=monday - dt.timedelta(days=7 * YEAR_WEEKS),
        weeks={pk: SHORT_WEEKS if pk in short else YEAR_WEEKS for pk in ids},
        seed=seed,
    )
    simulated_s = time.perf_counter() - started
    started = time.perf_counter()
    made_cards, made_reviews = history.write(cards, answers)
    return {
        "now": now,
        "ids": ids,
        "short": sorted(short),
        "cards": made_cards,
        "reviews": made_reviews,
        "simulate_s": simulated_s,
        "insert_s": time.perf_counter() - started,
    }


def _queries(staff_id: int, now: dt.datetime) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yakuba.awareness.selectors import this_week

    with CaptureQueriesContext(connection) as ctx:
        week = this_week(staff_id, now)
        for card in week.cards:
            list(card.question.choices.all())
    return len(ctx.captured_queries)


def measure(staff: int, questions: int, samples: int, seed: int) -> dict[str, Any]:
    """Runs inside the bench site's subprocess (its database)."""
    _setup_django()
    from django.db import connection

    from yakuba.awareness.models import Review
    from yakuba.awareness.selectors import this_week

    built = _build(staff, questions, seed)
    now = built["now"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    rng = random.Random(seed)
    ids = built["ids"]
    picked = [rng.choice(ids) for _ in range(samples)]
    timings: list[float] = []
    due_counts: list[int] = []
    for warm in picked[:20]:
        this_week(warm, now)
    for staff_id in picked:
        started = time.perf_counter()
        week = this_week(staff_id, now)
        for card in week.cards:
            list(card.question.choices.all())
        timings.append((time.perf_counter() - started) * 1000)
        due_counts.append(len(week.cards))
    short_id = built["short"][0]
    long_id = next(pk for pk in ids if pk not in set(built["short"]))
    reviews_short = Review.objects.filter(staff_id=short_id).count()
    reviews_long = Review.objects.filter(staff_id=long_id).count()
    ordered = sorted(timings)
    return {
        "database": connection.vendor,
        "staff": staff,
        "questions": questions,
        "cards": built["cards"],
        "reviews": built["reviews"],
        "samples": samples,
        "due_p50_ms": round(statistics.median(ordered), 2),
        "due_p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 2),
        "due_max_ms": round(ordered[-1], 2),
        "due_mean_questions": round(statistics.mean(due_counts), 2),
        "due_queries_short": _queries(short_id, now),
        "due_queries_long": _queries(long_id, now),
        "history_reviews_short": reviews_short,
        "history_reviews_long": reviews_long,
        "simulate_s": round(built["simulate_s"], 1),
        "insert_s": round(built["insert_s"], 1),
    }


def run(
    *, staff: int = 2000, questions: int = 300, samples: int = 400, database: str = "sqlite"
) -> dict[str, Any]:
    from yakuba.core.benchserver import bench_site

    with bench_site(database, prefix="awareness") as site:
        out = site.work / "awareness-bench.json"
        site.run_module(
            "yakuba.awareness.bench",
            "--inner",
            str(out),
            "--staff",
            str(staff),
            "--questions",
            str(questions),
            "--samples",
            str(samples),
        )
        result: dict[str, Any] = json.loads(out.read_text())
    result["due_p95_target_ms"] = TARGET_P95_MS
    result["due_p95_ok"] = result["due_p95_ms"] <= TARGET_P95_MS
    result["due_queries_constant"] = result["due_queries_short"] == result["due_queries_long"]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=2000)
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--inner", metavar="OUT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inner:
        figures = measure(args.staff, args.questions, args.samples, args.seed)
        Path(args.inner).write_text(json.dumps(figures))
        return 0
    result = run(
        staff=args.staff, questions=args.questions, samples=args.samples, database=args.database
    )
    rows = [
        ("database", result["database"]),
        ("staff × questions", f"{result['staff']} × {result['questions']}"),
        ("cards / reviews (a year)", f"{result['cards']} / {result['reviews']}"),
        ("due questions p50 / p95 / max", (
            f"{result['due_p50_ms']} / {result['due_p95_ms']} / {result['due_max_ms']} ms "
            f"(target p95 ≤ {TARGET_P95_MS:g} ms)"
        )),
        ("queries, short / long history", (
            f"{result['due_queries_short']} ({result['history_reviews_short']} answers) / "
            f"{result['due_queries_long']} ({result['history_reviews_long']} answers)"
        )),
        ("mean due questions shown", result["due_mean_questions"]),
        ("simulate / insert", f"{result['simulate_s']} s / {result['insert_s']} s"),
    ]  # fmt: skip
    for label, value in rows:
        print(f"{label:<32} {value}")
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
