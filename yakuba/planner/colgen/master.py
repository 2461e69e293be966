"""The restricted master LP over whole rows.

The master LP is GLOP through ``ortools.linear_solver.python.model_builder``. The installed
OR-Tools (9.15) also has ``pywraplp`` and MathOpt, but of the three only model_builder is
typed (``py.typed``; the planner is checked by strict mypy), and it reads duals and adds a
column's terms to existing constraints in place. Its cost: every solve exports the model
and GLOP starts from scratch (``pywraplp`` would re-solve from the last basis); on
Instance14 that was 1.6 s of 60 (28 master solves), pricing being the rest.
"""

from __future__ import annotations

import math

import numpy as np
from ortools.linear_solver.python import model_builder as mb

from ..index import Index
from .common import FloatArray, Row, Unsupported
from .pricing import Column


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
        self.model = mb.Model()
        self.solver = mb.Solver("glop")
        m, inf = self.model, math.inf
        self.cover: list[mb.LinearConstraint] = []
        objective: list[tuple[float, mb.Variable]] = []
        for c in p.cover:
            u, o = m.new_num_var(0.0, inf), m.new_num_var(0.0, inf)
            self.cover.append(m.add_linear_constraint(u - o, float(c.target), float(c.target)))
            objective += [(float(c.weight_under), u), (float(c.weight_over), o)]
        m.minimize(mb.LinearExpr.weighted_sum([v for _, v in objective], [w for w, _ in objective]))
        self.convexity = [m.add_linear_constraint(0.0, 1.0, 1.0) for _ in range(ix.n_staff)]
        self.columns: list[list[Column]] = [[] for _ in range(ix.n_staff)]
        self.vars: list[list[mb.Variable]] = [[] for _ in range(ix.n_staff)]
        self.seen: list[set[Row]] = [set() for _ in range(ix.n_staff)]
        self.artificial: list[mb.Variable | None] = [None] * ix.n_staff

    def _var(self, e: int, cost: float) -> mb.Variable:
        x = self.model.new_num_var(0.0, math.inf)
        self.model.helper.set_var_objective_coefficient(x.index, cost)
        self.convexity[e].add_term(x, 1.0)
        return x

    def add(self, col: Column) -> bool:
        if col.row in self.seen[col.e]:
            return False
        x = self._var(col.e, float(col.cost))
        for i in col.lines:
            self.cover[i].add_term(x, 1.0)
        self.columns[col.e].append(col)
        self.vars[col.e].append(x)
        self.seen[col.e].add(col.row)
        return True

    def add_artificial(self, e: int, cost: float) -> None:
        """A costly stand-in for a person without any column yet (keeps the LP feasible)."""
        self.artificial[e] = self._var(e, cost)

    def solve(self) -> tuple[float, FloatArray, FloatArray]:
        """LP value, cover duals (clipped into [−wo, wu]) and convexity duals."""
        status = self.solver.solve(self.model)
        if status != mb.SolveStatus.OPTIMAL:
            raise RuntimeError(f"master LP not solved to optimality ({status})")
        cover = self.ix.problem.cover
        pi = np.array(
            [
                min(float(c.weight_under), max(-float(c.weight_over), self._dual(ct)))
                for c, ct in zip(cover, self.cover, strict=True)
            ]
        )
        sigma = np.array([self._dual(ct) for ct in self.convexity])
        return float(self.solver.objective_value), pi, sigma

    def _dual(self, ct: mb.LinearConstraint) -> float:
        return float(self.solver.dual_value(ct))

    def _value(self, x: mb.Variable) -> float:
        return float(self.solver.value(x))

    def solution(self) -> list[dict[int, float]]:
        out: list[dict[int, float]] = []
        for xs in self.vars:
            vals = {j: self._value(x) for j, x in enumerate(xs)}
            out.append({j: v for j, v in vals.items() if v > 1e-9})
        return out

    def artificial_used(self) -> bool:
        return any(x is not None and self._value(x) > 1e-9 for x in self.artificial)
