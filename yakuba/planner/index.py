"""Integer-indexed view of a :class:`Problem`, shared by the CP-SAT builder and the
constructive/LNS search (the evaluator does not use it, on purpose)."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Problem, Roster, allowed_activities

#: A day off in a :data:`Grid` (the one integer for it; a :data:`Roster` uses ``None``).
OFF = -1

#: Internal roster: ``grid[e][d]`` is an activity index or ``OFF``.
Grid = list[list[int]]


@dataclass
class Index:
    problem: Problem
    n_staff: int
    horizon: int
    act_ids: list[str]
    act_pos: dict[str, int]
    staff_pos: dict[str, int]
    minutes: list[int]
    working: list[bool]
    in_office: list[bool]
    #: ``allowed[e][d]``: activity indices possible from eligibility, days off, zero
    #: limits and pins (pins are domain restrictions in normal mode).
    allowed: list[list[tuple[int, ...]]]
    #: Eligibility only (no pins, no limits), for diagnosis messages.
    eligible: list[list[tuple[int, ...]]]
    pinned: list[list[int | None]]
    #: Succession groups: activities with the same forbidden set, and that set. Activities
    #: of a group are exclusive on a day, so one at-most-one per group and day suffices.
    succ_groups: list[tuple[tuple[int, ...], tuple[int, ...]]]
    weekends: list[list[int]]

    @classmethod
    def build(cls, problem: Problem) -> Index:
        act_ids = [a.id for a in problem.activities]
        act_pos = {a: i for i, a in enumerate(act_ids)}
        staff_pos = {s.id: i for i, s in enumerate(problem.staff)}
        h = problem.horizon
        pinned: list[list[int | None]] = [[None] * h for _ in problem.staff]
        for p in problem.pins:
            pinned[staff_pos[p.staff]][p.day] = OFF if p.activity is None else act_pos[p.activity]
        allowed: list[list[tuple[int, ...]]] = []
        eligible: list[list[tuple[int, ...]]] = []
        for e, st in enumerate(problem.staff):
            zero = {act_pos[a] for a, lim in st.max_per_activity.items() if lim <= 0}
            row_a: list[tuple[int, ...]] = []
            row_e: list[tuple[int, ...]] = []
            for d in range(h):
                el = tuple(sorted(act_pos[a] for a in allowed_activities(problem, st, d)))
                row_e.append(el)
                pin = pinned[e][d]
                if pin is not None:
                    row_a.append(() if pin == OFF else ((pin,) if pin in el else ()))
                else:
                    row_a.append(tuple(a for a in el if a not in zero))
            allowed.append(row_a)
            eligible.append(row_e)
        groups: dict[tuple[int, ...], list[int]] = {}
        for i, a in enumerate(problem.activities):
            forb = tuple(sorted(act_pos[b] for b in a.forbidden_next))
            if forb:
                groups.setdefault(forb, []).append(i)
        return cls(
            problem=problem,
            n_staff=len(problem.staff),
            horizon=h,
            act_ids=act_ids,
            act_pos=act_pos,
            staff_pos=staff_pos,
            minutes=[a.minutes for a in problem.activities],
            working=[a.working for a in problem.activities],
            in_office=[a.in_office for a in problem.activities],
            allowed=allowed,
            eligible=eligible,
            pinned=pinned,
            succ_groups=[(tuple(v), k) for k, v in groups.items()],
            weekends=problem.weekends(),
        )

    def to_roster(self, grid: Grid) -> Roster:
        return {
            st.id: [None if a == OFF else self.act_ids[a] for a in grid[e]]
            for e, st in enumerate(self.problem.staff)
        }

    def from_roster(self, roster: Roster) -> Grid:
        return [
            [OFF if a is None else self.act_pos[a] for a in roster[st.id]]
            for st in self.problem.staff
        ]
