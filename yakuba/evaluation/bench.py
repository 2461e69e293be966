"""``make bench-evaluation``: evaluating telework (issue 15).

1. ``yakuba.evaluation.bench_report``: the evidence report for 2,000 staff × 12 months of
   rosters, morning reports and meetings — HTML + .docx + .xlsx (``report_s``, target
   ≤ 30 s) and the sections' query count for 500 and 2,000 staff
   (``report_queries_constant``);
2. ``yakuba.surveys.bench``: 2,000 people submitting a 20-question survey, at most 50 in
   flight against gunicorn (``survey_p95_ms``, target ≤ 150 ms, 0 errors);
3. ``yakuba.core.bench_textgroups``: grouping 5,000 free-text answers (``grouping_s``,
   target ≤ 10 s).

The report and the survey run on SQLite and on PostgreSQL (``--database-url``, '' for
SQLite only; their headline figure is the worse database's). Each piece runs in its own
process and prints its own table (a piece that is missing or fails is reported as an
error entry and the others still run); this prints them, then a summary and one line of
JSON merging their figures.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from yakuba.core.benchserver import run_piece

DEFAULT_PG = "postgres://root@127.0.0.1:5432/postgres"
HEADLINE = ("report_s", "report_queries_constant", "survey_p95_ms", "grouping_s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--database-url", default=DEFAULT_PG, help="PostgreSQL server too ('' = SQLite only)"
    )
    args = parser.parse_args(argv)
    pg = ["--database-url", args.database_url] if args.database_url else []
    results: list[dict[str, Any]] = []
    summary: dict[str, Any] = {}
    for module in (
        "yakuba.evaluation.bench_report",
        "yakuba.surveys.bench",
        "yakuba.core.bench_textgroups",
    ):
        piece = run_piece(module, *(pg if module != "yakuba.core.bench_textgroups" else []))
        results.append(piece)
        summary |= {k: v for k, v in piece.items() if k != "error"}
    summary["errors"] = [p["error"] for p in results if "error" in p]
    print()
    print(f"{'figure':<26}{'value':>12}")
    for key in HEADLINE:
        print(f"{key:<26}{summary.get(key, '-')!s:>12}")
    print(json.dumps(summary, ensure_ascii=False))
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
