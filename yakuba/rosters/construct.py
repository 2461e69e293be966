"""A fast constructive roster for the municipal problem shape, used as the optimizer's start.

CP-SAT needs tens of seconds to find a first roster for a whole office (600 people × 31
days) because every hard rule couples people; this greedy builds one in milliseconds:
weekend/holiday counter duty first (each with a substitute weekday off), then weekday
counters (scarce skills first, fewest counter days first), then everyone else where they
asked to be or in the office. The planner's independent evaluator decides whether it is
used: an infeasible start is never passed on.
"""

from __future__ import annotations

from collections import defaultdict

from yakuba import planner
from yakuba.planner.model import allowed_activities

OFF = None


def greedy_roster(problem: planner.Problem, office: str | None) -> planner.Roster:
    h = problem.horizon
    acts = {a.id: a for a in problem.activities}
    staff = problem.staff
    grid: dict[str, list[str | None]] = {s.id: [OFF] * h for s in staff}
    locked: set[tuple[str, int]] = set()  # leave, substitute days, pins
    for s in staff:
        for d in s.days_off:
            if 0 <= d < h:
                locked.add((s.id, d))
    for pin in problem.pins:
        grid[pin.staff][pin.day] = pin.activity
        locked.add((pin.staff, pin.day))
    allowed = {(s.id, d): allowed_activities(problem, s, d) for s in staff for d in range(h)}
    sub = problem.substitute_days_off[0] if problem.substitute_days_off else None
    duty = set(sub.duty_days) if sub else {d for d in range(h) if problem.weekday(d) >= 5}
    counter_days: dict[str, int] = defaultdict(int)
    duty_days: dict[str, int] = defaultdict(int)
    skills = {s.id: s.skills for s in staff}
    by_id = {s.id: s for s in staff}

    usage: dict[tuple[str, int], int] = defaultdict(int)
    caps_by_act: dict[str, list[planner.Capacity]] = defaultdict(list)
    for cap in problem.capacities:
        for a in cap.activities:
            caps_by_act[a].append(cap)

    def fits(act: str, d: int) -> bool:
        return all(
            usage[(cap.name, d)] < cap.max_staff
            for cap in caps_by_act.get(act, ())
            if cap.days is None or d in cap.days
        )

    limits_by_staff: dict[str, list[planner.WindowLimit]] = defaultdict(list)
    for wl in problem.window_limits:
        if wl.max_days is not None:
            limits_by_staff[wl.staff].append(wl)
    window_count: dict[str, int] = defaultdict(int)

    def within_limits(sid: str, act: str, d: int) -> bool:
        return all(
            window_count[wl.name + sid] < wl.max_days
            for wl in limits_by_staff.get(sid, ())
            if d in wl.days
            and wl.max_days is not None
            and (wl.activities is None or act in wl.activities)
        )

    def take(sid: str, act: str | None, d: int) -> None:
        grid[sid][d] = act
        if act is not None:
            for wl in limits_by_staff.get(sid, ()):
                if d in wl.days and (wl.activities is None or act in wl.activities):
                    window_count[wl.name + sid] += 1
            for cap in caps_by_act.get(act, ()):
                if cap.days is None or d in cap.days:
                    usage[(cap.name, d)] += 1

    def team_ok(sid: str, act: str, d: int) -> bool:
        if not acts[act].in_office:
            return True
        for sp in problem.split_teams:
            member = [i for i, t in enumerate(sp.teams) if sid in t]
            if not member:
                continue
            if sp.period_days:
                turn = ((d + sp.offset) // sp.period_days) % len(sp.teams)
            else:
                turn = d % len(sp.teams)
            if member[0] != turn:
                return False
        return True

    weekend_of = {d: (problem.start_weekday + d) // 7 for d in range(h)}
    weekends: dict[str, set[int]] = defaultdict(set)

    def free(sid: str, d: int) -> bool:
        return (sid, d) not in locked and grid[sid][d] is None

    covers = defaultdict(list)
    for c in problem.cover:
        covers[(c.day, c.activity)].append(c)

    def fill(d: int, act: str, is_duty: bool) -> None:
        needs = covers[(d, act)]
        total = max(
            [c.target for c in needs if c.skill is None] + [c.hard_min or 0 for c in needs] + [0]
        )
        if is_duty:  # weekend duty: the minimum, to keep weekends free
            total = max([c.hard_min or 0 for c in needs] + [0])
        chosen: list[str] = []
        pool = [
            s.id
            for s in staff
            if free(s.id, d)
            and act in allowed[(s.id, d)]
            and team_ok(s.id, act, d)
            and fits(act, d)
        ]
        # Scarce skills first; then people who can staff the fewest counters, then fairness.
        for c in sorted((c for c in needs if c.skill), key=lambda c: -(c.hard_min or c.target)):
            want = c.hard_min or c.target
            have = sum(1 for x in chosen if c.skill in skills[x])
            for sid in sorted(pool, key=lambda x: duty_days[x] if is_duty else counter_days[x]):
                if have >= want:
                    break
                if sid not in chosen and c.skill in skills[sid] and _commit(sid):
                    chosen.append(sid)
                    have += 1
        for sid in sorted(pool, key=lambda x: duty_days[x] if is_duty else counter_days[x]):
            if len(chosen) >= total:
                break
            if sid not in chosen and _commit(sid):
                chosen.append(sid)
        for sid in chosen:
            take(sid, act, d)
            counter_days[sid] += 1

    def _commit(sid: str) -> bool:
        """For duty days: also book a substitute weekday off; refuse if none fits."""
        d = current_day[0]
        if d not in duty:
            return True
        person = by_id[sid]
        if (
            person.max_weekends is not None
            and weekend_of[d] not in weekends[sid]
            and len(weekends[sid]) >= person.max_weekends
        ):
            return False
        if (d - 1 in duty and grid[sid][d - 1] is not None) if d >= 1 else False:
            return False
        before, after = (sub.before, sub.after) if sub else (0, 6)
        window = [x for x in range(d + 1, min(h, d + after + 1))] + [
            x for x in range(d - 1, max(-1, d - before - 1), -1)
        ]
        for x in window:
            if x not in duty and free(sid, x) and x not in by_id[sid].days_off:
                locked.add((sid, x))
                weekends[sid].add(weekend_of[d])
                duty_days[sid] += 1
                return True
        return False

    current_day = [0]
    for d in sorted(duty):
        current_day[0] = d
        for act in [a for (day, a) in covers if day == d]:
            fill(d, act, True)
    for d in range(h):
        if d in duty:
            continue
        current_day[0] = d
        day_acts = [a for (day, a) in covers if day == d and a != office]
        day_acts.sort(key=lambda a: sum(1 for s in staff if a in allowed[(s.id, d)]))
        for act in day_acts:
            fill(d, act, False)
    wishes = defaultdict(list)
    for r in problem.requests:
        if r.on and r.activity is not None:
            wishes[(r.staff, r.day)].append(r.activity)
    for d in range(h):
        if d in duty:
            continue
        for s in staff:
            if not free(s.id, d) or not allowed[(s.id, d)]:
                continue
            options = [a for a in wishes.get((s.id, d), []) if a in allowed[(s.id, d)]]
            if office is not None:
                options.append(office)
            options += sorted(allowed[(s.id, d)], key=lambda a: (acts[a].in_office, a))
            for act in options:
                if (
                    act in allowed[(s.id, d)]
                    and team_ok(s.id, act, d)
                    and fits(act, d)
                    and within_limits(s.id, act, d)
                ):
                    take(s.id, act, d)
                    break
    return grid


def repaired_roster(problem: planner.Problem) -> planner.Roster | None:
    """The previous roster with new leave applied and counters refilled from office staff.

    Changing as little as possible is the point of a repair, so this start keeps every
    other cell; the optimizer then only has to improve on it.
    """
    if problem.previous is None:
        return None
    h = problem.horizon
    acts = {a.id: a for a in problem.activities}
    grid = {s.id: list(problem.previous.get(s.id, [OFF] * h)) for s in problem.staff}
    for s in problem.staff:
        for d in s.days_off:
            if 0 <= d < h:
                grid[s.id][d] = OFF
    for pin in problem.pins:
        grid[pin.staff][pin.day] = pin.activity
    pinned = {(p.staff, p.day) for p in problem.pins}
    for c in problem.cover:
        if not c.hard_min:
            continue
        missing = c.hard_min - _covered(problem, grid, c)
        for s in problem.staff:
            if missing <= 0:
                break
            current = grid[s.id][c.day]
            if (
                current is None
                or (s.id, c.day) in pinned
                or acts[current].id == c.activity
                or any(
                    current == cv.activity
                    for cv in problem.cover
                    if cv.day == c.day and cv.hard_min
                )
                or (c.skill is not None and c.skill not in s.skills)
                or c.activity not in allowed_activities(problem, s, c.day)
            ):
                continue
            grid[s.id][c.day] = c.activity
            missing -= 1
    return grid


def _covered(problem: planner.Problem, grid: planner.Roster, c: planner.Cover) -> int:
    return sum(
        1
        for s in problem.staff
        if grid[s.id][c.day] == c.activity and (c.skill is None or c.skill in s.skills)
    )
