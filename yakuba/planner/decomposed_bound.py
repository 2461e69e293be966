"""A proven lower bound without the full model: the objective split into blocks.

On offices too large for the full CP-SAT model to be built and searched in the time
limit (thousands of staff), LNS finds the rosters but nothing proves how good they are.
This bound does, in one pass over the problem (seconds for 5 000 staff × 31 days).

Every penalty term of the objective goes to exactly one *block*, and each block is
minimised over a relaxation of the rules (rules dropped, never added); the minimum of a
sum is at least the sum of the blocks' minima, so the total is ≤ the objective of every
feasible roster, hence ≤ the optimum. The blocks:

* ``certain``: what no roster avoids — a wish for an activity the person may not do that
  day, a cover line asking for more people than can ever be on it (below), a repair's
  cell whose previous activity is no longer possible.
* ``days_off``, one per person: their day-off wishes, against their minimum minutes
  (every other rule dropped). At most the days beyond those the minutes need can be off;
  the best wishes go first (a fractional knapsack, so days of unequal length stay valid).
* ``capacity``, one per capacity and day: wishes for its activities, of which at most
  ``max_staff`` people can be granted (each person one activity a day).
* ``cover``, one per day and covered activity: the cover lines on it, for the best
  number of people on it (within what eligibility and hard minimums allow).

*Separable* cover lines are those whose target is at least the number of people who can
ever count in them (the municipal "work in the office" preference: target = everybody
present): their shortfall is never negative, so it is a sum over people — a constant
plus ``weight`` for each capable person elsewhere. The person elsewhere is charged in
the block that puts them there: at a covered activity (``cover``) or a granted capacity
wish (``capacity``); one person is on one activity a day, so never charged twice.

Fairness and over-cover of skill lines are non-negative and left at 0.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from .index import OFF, Index
from .model import Cover

#: Name of this bound's source in :class:`~yakuba.planner.result.SolveResult`.
SOURCE = "decomposition"


@dataclass
class DecomposedBound:
    """The bound and its blocks' totals (``certain``, ``days_off``, ``capacity``,
    ``cover``): which penalties it proves unavoidable."""

    value: int
    parts: dict[str, int] = field(default_factory=dict)


def _options(ix: Index, e: int, d: int) -> tuple[int, ...]:
    """Values the cell can take: a pin's, else the allowed activities or a day off."""
    pin = ix.pinned[e][d]
    if pin is not None:
        return (pin,)
    return (*ix.allowed[e][d], OFF)


def decomposed_bound(ix: Index) -> DecomposedBound:
    """See the module docstring."""
    p, h, n = ix.problem, ix.horizon, ix.n_staff
    options = [[_options(ix, e, d) for d in range(h)] for e in range(n)]
    parts = {"certain": 0, "days_off": 0, "capacity": 0, "cover": 0}
    able_at: dict[tuple[int, int], list[int]] = defaultdict(list)  # who can be on a, d
    for e in range(n):
        for d in range(h):
            for a in options[e][d]:
                able_at[d, a].append(e)

    def capable(c: Cover) -> set[int]:
        """The people who count in cover line ``c`` if they are on its activity."""
        able = able_at.get((c.day, ix.act_pos[c.activity]), [])
        return set(able) if c.skill is None else {e for e in able if c.skill in p.staff[e].skills}

    # -- separable cover lines: constant shortfall + a charge per capable person elsewhere
    lines_at: dict[tuple[int, int], list[Cover]] = defaultdict(list)
    separable: list[tuple[Cover, int, set[int]]] = []  # line, activity, who counts in it
    for c in p.cover:
        a = ix.act_pos[c.activity]
        counted = capable(c)
        if c.weight_under and c.target >= len(counted):
            parts["certain"] += c.weight_under * (c.target - len(counted))
            separable.append((c, a, counted))
        else:
            lines_at[c.day, a].append(c)
    sep_by_day: dict[int, list[tuple[Cover, int, set[int]]]] = defaultdict(list)
    for line in separable:
        sep_by_day[line[0].day].append(line)

    def charge(e: int, d: int, a: int) -> int:
        """What the separable lines of day ``d`` cost for ``e`` being on ``a``."""
        return sum(c.weight_under for c, sa, cap in sep_by_day.get(d, ()) if sa != a and e in cap)

    # -- requests
    cap_of: dict[tuple[int, int], int] = {}  # (activity, day) -> capacity index
    for k, cap in enumerate(p.capacities):
        for aid in cap.activities:
            for d in range(h) if cap.days is None else cap.days:
                if 0 <= d < h:
                    cap_of.setdefault((ix.act_pos[aid], d), k)
    # (capacity, day) -> person -> [(weight, activity)]
    cap_wishes: dict[tuple[int, int], dict[int, list[tuple[int, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    off_wishes: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for q in p.requests:
        e = ix.staff_pos[q.staff]
        opts = options[e][q.day]
        if q.activity is None:
            working = [a for a in opts if a != OFF and ix.working[a]]
            resting = [a for a in opts if a == OFF or not ix.working[a]]
            if (q.on and not working) or (not q.on and not resting):
                parts["certain"] += q.weight
            elif not q.on and working:
                off_wishes[e][q.day] += q.weight
            continue
        a = ix.act_pos[q.activity]
        if (q.on and a not in opts) or (not q.on and opts == (a,)):
            parts["certain"] += q.weight
        elif q.on and (a, q.day) in cap_of:
            cap_wishes[cap_of[a, q.day], q.day][e].append((q.weight, a))

    # -- stability (repairs): a previous activity no longer possible is changed for sure
    if p.previous is not None and p.stability_weight:
        for e, st in enumerate(p.staff):
            for d, before in enumerate(p.previous.get(st.id, [])):
                if (OFF if before is None else ix.act_pos.get(before, -2)) not in options[e][d]:
                    parts["certain"] += p.stability_weight

    # -- day-off wishes, one person at a time, against their minimum minutes
    for e, wishes in off_wishes.items():
        st = p.staff[e]
        if any(
            not ix.working[a] and ix.minutes[a] for d in range(h) for a in options[e][d] if a >= 0
        ):
            continue  # a non-working day with minutes (leave) would need its own reasoning
        # Every day here can be a rest day (forced cells were counted above); resting
        # gives up at most the day's longest activity.
        most = [max((ix.minutes[a] for a in options[e][d] if a >= 0), default=0) for d in range(h)]
        slack = float(sum(most) - st.min_minutes)  # minutes the person can go without
        granted = 0.0
        for d, w in sorted(wishes.items(), key=lambda kv: -kv[1] / max(most[kv[0]], 1)):
            take = 1.0 if most[d] == 0 else min(1.0, max(0.0, slack) / most[d])
            granted += take * w
            slack -= take * most[d]
        parts["days_off"] += math.ceil(sum(wishes.values()) - granted - 1e-9)

    # -- capacity: at most max_staff wishes granted, the best first
    for (k, d), people in cap_wishes.items():
        cap = p.capacities[k]
        total = sum(w for ws in people.values() for w, _ in ws)
        gains = []
        for e, ws in people.items():
            w, a = max(ws)
            # A granted wish puts the person on a, away from separable lines' activity;
            # activities with cover lines charge in their own block instead.
            extra = 0 if (d, a) in lines_at else charge(e, d, a)
            gains.append(w - extra)
        gains.sort(reverse=True)
        parts["capacity"] += total - sum(g for g in gains[: cap.max_staff] if g > 0)

    # -- cover lines per day and activity, for the best head count on the activity
    for (d, a), lines in lines_at.items():
        able = able_at.get((d, a), [])
        # Charged per person on ``a`` only where every person who can be on it is
        # capable for the separable line (then each of the k people pays it).
        per_head = sum(
            c.weight_under
            for c, sa, cap in sep_by_day.get(d, ())
            if sa != a and cap.issuperset(able)
        )
        skilled = [
            sum(1 for e in able if c.skill is None or c.skill in p.staff[e].skills) for c in lines
        ]
        low = max([c.hard_min or 0 for c in lines] + [0])
        top = max([low, *(c.target for c in lines)])
        best = None
        # Beyond the largest target no shortfall shrinks and every charge grows.
        for k in range(min(low, len(able)), min(top, len(able)) + 1):
            cost = per_head * k
            for c, m in zip(lines, skilled, strict=True):
                cost += c.weight_under * max(0, c.target - min(k, m))
                if c.skill is None:
                    cost += c.weight_over * max(0, k - c.target)
            best = cost if best is None else min(best, cost)
        parts["cover"] += best or 0
    return DecomposedBound(sum(parts.values()), parts)
