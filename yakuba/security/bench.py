"""``make bench-security``: security awareness and the check system (issue 14).

1. ``yakuba.awareness.bench``: a person's due questions, 2,000 staff × 300 questions with a
   year of answer history (``due_p95_ms``, target ≤ 20 ms; query count independent of the
   history's length);
2. ``yakuba.drills.bench``: a drill mail to 2,000 recipients through a local SMTP server
   refusing 5 % of attempts at random (``drill_sent``, ``drill_lost``, ``drill_duplicates``);
3. ``yakuba.inspections.bench``: infosec's heat map for 2,000 staff, 45 units, 3 rounds
   (``heatmap_ms``, target ≤ 300 ms, constant queries).

Each piece runs in its own process and prints its own table; this prints them, then a
summary and one line of JSON merging their figures.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from yakuba.core.benchserver import run_piece

PIECES = ("yakuba.awareness.bench", "yakuba.drills.bench", "yakuba.inspections.bench")
HEADLINE = ("due_p95_ms", "drill_sent", "drill_lost", "drill_duplicates", "heatmap_ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.parse_args(argv)
    results = [run_piece(module) for module in PIECES]
    summary: dict[str, Any] = {}
    for piece in results:
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
