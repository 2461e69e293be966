"""CP-SAT model builder: one function per rule, hard rules guardable, soft rules named.

The builder works on a *region*: a set of free (staff, day) cells that get decision
variables, while every other cell is a constant taken from a reference grid. The full
model is the region "everything"; large-neighbourhood search re-uses exactly the same
rule code with a small region, so there is only one definition of each rule on the
solver side. Constraints whose cells are all fixed are skipped (the reference already
satisfies them); penalty terms whose cells are all fixed become constants, so the model's
objective is always the *full* objective of the roster.

In diagnosis mode every hard-rule group is enforced by its own literal, and the solver is
asked for a subset of those literals that cannot hold together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from .index import OFF, Grid, Index

Lit = Any  # a CP-SAT literal or the integer 0/1


@dataclass
class Term:
    """A named penalty: cost = const + Σ coef·value(var)."""

    rule: str
    staff: str | None
    day: int | None
    activity: str | None
    const: int = 0
    vars: list[Any] = field(default_factory=list)
    coefs: list[int] = field(default_factory=list)
    detail: str = ""


def _neg(lit: Lit) -> Lit:
    return 1 - lit if isinstance(lit, int) else lit.Not()


class Builder:
    def __init__(
        self,
        ix: Index,
        ref: Grid | None = None,
        free: list[list[bool]] | None = None,
        *,
        diagnose: bool = False,
        relax_cover_min: bool = False,
    ) -> None:
        self.ix = ix
        self.p = ix.problem
        self.m = cp_model.CpModel()
        self.diagnose = diagnose
        self.relax_cover_min = relax_cover_min
        h, n = ix.horizon, ix.n_staff
        self.ref: Grid = ref if ref is not None else [[OFF] * h for _ in range(n)]
        self.free = free if free is not None else [[True] * h for _ in range(n)]
        #: The region asked for. ``free`` loses cells with no choice (fixed days off,
        #: pins), but rules must still be checked wherever the region reaches: a row
        #: made only of such cells can break minimum hours and must make the model fail.
        self.region = [r[:] for r in self.free]
        self.terms: list[Term] = []
        #: assumption literal index -> (rule code, params)
        self.guards: dict[int, tuple[str, dict[str, Any]]] = {}
        self.guard_lits: list[Any] = []
        self.xv: dict[tuple[int, int], dict[int, Any]] = {}
        self.offv: dict[tuple[int, int], Any] = {}
        self.workv: dict[tuple[int, int], Any] = {}
        self._make_cells()

    @classmethod
    def for_row(cls, ix: Index, grid: Grid, e: int) -> Builder:
        """The built model of person ``e``'s row with everybody else fixed as in ``grid``
        (hard cover minimums relaxed: one row alone may not be able to meet them)."""
        free = [[k == e] * ix.horizon for k in range(ix.n_staff)]
        return cls(ix, [r[:] for r in grid], free, relax_cover_min=True).build()

    # ------------------------------------------------------------------ cells
    def _make_cells(self) -> None:
        ix, m = self.ix, self.m
        all_acts = tuple(range(len(ix.act_ids)))
        for e in range(ix.n_staff):
            for d in range(ix.horizon):
                if not self.free[e][d]:
                    continue
                pin = ix.pinned[e][d]
                if pin is not None and not self.diagnose:
                    # A pinned cell is a constant; a pin on an ineligible activity or a
                    # fixed day off cannot hold, so the model is made infeasible and the
                    # diagnosis (where pins are guarded constraints) explains why.
                    if pin != OFF and not ix.allowed[e][d]:
                        m.add_bool_or([])
                    self.free[e][d] = False
                    self.ref[e][d] = pin
                    continue
                acts = all_acts if self.diagnose else ix.allowed[e][d]
                if not acts:  # nothing possible: the cell is a constant day off
                    self.free[e][d] = False
                    self.ref[e][d] = OFF
                    continue
                xs = {a: m.new_bool_var("") for a in acts}
                off = m.new_bool_var("")
                m.add_exactly_one([off, *xs.values()])
                self.xv[e, d] = xs
                self.offv[e, d] = off
                if all(ix.working[a] for a in acts):
                    self.workv[e, d] = off.Not()
                else:
                    w = m.new_bool_var("")
                    m.add(w == sum(xs[a] for a in acts if ix.working[a]))
                    self.workv[e, d] = w

    def x(self, e: int, d: int, a: int) -> Lit:
        if self.free[e][d]:
            return self.xv[e, d].get(a, 0)
        return 1 if self.ref[e][d] == a else 0

    def off(self, e: int, d: int) -> Lit:
        if self.free[e][d]:
            return self.offv[e, d]
        return 1 if self.ref[e][d] == OFF else 0

    def work(self, e: int, d: int) -> Lit:
        if self.free[e][d]:
            return self.workv[e, d]
        a = self.ref[e][d]
        return 1 if a != OFF and self.ix.working[a] else 0

    def any_free(self, e: int, lo: int, hi: int) -> bool:
        row = self.region[e]
        return any(row[d] for d in range(max(lo, 0), min(hi, self.ix.horizon)))

    # ------------------------------------------------------------------ helpers
    def guard(self, code: str, **params: Any) -> list[Any]:
        """Enforcement literals for one hard-rule group (empty outside diagnosis)."""
        if not self.diagnose:
            return []
        key = (code, tuple(sorted(params.items())))
        cache = self.__dict__.setdefault("_guard_cache", {})
        if key not in cache:
            lit = self.m.new_bool_var(code)
            self.guards[lit.Index()] = (code, params)
            self.guard_lits.append(lit)
            cache[key] = lit
        return [cache[key]]

    @staticmethod
    def _split(items: list[tuple[int, Lit]]) -> tuple[int, list[Any], list[int]]:
        const, vs, cs = 0, [], []
        for c, lit in items:
            if isinstance(lit, int):
                const += c * lit
            else:
                vs.append(lit)
                cs.append(c)
        return const, vs, cs

    def _contradiction(self, g: list[Any]) -> None:
        # The fixed part alone breaks the rule (e.g. conflicting pins): make the model
        # infeasible, or, in diagnosis mode, force the group's literal false.
        self.m.add_bool_or([]).OnlyEnforceIf(g)

    def add_linear(
        self, items: list[tuple[int, Lit]], lo: int | None, hi: int | None, g: list[Any]
    ) -> None:
        const, vs, cs = self._split(items)
        if not vs:
            if (lo is not None and const < lo) or (hi is not None and const > hi):
                self._contradiction(g)
            return
        if lo is None and hi == const + 1 and not g and all(c == 1 for c in cs):
            # "At most one of these" (successions, split teams): the dedicated constraint
            # is cheaper to build and propagates better than a linear inequality.
            self.m.add_at_most_one(vs)
            return
        expr = cp_model.LinearExpr.WeightedSum(vs, cs)
        # Skip bounds that cannot bind, to keep the model small.
        if lo is not None and lo - const > sum(c for c in cs if c < 0):
            self.m.add(expr >= lo - const).OnlyEnforceIf(g)
        if hi is not None and hi - const < sum(c for c in cs if c > 0):
            self.m.add(expr <= hi - const).OnlyEnforceIf(g)

    def add_clause(self, lits: list[Lit], g: list[Any]) -> None:
        vs = []
        for lit in lits:
            if isinstance(lit, int):
                if lit:
                    return
            else:
                vs.append(lit)
        if not vs:
            self._contradiction(g)
        else:
            self.m.add_bool_or(vs).OnlyEnforceIf(g)

    def add_term(
        self,
        rule: str,
        items: list[tuple[int, Lit]],
        staff: str | None = None,
        day: int | None = None,
        activity: str | None = None,
        detail: str = "",
        const: int = 0,
    ) -> None:
        c, vs, cs = self._split(items)
        if c + const == 0 and not vs:
            return
        self.terms.append(Term(rule, staff, day, activity, c + const, vs, cs, detail))

    def penalty_max0(
        self,
        rule: str,
        weight: int,
        items: list[tuple[int, Lit]],
        offset: int,
        **where: Any,
    ) -> None:
        """Add ``weight × max(0, Σ items + offset)``."""
        const, vs, cs = self._split(items)
        base = const + offset
        if not vs:
            if base > 0:
                self.add_term(rule, [], const=weight * base, **where)
            return
        hi = base + sum(c for c in cs if c > 0)
        lo = base + sum(c for c in cs if c < 0)
        if hi <= 0:
            return
        if lo >= 0:  # never negative: the max is the expression itself
            self.add_term(
                rule,
                [(weight * c, v) for c, v in zip(cs, vs, strict=True)],
                const=weight * base,
                **where,
            )
            return
        p = self.m.new_int_var(0, hi, "")
        self.m.add(p >= cp_model.LinearExpr.WeightedSum(vs, cs) + base)
        self.add_term(rule, [(weight, p)], **where)

    # ------------------------------------------------------------------ build
    def build(self) -> Builder:
        from . import rules  # the rule catalogue; imported here to keep one entry point

        for fn in rules.HARD_RULES:
            fn(self)
        for fn in rules.SOFT_RULES:
            fn(self)
        const, vs, cs = 0, [], []
        for t in self.terms:
            const += t.const
            vs.extend(t.vars)
            cs.extend(t.coefs)
        self.objective_const = const
        self.m.minimize(cp_model.LinearExpr.WeightedSum(vs, cs) + const)
        return self

    # ------------------------------------------------------------------ read back
    def grid_from(self, value: Any) -> Grid:
        """The full grid of a solution (``value`` = solver.Value or callback.Value)."""
        g = [row[:] for row in self.ref]
        for (e, d), xs in self.xv.items():
            g[e][d] = OFF
            for a, v in xs.items():
                if value(v):
                    g[e][d] = a
                    break
        return g

    def hint(self, grid: Grid) -> None:
        for (e, d), xs in self.xv.items():
            for a, v in xs.items():
                self.m.add_hint(v, grid[e][d] == a)
            self.m.add_hint(self.offv[e, d], grid[e][d] == OFF)
