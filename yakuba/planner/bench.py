"""Benchmark CLI: ``python -m yakuba.planner.bench PATH... --time-limit 60 --workers 2``.

Solves every Curtois & Qu instance file given (or found in given folders), verifies each
roster with the independent evaluator, prints a table and, as the last line, one JSON
object with all figures (for scripts and CI).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import resource
import sys
import time
from pathlib import Path
from typing import Any

from .colgen import Unsupported, column_generation
from .evaluate import evaluate
from .formats.curtois_qu import FormatError, read, write_roster_csv
from .index import Index
from .model import Problem, Roster
from .solver import solve


def _natural(p: Path) -> list[Any]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", p.name)]


def find_instances(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted((f for f in p.glob("*.txt") if f.is_file()), key=_natural))
        elif p.is_file():
            out.append(p)
        else:
            raise SystemExit(f"no such file or folder: {raw}")
    return out


def best_known(instance: Path) -> int | None:
    """Best known value from a ``best_known.csv`` beside the instance, if any."""
    f = instance.parent / "best_known.csv"
    if not f.exists():
        return None
    with f.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row.get("instance") == instance.stem and row.get("best_known_ub"):
                return int(row["best_known_ub"])
    return None


def peak_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


HEADER = (
    f"{'instance':<12}{'staff':>6}{'days':>5}{'acts':>5}  {'status':<10}{'objective':>10}"
    f"{'bound':>9}{'best':>8}{'gap%':>8}{'first s':>8}{'wall s':>8}  {'verified':<8}"
    f"  {'src':<13}{'own%':>8}  strategy"
)
"""``gap%`` is the gap to the best known value, ``own%`` the gap to our own bound, whose
source ``src`` is ``cp-sat`` (the full model's proof), ``lp`` (column generation) or
``decomposition``; ``-`` where there is none."""


def csv_rows(rows: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """Rows for the CSV file: every key any row has (in first-seen order: only some
    instances have the column-generation figures), nested figures as JSON text."""
    fields: dict[str, None] = {}
    for r in rows:
        fields.update(dict.fromkeys(r))
    flat = [
        {
            k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
            for k, v in r.items()
        }
        for r in rows
    ]
    return list(fields) or ["instance"], flat


def lp_bound(problem: Problem, roster: Roster | None, seconds: float) -> dict[str, Any]:
    """Column-generation bound (``colgen``), the solver's roster seeding the pool; the
    figures for the JSON line. ``bound`` is None if the stage cannot model the problem
    or found none in time."""
    ix = Index.build(problem)
    initial = [ix.from_roster(roster)] if roster is not None else []
    try:
        res = column_generation(ix, time_limit=seconds, initial=initial)
    except Unsupported as exc:
        return {"bound": None, "unsupported": str(exc)}
    return {
        "bound": res.bound,
        "lp_value": round(res.lp_value, 2),
        "lagrangian": round(res.lagrangian, 2),
        "converged": res.converged,
        "iterations": len(res.iterations),
        "columns": sum(len(c) for c in res.columns),
        "seconds": round(res.elapsed, 1),
    }


def _fmt(v: Any, spec: str) -> str:
    return "-" if v is None else format(v, spec)


def run(args: argparse.Namespace) -> int:
    files = find_instances(args.paths)
    if args.solutions:
        Path(args.solutions).mkdir(parents=True, exist_ok=True)
    print(
        f"# yakuba.planner.bench  {dt.datetime.now().isoformat(timespec='seconds')}  "
        f"time-limit {args.time_limit}s  workers {args.workers}  seed {args.seed}"
    )
    print(HEADER)
    rows: list[dict[str, Any]] = []
    t_all = time.monotonic()
    failures = 0
    for f in files:
        try:
            problem = read(f)
        except FormatError as exc:
            print(f"{f.stem:<12} format error: {exc}")
            failures += 1
            continue
        res = solve(problem, time_limit=args.time_limit, workers=args.workers, seed=args.seed)
        best = best_known(f)
        verified = None
        if res.roster is not None:
            ev = evaluate(problem, res.roster)
            verified = ev.feasible and ev.objective == res.objective
            if not verified:
                failures += 1
                print(f"  VERIFY FAILED: {ev.hard_violations[:5]} eval={ev.objective}")
            if args.solutions:
                write_roster_csv(Path(args.solutions) / f"{f.stem}.csv", res.roster)
        gap = None
        if best and res.objective is not None:
            gap = round(100.0 * (res.objective - best) / best, 2)
        # ``solve()`` reports the column-generation bound itself where it ran
        # (strategy colgen+...); --lp-bound adds one after the solver elsewhere.
        bound, source = res.bound, res.bound_source
        lp: dict[str, Any] | None = None
        if args.lp_bound and bound is None:
            lp = lp_bound(problem, res.roster, args.lp_bound)
            if lp["bound"] is not None:
                bound, source = float(lp["bound"]), "lp"
        own_gap = None
        if bound is not None and bound > 0 and res.objective is not None:
            own_gap = round(100.0 * (res.objective - bound) / bound, 2)
        row = {
            "instance": f.stem,
            "staff": len(problem.staff),
            "days": problem.horizon,
            "activities": len(problem.activities),
            "status": res.status,
            "objective": res.objective,
            "bound": None if bound is None else round(bound, 1),
            "best_known": best,
            "gap_pct": gap,
            "time_to_first_s": None if res.time_to_first is None else round(res.time_to_first, 2),
            "wall_s": round(res.wall_time, 2),
            "verified": verified,
            "strategy": res.stats.get("strategy"),
            "bound_source": source,
            "gap_to_bound_pct": own_gap,
        }
        colgen = {k[7:]: v for k, v in res.stats.items() if k.startswith("colgen_")}
        if colgen:  # what the column-generation thread of solve() did
            row["colgen"] = colgen
        dive = {k[5:]: v for k, v in res.stats.items() if k.startswith("dive_")}
        if dive:  # the dive on its master (strategy portfolio+dive)
            row["dive"] = dive
        blocks = {k[11:]: v for k, v in res.stats.items() if k.startswith("blockbound_")}
        if blocks:  # the block bound (strategy +lns+weekends+blockbound)
            row["blockbound"] = blocks
        if args.lp_bound:
            row["lp"] = lp
        rows.append(row)
        print(
            f"{row['instance']:<12}{row['staff']:>6}{row['days']:>5}{row['activities']:>5}  "
            f"{row['status']:<10}{_fmt(row['objective'], 'd'):>10}{_fmt(row['bound'], '.0f'):>9}"
            f"{_fmt(best, 'd'):>8}{_fmt(gap, '.2f'):>8}{_fmt(row['time_to_first_s'], '.2f'):>8}"
            f"{row['wall_s']:>8.1f}  {'yes' if verified else 'NO':<8}"
            f"  {source or '-':<13}{_fmt(own_gap, '.2f'):>8}  {row['strategy'] or '-'}",
            flush=True,
        )
    gaps = [r["gap_pct"] for r in rows if r["gap_pct"] is not None]
    own_gaps = [r["gap_to_bound_pct"] for r in rows if r["gap_to_bound_pct"] is not None]
    missing = [r["instance"] for r in rows if r["objective"] is None]
    summary = {
        "instances": rows,
        "mean_gap_pct": round(sum(gaps) / len(gaps), 2) if gaps else None,
        "max_gap_pct": max(gaps) if gaps else None,
        "no_solution": missing,
        "with_bound": len(own_gaps),
        "mean_gap_to_bound_pct": round(sum(own_gaps) / len(own_gaps), 2) if own_gaps else None,
        "max_gap_to_bound_pct": max(own_gaps) if own_gaps else None,
        "total_time_s": round(time.monotonic() - t_all, 1),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "time_limit_s": args.time_limit,
        "workers": args.workers,
    }
    if args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as fh:
            fields, flat = csv_rows(rows)
            w = csv.DictWriter(fh, fieldnames=fields)
            w.writeheader()
            w.writerows(flat)
    print(
        f"mean gap {summary['mean_gap_pct']}%  max gap {summary['max_gap_pct']}%  "
        f"own bound on {summary['with_bound']}/{len(rows)}, mean gap to it "
        f"{summary['mean_gap_to_bound_pct']}%  "
        f"total {summary['total_time_s']}s  peak RSS {summary['peak_rss_mib']} MiB"
    )
    print(json.dumps(summary, ensure_ascii=False))
    return 1 if failures or missing else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m yakuba.planner.bench", description=__doc__)
    ap.add_argument("paths", nargs="+", help="instance files or folders")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--csv", help="write the per-instance figures to this CSV file")
    ap.add_argument("--solutions", help="write DIR/<instance>.csv rosters")
    ap.add_argument(
        "--lp-bound",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="where the solver proves no bound, run column generation for SECONDS after "
        "it and report its lower bound (src 'lp'); off by default",
    )
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
