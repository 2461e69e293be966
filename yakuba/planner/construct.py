"""Fast constructive start: one staff member at a time, dynamic programming, no solver.

Why not CP-SAT: a single person's 364-day schedule with "work 232–234 days, runs of 2–5,
rests of 2+, at most 26 weekends" is a counting (pigeonhole-like) problem on which clause
learning stalls for seconds, and a monolithic model of everybody spends the whole budget
in presolve. A dynamic programme over run states solves the pattern exactly for given
Lagrange prices on hours and weekends; a price search hits the hour window, and a Viterbi
pass picks activities under the succession rule (:class:`RowBuilder`, whose state is
the prices and blocked days of one row). Each row is checked against the per-person hard
rules here; rows that fail are left to CP-SAT (see ``solver``).

Staff are scheduled in sequence and each one sees the marginal cover value left by the
previous ones, so the start is greedy but sensible.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from .builder import Lit
from .index import OFF, Grid, Index
from .row_repair import _repair_limits, fit_hours

NEG = float("-inf")


class Gains(Protocol):
    """What a :class:`RowBuilder` maximises: the value of ``e`` doing ``a`` on ``d``
    against being off (:class:`Marginals` for the construction; master LP duals for
    column generation, see ``colgen``)."""

    def gain(self, e: int, d: int, a: int) -> float: ...


class Marginals:
    """Marginal objective value of assigning (staff, day, activity), given counts so far."""

    def __init__(self, ix: Index) -> None:
        self.ix = ix
        p = ix.problem
        self.count: dict[int, int] = {}
        self.by_cell: dict[tuple[int, int], list[int]] = {}
        for i, c in enumerate(p.cover):
            self.by_cell.setdefault((c.day, ix.act_pos[c.activity]), []).append(i)
        self.req: dict[tuple[int, int], list[tuple[int | None, int, bool]]] = {}
        for q in p.requests:
            a = None if q.activity is None else ix.act_pos[q.activity]
            self.req.setdefault((ix.staff_pos[q.staff], q.day), []).append((a, q.weight, q.on))

    def gain(self, e: int, d: int, a: int) -> float:
        """Objective decrease if ``e`` does ``a`` on ``d`` instead of being off."""
        return self.cover_gain(e, d, a) + self.local_gain(e, d, a)

    def covered(self, e: int, d: int, a: int) -> list[int]:
        """Indices of the cover lines that ``e`` doing ``a`` on ``d`` counts in."""
        p = self.ix.problem
        skills = p.staff[e].skills
        return [
            i
            for i in self.by_cell.get((d, a), ())
            if p.cover[i].skill is None or p.cover[i].skill in skills
        ]

    def cover_gain(self, e: int, d: int, a: int) -> float:
        """The cover part of :meth:`gain`: one more person on the lines not yet full."""
        p = self.ix.problem
        g = 0.0
        for i in self.covered(e, d, a):
            c = p.cover[i]
            g += c.weight_under if self.count.get(i, 0) < c.target else -c.weight_over
        return g

    def local_gain(self, e: int, d: int, a: int) -> float:
        """The part of :meth:`gain` that depends on ``e``'s own row only (requests and
        stability): the same whatever the others do."""
        ix, p = self.ix, self.ix.problem
        g = 0.0
        for ra, w, on in self.req.get((e, d), ()):
            hit = (ix.working[a]) if ra is None else ra == a
            if hit:
                g += w if on else -w
        prev = p.previous.get(p.staff[e].id) if p.previous is not None else None
        if prev is not None and p.stability_weight:
            pa = prev[d]
            if pa is None:
                g -= p.stability_weight
            elif ix.act_pos[pa] == a:
                g += p.stability_weight
        return g

    def commit(self, e: int, row: list[int], sign: int = 1) -> None:
        """Count ``row`` in the cover (``sign=-1`` takes it out again)."""
        p = self.ix.problem
        for d, a in enumerate(row):
            if a == OFF:
                continue
            for i in self.by_cell.get((d, a), ()):
                c = p.cover[i]
                if c.skill is None or c.skill in p.staff[e].skills:
                    self.count[i] = self.count.get(i, 0) + sign

    def value(self, e: int, row: list[int]) -> float:
        """Objective decrease of ``row`` against ``e`` being off all the time, everybody
        else as counted (exact: each cover line sees at most one more person)."""
        return sum(self.gain(e, d, a) for d, a in enumerate(row) if a != OFF)


def _pattern(ix: Index, e: int, val: list[float | None], mu: float = 0.0) -> list[bool] | None:
    """Best work/off pattern for day values ``val`` (None = cannot work).

    State = (working?, run length capped, run started on day 0). Runs touching day 0 or
    the last day are exempt from the minimum lengths, as the rules say.
    """
    st = ix.problem.staff[e]
    h = ix.horizon
    m_on, r = st.min_consecutive, max(1, st.min_consecutive_off)
    bounded = bool(st.max_consecutive) and (st.max_consecutive or 0) < h
    # Without a maximum run length only "at least the minimum" matters: the run length is
    # counted up to the minimum (Instance22, no maximum: 364 counts a day, 20 ms a DP).
    k_max = st.max_consecutive if bounded and st.max_consecutive else max(1, m_on)
    # States as small integers with precomputed successors (tuples in dicts cost three
    # times as much; this DP runs tens of times per row of a year).
    states = [
        (working, k, edge)
        for working in (True, False)
        for edge in (True, False)
        for k in range(1, (k_max if working else r) + 1)
    ]
    pos = {t: i for i, t in enumerate(states)}
    n = len(states)
    is_work = [t[0] for t in states]
    to_work = [-1] * n  # successor when working today (-1: not allowed)
    to_off = [-1] * n  # successor when off today
    for i, (working, k, edge) in enumerate(states):
        if working:
            if k < k_max or not bounded:
                to_work[i] = pos[(True, min(k + 1, k_max), edge)]
            if k >= m_on or edge:
                to_off[i] = pos[(False, 1, False)]
        else:
            to_off[i] = pos[(False, min(k + 1, r), edge)]
            if k >= r or edge:
                to_work[i] = pos[(True, 1, False)]
    # Weekend price: working the first day of a weekend costs ``mu``; working its second
    # day costs ``mu`` only if the first was off (the state says whether it was worked).
    first_wk: set[int] = set()
    second_wk: set[int] = set()
    if mu:
        for days in ix.weekends:
            first_wk.add(days[0])
            second_wk.update(days[1:2])
    cur = [NEG] * n
    b0 = [-2] * n  # -2: unreachable, -1: start of the horizon
    cur[pos[(False, 1, True)]] = 0.0
    b0[pos[(False, 1, True)]] = -1
    if val[0] is not None:
        cur[pos[(True, 1, True)]] = val[0] - (mu if 0 in first_wk else 0.0)
        b0[pos[(True, 1, True)]] = -1
    back: list[list[int]] = [b0]
    for d in range(1, h):
        nxt = [NEG] * n
        bp = [-2] * n
        v = val[d]
        # Weekend price when working today after working / after a day off.
        p_on = mu if d in first_wk else 0.0
        p_off = mu if (d in first_wk or d in second_wk) else 0.0
        any_state = False
        for i in range(n):
            sc = cur[i]
            if sc == NEG:
                continue
            t = to_off[i]
            if t >= 0 and sc > nxt[t]:
                nxt[t], bp[t] = sc, i
                any_state = True
            t = to_work[i]
            if v is not None and t >= 0:
                x = sc + v - (p_on if is_work[i] else p_off)
                if x > nxt[t]:
                    nxt[t], bp[t] = x, i
                    any_state = True
        if not any_state:
            return None
        cur = nxt
        back.append(bp)
    i = max(range(n), key=cur.__getitem__)
    out = [False] * h
    for d in range(h - 1, -1, -1):
        out[d] = is_work[i]
        i = back[d][i]
        if i < 0:
            break
    return out


def _types(ix: Index, e: int, work: list[bool], gains: list[dict[int, float]]) -> list[int] | None:
    """Viterbi over activities on working days, respecting forbidden successions."""
    h = ix.horizon
    acts = ix.problem.activities
    forb = [{ix.act_pos[b] for b in a.forbidden_next} for a in acts]
    row = [OFF] * h
    d = 0
    while d < h:
        if not work[d]:
            d += 1
            continue
        end = d
        while end < h and work[end]:
            end += 1
        # run [d, end)
        score = [{a: g for a, g in gains[d].items()}]
        bps: list[dict[int, int]] = [{}]
        for t in range(d + 1, end):
            sc: dict[int, float] = {}
            bp: dict[int, int] = {}
            for a, g in gains[t].items():
                best, arg = NEG, -1
                for pa, ps in score[-1].items():
                    if a not in forb[pa] and ps > best:
                        best, arg = ps, pa
                if arg >= 0:
                    sc[a], bp[a] = best + g, arg
            if not sc:
                return None
            score.append(sc)
            bps.append(bp)
        a = max(score[-1], key=lambda k: score[-1][k])
        for t in range(end - 1, d - 1, -1):
            row[t] = a
            if t > d:
                a = bps[t - d][a]
        d = end
    return row


def _row_ok(ix: Index, e: int, row: list[int]) -> bool:
    """Per-person hard rules for one row (the solver's own check, not the evaluator)."""
    st = ix.problem.staff[e]
    h = ix.horizon
    for d, a in enumerate(row):
        if a != OFF and a not in ix.allowed[e][d]:
            return False
    for aid, lim in st.max_per_activity.items():
        if sum(1 for a in row if a == ix.act_pos[aid]) > lim:
            return False
    mins = sum(ix.minutes[a] for a in row if a != OFF)
    if mins < st.min_minutes or (st.max_minutes is not None and mins > st.max_minutes):
        return False
    if st.max_weekends is not None:
        w = [a != OFF and ix.working[a] for a in row]
        if sum(1 for days in ix.weekends if any(w[d] for d in days)) > st.max_weekends:
            return False
    forb = [{ix.act_pos[b] for b in a.forbidden_next} for a in ix.problem.activities]
    return all(
        not (row[d] != OFF and row[d + 1] != OFF and row[d + 1] in forb[row[d]])
        for d in range(h - 1)
    )


def _pattern_cpsat(
    ix: Index,
    e: int,
    val: list[float | None],
    time_limit: float,
    hint: list[int] | None = None,
    workers: int = 2,
) -> list[bool] | None:
    """Work/off pattern with the weekend limit as a hard constraint, by CP-SAT on one
    person's days only (hundreds of Booleans: fast with the LP, unlike the full row)."""
    from ortools.sat.python import cp_model

    st = ix.problem.staff[e]
    h = ix.horizon
    m = cp_model.CpModel()
    w = [m.new_bool_var("") if val[d] is not None else 0 for d in range(h)]
    mins = [ix.minutes[a] for a in range(len(ix.act_ids)) if ix.working[a]] or [0]
    lo_days = -(-st.min_minutes // max(mins))
    hi_days = (st.max_minutes // min(mins)) if st.max_minutes is not None else h
    m.add(sum(w) >= lo_days)
    m.add(sum(w) <= hi_days)
    k = st.max_consecutive
    if k is not None and k < h:
        for s in range(h - k):
            m.add(sum(w[s : s + k + 1]) <= k)

    def lit(x: Lit, neg: bool) -> Lit:
        if isinstance(x, int):
            return 1 - x if neg else x
        return x.Not() if neg else x

    for mn, on in ((st.min_consecutive, True), (st.min_consecutive_off, False)):
        for length in range(1, mn):
            for s in range(1, h - length):
                edges = [lit(w[s - 1], not on), lit(w[s + length], not on)]
                inside = [lit(w[d], on) for d in range(s, s + length)]
                clause = [*edges, *inside]
                if any(c == 1 for c in clause if isinstance(c, int)):
                    continue
                m.add_bool_or([c for c in clause if not isinstance(c, int)])
    if st.max_weekends is not None:
        wks = []
        for days in ix.weekends:
            y = m.new_bool_var("")
            for d in days:
                if not isinstance(w[d], int):
                    m.add_implication(w[d], y)
            wks.append(y)
        m.add(sum(wks) <= st.max_weekends)
    m.maximize(sum(round(10 * v) * w[d] for d, v in enumerate(val) if v is not None))
    if hint:  # the unconstrained DP pattern: right hours, too many weekends
        for d, x in enumerate(w):
            if not isinstance(x, int):
                m.add_hint(x, hint[d] != OFF)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    # Two workers bring feasibility jump, which finds a pattern ten times faster than
    # one LP-heavy worker (0.05 s against 0.5 s per row on Instance22).
    solver.parameters.num_workers = workers
    solver.parameters.linearization_level = 2
    # Any feasible pattern will do: LNS polishes later, and the first roster must be fast.
    solver.parameters.stop_after_first_solution = True
    if solver.Solve(m) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [bool(solver.Value(x)) if not isinstance(x, int) else False for x in w]


@dataclass
class Prices:
    """Lagrange prices that put the previous row in its window: the next row's first
    guesses (people are often alike, so the search starts close)."""

    #: Price per 480 minutes of work (positive: work more).
    hours: float = 0.0
    #: Price of a worked weekend.
    weekends: float = 0.0
    #: Price per day on an activity (index) with a per-person limit (column generation).
    activities: dict[int, float] = field(default_factory=dict)


class RowBuilder:
    """One person's row meeting every per-person hard rule, by priced dynamic programming.

    The prices on hours and weekends are searched so that the row's hours fall into the
    person's window and its weekends stay within the limit; what the DP cannot count
    (limits per activity, weekends once prices fail) is handled by blocking weekends and
    pricing activities up, for two rounds. ``closest_miss`` keeps the last row that broke
    a rule, as a hint for CP-SAT when no row is found.
    """

    def __init__(
        self,
        ix: Index,
        e: int,
        marg: Gains,
        prices: Prices | None = None,
        *,
        workers: int = 2,
        seed: int = 0,
        noise: float = 8.0,
    ) -> None:
        self.ix = ix
        self.e = e
        self.staff = ix.problem.staff[e]
        self.horizon = ix.horizon
        self.prices = prices if prices is not None else Prices()
        self.workers = workers
        self.seed = seed
        #: Scale of the per-day tie-breaking noise (see ``_reseed``); column generation
        #: prices rows with exact duals and wants little of it.
        self.noise = noise
        #: Value of each working activity per day against being off, everybody else fixed.
        self.base: list[dict[int, float]] = [
            {a: marg.gain(e, d, a) for a in ix.allowed[e][d] if ix.working[a]}
            for d in range(self.horizon)
        ]
        lengths = {ix.minutes[a] for a in range(len(ix.act_ids)) if ix.working[a]}
        #: Minutes of every working activity when they all last as long, else 0.
        self.uniform_minutes = lengths.pop() if len(lengths) == 1 else 0
        self.min_minutes = self.staff.min_minutes
        self.max_minutes = self.staff.max_minutes if self.staff.max_minutes is not None else 10**9
        #: ``base`` plus a little noise per day (see ``_reseed``).
        self.gains: list[dict[int, float]] = []
        self.best_activity: list[int] = []
        self.best_gain: list[float] = []
        #: Price per minute of the latest DP attempt (the Viterbi pass prices with it).
        self.price = 0.0
        #: Per day, the best activity of each length: (minutes, activity, gain).
        self.best_by_length: list[list[tuple[int, int, float]]] = []
        #: Extra price per activity over its limit, raised each round it is exceeded.
        self.activity_penalty: dict[int, float] = {}
        #: Days (of weekends beyond the limit) the row may not work.
        self.blocked: set[int] = set()
        self.weekend_price = 0.0
        self.first_miss: list[int] = []
        self.closest_miss: list[int] = []
        self._reseed(0)

    # ------------------------------------------------------------------ values
    def _reseed(self, attempt: int) -> None:
        # Small per-day noise breaks ties: with flat values the priced DP would jump
        # between "work everything" and "work nothing", never landing in the hours window.
        rng = random.Random(self.e * 7919 + attempt + 104729 * self.seed)
        self.gains = []
        for d in range(self.horizon):
            noise = rng.random() * self.noise
            self.gains.append({a: g + noise for a, g in self.base[d].items()})
        self.best_activity = [max(g, key=g.__getitem__) if g else OFF for g in self.gains]
        self.best_gain = [
            g[a] if g else 0.0 for g, a in zip(self.gains, self.best_activity, strict=True)
        ]
        minutes = self.ix.minutes
        self.best_by_length = []
        for g in self.gains:
            best: dict[int, tuple[int, int, float]] = {}
            for a, v in g.items():
                m = minutes[a]
                if m not in best or v > best[m][2]:
                    best[m] = (m, a, v)
            self.best_by_length.append(list(best.values()))

    def _minutes(self, row: list[int]) -> int:
        return sum(self.ix.minutes[a] for a in row if a != OFF)

    def _in_window(self, row: list[int]) -> bool:
        return self.min_minutes <= self._minutes(row) <= self.max_minutes

    def _weekends_of(self, row: list[int]) -> int:
        return sum(1 for days in self.ix.weekends if any(row[d] != OFF for d in days))

    # ------------------------------------------------------------------ DP
    def _attempt(self, lam: float) -> list[int] | None:
        """Priced DP; the row holds each working day's best activity (no successions yet:
        the Viterbi pass runs once the hours fit, as it rarely changes them)."""
        ix, h = self.ix, self.horizon
        val: list[float | None] = []
        pick: list[int] = []
        self.price = lam
        if self.uniform_minutes and not self.activity_penalty:
            # All activities last as long: the price shifts every option equally, so
            # the best activity per day is fixed (most rows take this fast path).
            shift = lam * self.uniform_minutes
            for d in range(h):
                if d in self.blocked or not self.gains[d]:
                    val.append(None)
                    pick.append(OFF)
                else:
                    val.append(self.best_gain[d] + shift)
                    pick.append(self.best_activity[d])
        elif not self.activity_penalty:
            # Activities of a few lengths: the price shifts all of one length equally, so
            # only the best of each length competes (3 options a day instead of 32 on a
            # generated 32-type instance; this loop ran tens of times a row).
            for d in range(h):
                options = self.best_by_length[d]
                if d in self.blocked or not options:
                    val.append(None)
                    pick.append(OFF)
                    continue
                best_v, best_a = NEG, OFF
                for m, a, v in options:
                    if v + lam * m > best_v:
                        best_v, best_a = v + lam * m, a
                val.append(best_v)
                pick.append(best_a)
        else:
            for d in range(h):
                g = {} if d in self.blocked else self._priced(d)
                if g:
                    best = max(g, key=g.__getitem__)
                    val.append(g[best])
                    pick.append(best)
                else:
                    val.append(None)
                    pick.append(OFF)
        work = _pattern(ix, self.e, val, self.weekend_price)
        if work is None:
            return None
        return [pick[d] if work[d] else OFF for d in range(h)]

    def _priced(self, d: int) -> dict[int, float]:
        """Day ``d``'s gains as priced by the latest DP attempt."""
        g = self.gains[d]
        if not self.activity_penalty and (self.uniform_minutes or not self.price):
            return g  # the price shifts every option equally
        minutes, lam, pen = self.ix.minutes, self.price, self.activity_penalty
        return {a: v + lam * minutes[a] - pen.get(a, 0.0) for a, v in g.items()}

    def _typed(self, row: list[int]) -> list[int] | None:
        work = [a != OFF for a in row]
        priced = [self._priced(d) if w else {} for d, w in enumerate(work)]
        return _types(self.ix, self.e, work, priced)

    def _hours_search(self) -> list[int] | None:
        """Price search on hours: start from the previous price (staff are often alike),
        widen until the window is bracketed, then bisect."""
        lam = self.prices.hours
        lo, hi = -1200.0, 1200.0
        step = 40.0
        row = self._attempt(lam / 480)
        for _ in range(16):
            if row is None:
                return None
            m = self._minutes(row)
            if self.min_minutes <= m <= self.max_minutes:
                self.prices.hours = lam
                break
            if m < self.min_minutes:
                lo = lam
                lam = (lo + hi) / 2 if hi - lam < step else lam + step
            else:
                hi = lam
                lam = (lo + hi) / 2 if lam - lo < step else lam - step
            step *= 2
            row = self._attempt(lam / 480)
        return row

    def _weekend_search(self, row: list[int]) -> list[int]:
        """Price weekends too: the smallest price that keeps the row within its weekend
        limit keeps as many (valuable) weekends as the limit allows."""
        wmax = self.staff.max_weekends
        assert wmax is not None
        lo_mu, hi_mu = 0.0, None
        best_row: list[int] | None = None
        guess = self.prices.weekends
        for _ in range(12):
            if guess > lo_mu and (hi_mu is None or guess < hi_mu):
                self.weekend_price = guess
            else:
                self.weekend_price = lo_mu * 2 + 20.0 if hi_mu is None else (lo_mu + hi_mu) / 2
            guess = 0.0
            cand = self._hours_search()
            if cand is None:
                break
            if self._weekends_of(cand) > wmax:
                lo_mu = self.weekend_price
            else:
                hi_mu = self.weekend_price
                if self._in_window(cand):
                    best_row = cand
                if self._weekends_of(cand) == wmax and best_row is cand:
                    break
            if hi_mu is not None and hi_mu - lo_mu < 0.5:
                break
        if best_row is None:
            self.weekend_price = 0.0
            return row
        self.prices.weekends = self.weekend_price = hi_mu or 0.0
        return best_row

    def _tighten(self, row: list[int]) -> None:
        """After a row broke a rule: block the least valuable weekends beyond the limit
        and raise the prices of activities over their limits."""
        ix, st = self.ix, self.staff
        w = [a != OFF and ix.working[a] for a in row]
        if st.max_weekends is not None and (
            sum(1 for days in ix.weekends if any(w[d] for d in days)) > st.max_weekends
        ):
            # Keep the most valuable weekends (for cover) and block the others; a price
            # on weekends either overshoots or leaves the weekend demand uncovered.
            def worth(days: list[int]) -> float:
                return sum(max([0.0, *self.base[d].values()]) for d in days)

            # Prefer weekends this row already works: they fit its run pattern.
            ranked = sorted(
                ix.weekends, key=lambda days: (any(w[d] for d in days), worth(days)), reverse=True
            )
            self.blocked = {d for days in ranked[st.max_weekends :] for d in days}
        for aid, lim in st.max_per_activity.items():
            a = ix.act_pos[aid]
            if sum(1 for x in row if x == a) > lim:
                self.activity_penalty[a] = self.activity_penalty.get(a, 0.0) * 2 + 30

    # ------------------------------------------------------------------ public
    def build(self, fallback: bool = True) -> list[int] | None:
        """A row meeting every per-person hard rule, or None. Without ``fallback`` it
        gives up where the dynamic programme does (no CP-SAT pattern)."""
        ix, e, st = self.ix, self.e, self.staff
        for round_ in range(2):
            self.weekend_price = 0.0
            row = self._hours_search()
            if (
                row is not None
                and st.max_weekends is not None
                and not self.blocked
                and self._weekends_of(row) > st.max_weekends
            ):
                row = self._weekend_search(row)
            if row is None:
                return None
            if self._in_window(row):
                row = self._typed(row)
                if row is None:
                    return None
            if not self._in_window(row):
                typed = self._typed(row)
                if typed is not None:
                    fit_hours(ix, e, typed, self.gains, self.blocked)
                    row = typed
            if not self._in_window(row):
                self._reseed(round_ + 1)  # the price jumped over the window: other tie-breaks
                continue
            _repair_limits(ix, e, row, self.gains)
            if not self._in_window(row):
                # Moving days off activities over their limit changed the hours (shifts
                # of other lengths): move them back into the window by other swaps.
                fit_hours(ix, e, row, self.gains, self.blocked)
            if _row_ok(ix, e, row):
                return row
            self.closest_miss = list(row)
            if round_ == 0:
                self.first_miss = list(row)
            self._tighten(row)
        return self._cpsat_pattern() if fallback else None

    def _cpsat_pattern(self) -> list[int] | None:
        """Last resort before the caller's full CP-SAT row: pattern by CP-SAT, then types."""
        ix, e = self.ix, self.e
        val = [max(g.values()) if g else None for g in self.gains]
        for limit in (1.0, 4.0):
            work = _pattern_cpsat(ix, e, val, limit, self.first_miss or None, self.workers)
            if work is None:
                continue
            row = _types(ix, e, work, self.gains)
            if row is not None:
                _repair_limits(ix, e, row, self.gains)
                fit_hours(ix, e, row, self.gains, self.blocked)
                if _row_ok(ix, e, row):
                    return row
        return None


def build_row(
    ix: Index,
    e: int,
    marg: Marginals,
    prices: Prices | None = None,
    *,
    workers: int = 2,
    fallback: bool = True,
    seed: int = 0,
) -> list[int] | None:
    """A row for staff ``e`` meeting every per-person hard rule, or None (see
    :class:`RowBuilder`)."""
    return RowBuilder(ix, e, marg, prices, workers=workers, seed=seed).build(fallback)


def construct(
    ix: Index, workers: int = 2, deadline: float | None = None
) -> tuple[Grid, dict[int, list[int]]]:
    """Greedy start: the grid, and for staff whose row could not be built (left off in
    the grid) the closest miss (possibly empty) to use as a hint. After ``deadline``
    (``time.monotonic()``) rows the DP misses are not retried with CP-SAT patterns
    (seconds each): the caller's CP-SAT rows are bounded by its time limit."""
    marg = Marginals(ix)
    grid: Grid = [[OFF] * ix.horizon for _ in range(ix.n_staff)]
    failed: dict[int, list[int]] = {}
    prices = Prices()  # shared: each row starts from the prices of the one before
    for e in range(ix.n_staff):
        builder = RowBuilder(ix, e, marg, prices, workers=workers)
        row = builder.build(fallback=deadline is None or time.monotonic() < deadline)
        if row is None:
            failed[e] = builder.closest_miss
            continue
        grid[e] = row
        marg.commit(e, row)
    return grid, failed


#: Rows the dynamic programme cannot build (per-type limits, mixed shift lengths) are
#: re-planned by CP-SAT instead, exactly, on horizons short enough for it to be quick.
ROW_CPSAT_MAX_DAYS = 120
ROW_CPSAT_LIMIT = 0.3


def _row_cpsat(ix: Index, grid: Grid, e: int, limit: float) -> list[int] | None:
    """Best row for ``e`` with everybody else fixed (CP-SAT, one worker, from the old row)."""
    from ortools.sat.python import cp_model

    from .builder import Builder

    if limit <= 0.01:
        return None
    b = Builder.for_row(ix, grid, e)
    b.hint(grid)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = 1
    if solver.Solve(b.m) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return b.grid_from(solver.Value)[e]
    return None


def improve_rows(
    ix: Index,
    grid: Grid,
    deadline: float,
    seed: int = 0,
    passes: int = 50,
    stop: Callable[[], bool] | None = None,
    objective: float | None = None,
    min_sweep_gain: float = 0.0,
) -> int:
    """Re-plan one person at a time against everybody else (in place), keeping a new
    row only when it lowers the objective; sweeps until a pass changes nothing, or
    (given the start's ``objective``) until two passes in a row lower the objective by
    less than the share ``min_sweep_gain`` of what it is then each.

    The greedy start plans early staff against an empty roster; re-planning each row
    with the final counts moves work to where it is missing (on long horizons, from
    over-covered weekdays to under-covered weekends up to each weekend limit), which
    windows of CP-SAT cannot do across a whole year. Returns the number of rows changed.
    """
    rng = random.Random(seed)
    marg = Marginals(ix)
    for e, row in enumerate(grid):
        marg.commit(e, row)
    prices: dict[int, Prices] = {}
    changed = 0
    small_sweeps = 0
    for sweep in range(passes):
        order = list(range(ix.n_staff))
        rng.shuffle(order)
        moved = 0
        sweep_gain = 0.0
        for e in order:
            if time.monotonic() >= deadline or (stop is not None and stop()):
                return changed
            old = grid[e]
            marg.commit(e, old, -1)
            new = build_row(
                ix, e, marg, prices.setdefault(e, Prices()), fallback=False, seed=sweep + 1
            )
            if new is None and ix.horizon <= ROW_CPSAT_MAX_DAYS:
                new = _row_cpsat(ix, grid, e, min(ROW_CPSAT_LIMIT, deadline - time.monotonic()))
            if new is not None:
                gain = marg.value(e, new) - marg.value(e, old)
                if gain > 1e-9:
                    grid[e] = new
                    moved += 1
                    sweep_gain += gain
            marg.commit(e, grid[e])
        changed += moved
        if not moved:
            break
        if objective is not None:
            objective -= sweep_gain
            # One small sweep is often followed by a large one (Instance20: gains of 8,
            # 15, 111 in sweeps 6-8), two in a row rarely are.
            small_sweeps = small_sweeps + 1 if sweep_gain < min_sweep_gain * objective else 0
            if small_sweeps == 2:
                break
    return changed
