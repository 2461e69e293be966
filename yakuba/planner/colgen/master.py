"""The restricted master LP over whole rows.

The master LP is GLOP through ``pywraplp`` (OR-Tools' MPSolver), which keeps the model and
GLOP's last basis between solves: a round adds columns only, so each solve starts from
the previous optimal basis (primal simplex from a feasible point). The typed
``model_builder`` front end exports the model and starts GLOP from scratch every time:
on Instance12 (60 staff, 28 days, 2 000-4 000 columns) 0.25 s a solve against 0.09 s,
so 29 master rounds in 20 s against 44 (bound 3 964 against 4 040, the best known). Its
stub (``pywraplp.pyi``) is untyped and the package ships no ``py.typed``: mypy sees
``Any``, so every value read from it goes through ``float``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from ortools.linear_solver import pywraplp

from ..index import Index
from ..model import Cover
from .common import FloatArray, Row, Unsupported
from .pricing import Column


def cover_rows(solver: Any, objective: Any, cover: Sequence[Cover]) -> list[Any]:
    """One equality row per cover line, ``count + under − over = target``, its under and
    over slacks priced in ``objective`` by the line's weights (shared by the masters)."""
    inf = solver.infinity()
    rows: list[Any] = []
    for c in cover:
        u, o = solver.NumVar(0.0, inf, ""), solver.NumVar(0.0, inf, "")
        ct = solver.Constraint(float(c.target), float(c.target))
        ct.SetCoefficient(u, 1.0)
        ct.SetCoefficient(o, -1.0)
        objective.SetCoefficient(u, float(c.weight_under))
        objective.SetCoefficient(o, float(c.weight_over))
        rows.append(ct)
    return rows


class Master:
    """The restricted master LP (GLOP), built once, columns added in place."""

    def __init__(self, ix: Index) -> None:
        p = ix.problem
        if p.capacities or p.split_teams or p.fairness or any(c.hard_min for c in p.cover):
            raise Unsupported(
                "column generation models cover, requests and stability only "
                "(no capacities, split teams, fairness or hard cover minimums yet)"
            )
        self.ix = ix
        solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:
            raise RuntimeError("OR-Tools was built without GLOP")
        self.solver: Any = solver
        self.objective: Any = solver.Objective()
        self.objective.SetMinimization()
        self.cover: list[Any] = cover_rows(solver, self.objective, p.cover)
        self.convexity: list[Any] = [solver.Constraint(1.0, 1.0) for _ in range(ix.n_staff)]
        self.columns: list[list[Column]] = [[] for _ in range(ix.n_staff)]
        self.vars: list[list[Any]] = [[] for _ in range(ix.n_staff)]
        self.seen: list[set[Row]] = [set() for _ in range(ix.n_staff)]
        self.artificial: list[Any] = [None] * ix.n_staff
        #: The last solve's values of the columns (per person) and artificials: MPSolver
        #: refuses to read them once a column has been added since.
        self._values: list[list[float]] = [[] for _ in range(ix.n_staff)]
        self._artificial_values: list[float] = [0.0] * ix.n_staff

    def _var(self, e: int, cost: float) -> Any:
        x = self.solver.NumVar(0.0, self.solver.infinity(), "")
        self.objective.SetCoefficient(x, cost)
        self.convexity[e].SetCoefficient(x, 1.0)
        return x

    def add(self, col: Column) -> bool:
        if col.row in self.seen[col.e]:
            return False
        x = self._var(col.e, float(col.cost))
        for i in col.lines:
            self.cover[i].SetCoefficient(x, 1.0)
        self.columns[col.e].append(col)
        self.vars[col.e].append(x)
        self.seen[col.e].add(col.row)
        return True

    def add_artificial(self, e: int, cost: float) -> None:
        """A costly stand-in for a person without any column yet (keeps the LP feasible)."""
        self.artificial[e] = self._var(e, cost)

    def solve(self) -> tuple[float, FloatArray, FloatArray]:
        """LP value, cover duals (clipped into [−wo, wu]) and convexity duals."""
        status = self.solver.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            raise RuntimeError(f"master LP not solved to optimality ({status})")
        cover = self.ix.problem.cover
        pi = np.array(
            [
                min(float(c.weight_under), max(-float(c.weight_over), _dual(ct)))
                for c, ct in zip(cover, self.cover, strict=True)
            ]
        )
        sigma = np.array([_dual(ct) for ct in self.convexity])
        self._values = [[_value(x) for x in xs] for xs in self.vars]
        self._artificial_values = [0.0 if x is None else _value(x) for x in self.artificial]
        return float(self.objective.Value()), pi, sigma

    def solution(self) -> list[dict[int, float]]:
        """The last solve's column values per person (columns added since: 0)."""
        return [{j: v for j, v in enumerate(vals) if v > 1e-9} for vals in self._values]

    def artificial_used(self) -> bool:
        return any(v > 1e-9 for v in self._artificial_values)


def _dual(ct: Any) -> float:
    return float(ct.dual_value())


def _value(x: Any) -> float:
    return float(x.solution_value())
