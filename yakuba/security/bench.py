"""``make bench-security``: security awareness and the check system (issue 14).

1. ``yakuba.awareness.bench``: a person's due questions, 2,000 staff × 300 questions with a
   year of answer history (``due_p95_ms``, target ≤ 20 ms; query count independent of the
   history's length);
2. ``yakuba.drills.bench``: a drill mail to 2,000 recipients through a local SMTP server
   refusing 5 % of attempts at random (``drill_sent``, ``drill_lost``, ``drill_duplicates``);
3. ``yakuba.inspections.bench``: infosec's heat map for 2,000 staff, 45 units, 3 rounds
   (``heatmap_ms``, target ≤ 300 ms, constant queries).

The first and the third run on SQLite and on PostgreSQL (``--database-url``, '' for
SQLite only; their headline figure is the worse database's). Each piece runs in its own
process and prints its own table; this prints them, then a summary and one line of JSON
merging their figures.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from yakuba.core.benchserver import run_piece

DEFAULT_PG = "postgres://root@127.0.0.1:5432/postgres"
HEADLINE = ("due_p95_ms", "drill_sent", "drill_lost", "drill_duplicates", "heatmap_ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--database-url", default=DEFAULT_PG, help="PostgreSQL server too ('' = SQLite only)"
    )
    args = parser.parse_args(argv)
    results: list[dict[str, Any]] = []
    summary: dict[str, Any] = {}
    # The due questions on each database; the headline figure is the worse of the two.
    due = {"sqlite": run_piece("yakuba.awareness.bench")}
    if args.database_url:
        due["postgres"] = run_piece("yakuba.awareness.bench", "--database", "postgres")
    results += due.values()
    summary |= {k: v for k, v in due["sqlite"].items() if k != "error"}
    for db, figures in due.items():
        if "due_p95_ms" in figures:
            summary[f"due_p95_ms_{db}"] = figures["due_p95_ms"]
    if all("due_p95_ms" in f for f in due.values()):
        summary["due_p95_ms"] = max(f["due_p95_ms"] for f in due.values())
    pg = ["--database-url", args.database_url] if args.database_url else []
    for piece in (run_piece("yakuba.drills.bench"), run_piece("yakuba.inspections.bench", *pg)):
        results.append(piece)
        summary |= {k: v for k, v in piece.items() if k != "error"}
    errors = [p["error"] for p in results if "error" in p]
    summary["errors"] = errors
    print()
    print(f"{'figure':<24}{'value':>12}")
    for key in HEADLINE:
        print(f"{key:<24}{summary.get(key, '-')!s:>12}")
    print(json.dumps(summary, ensure_ascii=False))
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
