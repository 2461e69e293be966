"""The tuning constants live on ``solver``; the phases (``phases``, ``colgen_phases``)
read them from there at call time, so a test or benchmark wrapper that sets
``yakuba.planner.solver.X`` changes what the phases do."""

from __future__ import annotations

import subprocess
import sys

import pytest

import yakuba.planner.colgen
from yakuba.planner import Activity, Cover, Problem, Staff
from yakuba.planner import solver as solver_mod
from yakuba.planner.colgen import Unsupported
from yakuba.planner.colgen_phases import run_portfolio_colgen
from yakuba.planner.index import OFF, Index
from yakuba.planner.phases import weekend_phase
from yakuba.planner.search import Clock, Search

from .conftest import REPO


def _weekend_search() -> Search:
    """Four people, eight weeks, two needed every weekend day; everybody works the first
    four weekends and nobody the last four."""
    staff = [Staff(s, max_weekends=4) for s in "ABCD"]
    cover = [Cover(d, "D", 2, 100, 1) for d in range(56) if d % 7 >= 5]
    ix = Index.build(Problem(56, [Activity("D")], staff, cover=cover))
    grid = [[0 if d < 28 and d % 7 >= 5 else OFF for d in range(56)] for _ in range(4)]
    s = Search(ix, Clock(30), 2, 0, None)
    s.offer(grid, solver_mod.breakdown(ix, grid)[0])
    return s


def test_weekend_phase_reads_its_constants_from_the_solver_module(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = _weekend_search()
    calls: list[tuple[float, int]] = []
    params = s.params

    def recorded(solver: object, limit: float, workers: int = 1) -> None:
        calls.append((limit, workers))
        params(solver, limit, workers)  # type: ignore[arg-type]

    monkeypatch.setattr(s, "params", recorded)
    # Chunks of two weekends (the smallest) instead of all eight at once, each given at
    # least 7 s of the 10 s phase, on three CP-SAT workers.
    monkeypatch.setattr(solver_mod, "WEEKEND_PHASE_CELLS", 1)
    monkeypatch.setattr(solver_mod, "WEEKEND_CHUNK_MIN_SECONDS", 7.0)
    monkeypatch.setattr(solver_mod, "WEEKEND_PHASE_WORKERS", 3)
    weekend_phase(s, 10.0)
    assert len(calls) >= 2
    assert calls[0][0] >= 6.9  # 10 s over four chunks would be 2.5 s
    assert all(workers == 3 for _, workers in calls)


def test_colgen_phase_reads_its_constants_from_the_solver_module(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, object] = {}

    def recorded(*args: object, **kwargs: object) -> None:
        seen.update(kwargs)
        raise Unsupported("recorded only")

    monkeypatch.setattr(yakuba.planner.colgen, "column_generation", recorded)
    monkeypatch.setattr(solver_mod, "COLGEN_STALL_ROUNDS", 3)
    monkeypatch.setattr(solver_mod, "LATE_COLGEN_FINAL_SHARE", 0.25)
    run_portfolio_colgen(_weekend_search(), 1.0)
    assert seen["stall_rounds"] == 3
    assert seen["final_share"] == 0.25


@pytest.mark.parametrize(
    "module", ["search", "phases", "colgen_phases", "solver", "bench", "fingerprint"]
)
def test_every_module_imports_first(module: str) -> None:
    # ``solver`` imports the phases inside ``solve`` only: no cycle at import time.
    code = f"import yakuba.planner.{module}"
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, timeout=60)
