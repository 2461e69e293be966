"""``python -m yakuba.planner FILE --time-limit S --out roster.csv``: solve one Curtois &
Qu instance, print the figures and check the roster with the independent evaluator."""

from __future__ import annotations

import argparse
import sys

from .evaluate import evaluate
from .formats.curtois_qu import read, write_roster_csv
from .solver import solve


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m yakuba.planner")
    ap.add_argument("file", help="Curtois & Qu instance file")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", help="write the roster as employee,day,shift CSV")
    ap.add_argument("--progress", action="store_true", help="print each improvement")
    args = ap.parse_args(argv)
    problem = read(args.file)

    def progress(t: float, obj: float, bound: float) -> None:
        print(f"  {t:7.2f}s  objective {obj:.0f}  bound {bound:.0f}", flush=True)

    res = solve(
        problem,
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        on_progress=progress if args.progress else None,
    )
    print(f"status {res.status}  objective {res.objective}  bound {res.bound}")
    print(f"time to first {res.time_to_first}  wall {res.wall_time:.2f}s")
    for rule, cost in sorted(res.breakdown.items()):
        print(f"  {rule:<14}{cost:>8}")
    if res.diagnosis is not None:
        print(res.diagnosis.summary())
    if res.roster is None:
        return 1
    ev = evaluate(problem, res.roster)
    ok = ev.feasible and ev.objective == res.objective
    verdict = "ok" if ok else "MISMATCH"
    print(f"evaluator: feasible={ev.feasible} objective={ev.objective} -> {verdict}")
    if args.out:
        write_roster_csv(args.out, res.roster)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
