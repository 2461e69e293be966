"""Repairs of one constructed row: hours into the person's window, limits per activity.

The priced dynamic programme (``construct``) hits the hours window through one price on
minutes, with each day's best activity. With shifts of different lengths (generated
instances: 480, 600 and 720 minutes) the Viterbi pass over successions and the repair of
per-activity limits then swap activities and move the hours out of a narrow window again
(generated 150 × 364 × 32: 31 of 150 rows, some windows zero minutes wide). Each of those
rows then went to CP-SAT one at a time, seconds each on a year, and the start roster
came late or not at all (issue 18).

:func:`fit_hours` closes the gap by single-day moves that keep every other per-person hard
rule: swap a worked day to an activity of another length (runs unchanged), add a day
(when short) or drop one (when over), each kept only if the runs stay within their
limits. The move that brings the hours closest to the window wins, the least value lost
breaking ties, so a window of any width is reached in few moves.
"""

from __future__ import annotations

from .index import OFF, Index


def _local_runs_ok(ix: Index, e: int, row: list[int], d: int) -> bool:
    """Run rules for the maximal runs touching days d-1..d+1 (edge runs exempt from the
    minimums), so that a single-day change can be checked in O(run length)."""
    st = ix.problem.staff[e]
    h = len(row)
    k_max = st.max_consecutive or h
    for pos in (d - 1, d, d + 1):
        if not 0 <= pos < h:
            continue
        on = row[pos] != OFF and ix.working[row[pos]]
        a = pos
        while a > 0 and (row[a - 1] != OFF and ix.working[row[a - 1]]) == on:
            a -= 1
        b = pos
        while b < h - 1 and (row[b + 1] != OFF and ix.working[row[b + 1]]) == on:
            b += 1
        length, interior = b - a + 1, a > 0 and b < h - 1
        if on and (length > k_max or (interior and length < st.min_consecutive)):
            return False
        if not on and interior and length < st.min_consecutive_off:
            return False
    return True


def _repair_hours(
    ix: Index, e: int, row: list[int], gains: list[dict[int, float]], blocked: set[int]
) -> None:
    """Add (or drop) single days, best value first, until the hours fit: the priced DP
    can miss a narrow hours window once weekends are blocked."""
    st = ix.problem.staff[e]
    h = len(row)
    forb = [{ix.act_pos[b] for b in a.forbidden_next} for a in ix.problem.activities]
    limit = {ix.act_pos[a]: n for a, n in st.max_per_activity.items()}
    wk_of = {d: i for i, days in enumerate(ix.weekends) for d in days}

    def worked_weekends() -> set[int]:
        return {wk_of[d] for d in range(h) if d in wk_of and row[d] != OFF}

    hi_m = st.max_minutes if st.max_minutes is not None else 10**9
    for _ in range(h):
        mins = sum(ix.minutes[a] for a in row if a != OFF)
        if st.min_minutes <= mins <= hi_m:
            return
        adding = mins < st.min_minutes
        weekends = worked_weekends()
        count: dict[int, int] = {}
        for a in row:
            count[a] = count.get(a, 0) + 1
        best: tuple[float, int, int] | None = None
        for d in range(h):
            if adding:
                if row[d] != OFF or d in blocked:
                    continue
                if (
                    d in wk_of
                    and wk_of[d] not in weekends
                    and st.max_weekends is not None
                    and len(weekends) >= st.max_weekends
                ):
                    continue
                options = [
                    (g, a)
                    for a, g in gains[d].items()
                    if count.get(a, 0) < limit.get(a, h)
                    and not (d > 0 and row[d - 1] != OFF and a in forb[row[d - 1]])
                    and not (d + 1 < h and row[d + 1] != OFF and row[d + 1] in forb[a])
                ]
            else:
                options = [(-gains[d].get(row[d], 0.0), OFF)] if row[d] != OFF else []
            for g, a in options:
                if best is not None and g <= best[0]:
                    continue
                old, row[d] = row[d], a
                if _local_runs_ok(ix, e, row, d):
                    best = (g, d, a)
                row[d] = old
        if best is None:
            return
        row[best[1]] = best[2]


def _repair_limits(ix: Index, e: int, row: list[int], gains: list[dict[int, float]]) -> None:
    """Move days off activities above their limit onto allowed, compatible ones, cheapest
    loss first (the Viterbi pass cannot count)."""
    st = ix.problem.staff[e]
    forb = [{ix.act_pos[b] for b in a.forbidden_next} for a in ix.problem.activities]
    limit = {ix.act_pos[a]: n for a, n in st.max_per_activity.items()}
    count: dict[int, int] = {}
    for a in row:
        if a != OFF:
            count[a] = count.get(a, 0) + 1
    for _pass in range(6):  # moves unlock neighbours (d d p p -> d d d p): repeat
        over = [a for a, lim in limit.items() if count.get(a, 0) > lim]
        if not over:
            return
        before = dict(count)
        for a in over:
            _repair_one(row, a, limit, count, gains, forb)
        if count == before:
            return


def _repair_one(
    row: list[int],
    a: int,
    limit: dict[int, int],
    count: dict[int, int],
    gains: list[dict[int, float]],
    forb: list[set[int]],
) -> None:
    h = len(row)
    lim = limit[a]
    # All candidate moves once, cheapest first; validity is re-checked on use since
    # earlier moves change neighbours and counts.
    moves = sorted(
        (gains[d][a] - g, d, b)
        for d in range(h)
        if row[d] == a
        for b, g in gains[d].items()
        if b != a
    )
    for _loss, d, b in moves:
        if count[a] <= lim:
            break
        if row[d] != a or count.get(b, 0) >= limit.get(b, h):
            continue
        if d > 0 and row[d - 1] != OFF and b in forb[row[d - 1]]:
            continue
        if d + 1 < h and row[d + 1] != OFF and row[d + 1] in forb[b]:
            continue
        row[d] = b
        count[a] -= 1
        count[b] = count.get(b, 0) + 1


def fit_hours(
    ix: Index, e: int, row: list[int], gains: list[dict[int, float]], blocked: set[int]
) -> bool:
    """Move ``row`` (in place) into its hours window; True once it is there.

    ``gains[d]``: value of each allowed working activity on day ``d`` against being off;
    ``blocked``: days the row may not start to work (weekends beyond its limit)."""
    st = ix.problem.staff[e]
    h = len(row)
    lo_m = st.min_minutes
    hi_m = st.max_minutes if st.max_minutes is not None else 10**9
    forb = [{ix.act_pos[b] for b in a.forbidden_next} for a in ix.problem.activities]
    limit = {ix.act_pos[a]: n for a, n in st.max_per_activity.items()}
    wk_of = {d: i for i, days in enumerate(ix.weekends) for d in days}
    count: dict[int, int] = {}
    for a in row:
        if a != OFF:
            count[a] = count.get(a, 0) + 1
    mins = sum(ix.minutes[a] for a in row if a != OFF)

    def distance(m: int) -> int:
        return max(0, lo_m - m, m - hi_m)

    def minutes_of(a: int) -> int:
        return 0 if a == OFF else ix.minutes[a]

    def fits_neighbours(d: int, a: int) -> bool:
        if d > 0 and row[d - 1] != OFF and a in forb[row[d - 1]]:
            return False
        return not (d + 1 < h and row[d + 1] != OFF and row[d + 1] in forb[a])

    # Moves that leave the distance as it is are allowed a few times, each on a day not
    # changed before: over by 120 minutes with 480- and 600-minute shifts at their
    # limits, dropping a 480 (under by 120) and then lengthening a 480 to a 600 fits.
    sideways = 8
    touched: set[int] = set()
    for _ in range(2 * h):
        dist = distance(mins)
        if dist == 0:
            return True
        worked_weekends = {wk_of[d] for d in range(h) if d in wk_of and row[d] != OFF}
        weekends_full = st.max_weekends is not None and len(worked_weekends) >= st.max_weekends
        best: tuple[tuple[int, float], int, int] | None = None
        for d in range(h):
            cur = row[d]
            if cur != OFF and not ix.working[cur]:
                continue  # leave and other non-working codes stay as they are
            g_cur = gains[d].get(cur, 0.0) if cur != OFF else 0.0
            options: list[tuple[float, int]] = []
            if cur == OFF:
                if mins >= lo_m or d in blocked:
                    continue
                if d in wk_of and wk_of[d] not in worked_weekends and weekends_full:
                    continue
                options = [(g, a) for a, g in gains[d].items()]
            else:
                if mins > hi_m:
                    options.append((-g_cur, OFF))
                options.extend(
                    (g - g_cur, a)
                    for a, g in gains[d].items()
                    if a != cur and ix.minutes[a] != ix.minutes[cur]
                )
            for g, a in options:
                new_dist = distance(mins + minutes_of(a) - minutes_of(cur))
                if new_dist > dist or (new_dist == dist and (not sideways or d in touched)):
                    continue
                key = (new_dist, -g)
                if best is not None and key >= best[0]:
                    continue
                if a != OFF and (count.get(a, 0) >= limit.get(a, h) or not fits_neighbours(d, a)):
                    continue
                if (a == OFF) != (cur == OFF):
                    row[d] = a
                    ok = _local_runs_ok(ix, e, row, d)
                    row[d] = cur
                    if not ok:
                        continue
                best = (key, d, a)
        if best is None:
            return False
        (new_dist, _loss), d, a = best
        if new_dist == dist:
            sideways -= 1
        touched.add(d)
        cur = row[d]
        if cur != OFF:
            count[cur] -= 1
            mins -= ix.minutes[cur]
        if a != OFF:
            count[a] = count.get(a, 0) + 1
            mins += ix.minutes[a]
        row[d] = a
    return distance(mins) == 0
