"""``python -m yakuba.planner.fingerprint DIR``: a fingerprint of the planner's deterministic
parts for every Curtois & Qu instance in DIR, as one JSON object.

The benchmark's gaps move by several points between runs on a busy machine (CP-SAT's
workers and the LNS threads race against the wall clock), so a refactor that claims "no
behaviour change" cannot be judged by them alone. What does not depend on the clock can be
compared exactly, at two commits, in the same environment:

- ``model``: a hash of the full CP-SAT model (every variable, constraint and penalty term);
- ``construct``: the dynamic-programming start (hash of the grid, rows it could not build,
  and its objective by the solver's own penalty terms);
- ``improved``: the row re-planning run to its fixed point (rows changed, objective, grid).

Equal fingerprints mean the search starts from the same roster on the same model; what is
left is the race against the clock. Usage, comparing a commit with the working tree::

    git worktree add --detach /tmp/before <commit>
    (cd /tmp/before && PYTHONPATH=. python -m yakuba.planner.fingerprint DIR) > before.json
    python -m yakuba.planner.fingerprint DIR > after.json
    python -m yakuba.planner.fingerprint --compare before.json after.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

from .builder import Builder
from .construct import construct, improve_rows
from .formats.curtois_qu import read
from .index import Grid, Index
from .solver import breakdown

#: Re-planning runs until no row improves; this only bounds a runaway.
IMPROVE_LIMIT_S = 900.0
#: Fields that are measurements, not results: left out of ``--compare``.
TIMINGS = frozenset({"improve_s"})


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _grid_digest(grid: Grid) -> str:
    return _digest(repr(grid))


def fingerprint(path: Path, workers: int = 2, seed: int = 0) -> dict[str, Any]:
    """The deterministic parts of solving one instance (see the module docstring)."""
    ix = Index.build(read(path))
    model = Builder(ix).build().m.proto
    grid, failed = construct(ix, workers)
    figures: dict[str, Any] = {
        "variables": len(model.variables),
        "constraints": len(model.constraints),
        # The text form is deterministic (the binary form is not exposed by every release).
        "model": _digest(str(model)),
        "construct": _grid_digest(grid),
        "construct_failed_rows": len(failed),
        "construct_objective": None,
        "improved_rows": None,
        "improved_objective": None,
        "improved": None,
        "improve_s": 0.0,
    }
    if not failed:
        # Rows the construction could not build are solved by CP-SAT against the clock in
        # `solve`; only complete starts are re-planned here.
        figures["construct_objective"] = breakdown(ix, grid)[0]
        started = time.monotonic()
        figures["improved_rows"] = improve_rows(ix, grid, started + IMPROVE_LIMIT_S, seed)
        figures["improve_s"] = round(time.monotonic() - started, 2)
        figures["improved_objective"] = breakdown(ix, grid)[0]
        figures["improved"] = _grid_digest(grid)
    return figures


def instances(directory: Path) -> list[Path]:
    def number(p: Path) -> tuple[int, str]:
        digits = "".join(ch for ch in p.stem if ch.isdigit())
        return (int(digits) if digits else 0, p.stem)

    return sorted(directory.glob("*.txt"), key=number)


def differences(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[str]]:
    """Instance → fields that differ (a missing instance counts as every field)."""
    out: dict[str, list[str]] = {}
    for name in sorted(set(before) | set(after)):
        a, b = before.get(name), after.get(name)
        if a is None or b is None:
            out[name] = ["missing"]
            continue
        fields = [f for f in sorted(set(a) | set(b)) if f not in TIMINGS and a.get(f) != b.get(f)]
        if fields:
            out[name] = fields
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m yakuba.planner.fingerprint")
    ap.add_argument("paths", nargs="+", help="instance directory, or two JSON files to compare")
    ap.add_argument("--compare", action="store_true", help="compare two fingerprint files")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if args.compare:
        if len(args.paths) != 2:
            ap.error("--compare takes two JSON files")
        before, after = (json.loads(Path(p).read_text()) for p in args.paths)
        diff = differences(before, after)
        for name in sorted(set(before) | set(after)):
            print(f"{name:<12} {'differs: ' + ', '.join(diff[name]) if name in diff else 'same'}")
        return 1 if diff else 0
    out: dict[str, Any] = {}
    for path in instances(Path(args.paths[0])):
        out[path.stem] = fingerprint(path, args.workers, args.seed)
        print(path.stem, json.dumps(out[path.stem]), file=sys.stderr, flush=True)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
