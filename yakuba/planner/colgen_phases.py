"""The column-generation phases of a solve (see ``solver``): beside LNS on six-week
horizons, late for the bound only on longer ones, after the four-week portfolio, and
before it with a dive for a roster (``run_portfolio_dive``).

The tuning constants are read from ``solver`` at call time (``tuning.X``), as in
``phases``.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import solver as tuning
from .evaluate import evaluate
from .index import Grid
from .phases import run_full_model, run_lns
from .search import Search

if TYPE_CHECKING:
    from .colgen import ColgenResult


def run_colgen(
    s: Search,
    end: float,
    choice_end: float,
    lns_ends: Sequence[float] = (),
    dive: bool = False,
) -> None:
    """Column generation until ``end`` (seconds since the start) or until it stalls,
    seeded with the incumbent; its LP bound raises the search's bound where CP-SAT proves
    none. Then CP-SAT chooses one column per person (the incumbent's rows among them) for
    ``COLGEN_CHOICE_SHARE`` of the limit, until ``choice_end`` at the latest, or with
    ``dive`` a dive on the master until ``choice_end`` (``colgen.dive``), and offers that
    roster to the search; then the thread is an LNS thread until the first of
    ``lns_ends`` (the LNS rounds' ends) still ahead."""
    _colgen_bound(
        s,
        end,
        choice_end,
        choose=not dive,
        final_share=tuning.COLGEN_FINAL_SHARE,
        dive_end=choice_end if dive else None,
    )
    if s.workers > 1:  # one worker: one LNS thread
        _lns_to_round_end(s, lns_ends)


def run_late_colgen(
    s: Search, end: float, phase_done: threading.Event, round_ends: Sequence[float]
) -> None:
    """Column generation for the bound only, from now (the start of a weekend phase,
    which runs one CP-SAT worker) until ``end``; if it stops early (solved, stalled), the
    thread does LNS to the end of the current LNS round (``round_ends``) once the weekend
    phase is over (LNS beneath a running phase would make the phase's roster stale)."""
    started = s.clock.elapsed()
    s.stats["colgen_start"] = round(started, 1)
    _colgen_bound(s, end, end, choose=False, final_share=tuning.LATE_COLGEN_FINAL_SHARE)
    while not phase_done.wait(0.1):
        if s.stop.is_set():
            return
    _lns_to_round_end(s, round_ends)


def run_block_bound(s: Search, end: float) -> None:
    """The block bound (``colgen.blocks``) from now until ``end`` (seconds since the
    start), seeded with the incumbent's rows; its bound is ``bound`` (source
    ``lp-blocks``)."""
    from .colgen import Unsupported
    from .colgen.blocks import SOURCE, block_bound

    if s.best is None:
        return
    grid, _obj, _version = s.snapshot()
    s.stats["blockbound_start"] = round(s.clock.elapsed(), 1)
    try:
        res = block_bound(
            s.ix, time_limit=max(0.1, end - s.clock.elapsed()), stop=s.stop, initial=[grid]
        )
    except Unsupported:
        return
    s.stats["blockbound_seconds"] = round(res.elapsed, 1)
    s.stats["blockbound_rounds"] = res.rounds
    s.stats["blockbound_blocks"] = res.blocks
    if res.bound is not None:
        s.stats["blockbound_value"] = res.bound
        s.raise_bound(float(res.bound), SOURCE)


def run_portfolio_colgen(s: Search, end: float) -> None:
    """Column generation for the bound only until ``end`` (seconds since the start),
    after the portfolio, beside its weekend phases, seeded with the incumbents' rows."""
    s.stats["colgen_start"] = round(s.clock.elapsed(), 1)
    _colgen_bound(s, end, end, choose=False, final_share=tuning.LATE_COLGEN_FINAL_SHARE)


def run_portfolio_dive(
    s: Search, lp_end: float, dive_end: float, portfolio_end: float, threads: int
) -> None:
    """The four-week portfolio with column generation and a dive first (strategy
    ``portfolio+dive``). Until ``dive_end`` (seconds since the start): column generation
    (the LP bound) until ``lp_end`` at the latest, then a dive on its master for a
    roster (``colgen.dive``), on one core, while CP-SAT's search on the full model runs
    ``DIVE_PORTFOLIO_THREADS`` threads on the other. Once the dive is done, that search
    restarts with ``threads`` threads, hinted with the incumbent (the dive's roster when
    it is the better), until ``portfolio_end``."""
    done = threading.Event()
    hint: Grid | None = s.best

    def lp_and_dive() -> None:
        try:
            _colgen_bound(
                s,
                lp_end,
                lp_end,
                choose=False,
                final_share=tuning.LATE_COLGEN_FINAL_SHARE,
                dive_end=dive_end,
            )
        finally:
            done.set()

    colgen = threading.Thread(target=lp_and_dive)
    colgen.start()
    run_full_model(s, dive_end - s.clock.elapsed(), hint, tuning.DIVE_PORTFOLIO_THREADS, done)
    colgen.join()
    left = portfolio_end - s.clock.elapsed()
    if not s.stop.is_set() and left > tuning.DIVE_RESTART_MIN_SECONDS:
        run_full_model(s, left, s.best, threads)


def _worth_diving(s: Search, res: ColgenResult) -> bool:
    """Whether a dive from this LP can be expected to beat the incumbent: its LP value
    below the incumbent's objective and a positive bound. Where the LP is far from
    converged neither holds (generated 40 x 84 x 5: LP 1 985 and bound 0 while LNS had
    reached about 100; a dive from it gave 2 703, and the roster ended at 106 against 86
    without the dive); on Instances 7-18 both hold, and the core goes back to the
    search otherwise."""
    ok = res.bound is not None and res.bound > 0 and res.lp_value < (s.best_obj or 0)
    if not ok:
        s.stats["dive_skipped"] = True
    return ok


def _lns_to_round_end(s: Search, round_ends: Sequence[float]) -> None:
    """LNS to the end of the current LNS round (the first of ``round_ends`` still ahead)
    only: the next round begins with a weekend phase, whose roster is dropped if LNS
    changes the incumbent beneath it."""
    ahead = [t for t in round_ends if t > s.clock.elapsed() + 0.5]
    if ahead and not s.stop.is_set():
        run_lns(s, ahead[0])


def _colgen_bound(
    s: Search,
    end: float,
    choice_end: float,
    choose: bool = True,
    *,
    final_share: float,
    dive_end: float | None = None,
) -> None:
    from .colgen import Unsupported, choose_columns, column_generation

    if s.best is None:
        return
    grid, _obj, _version = s.snapshot()
    seeds = [grid]
    with s.lock:
        kept = [list(rows) for rows in s.seen_rows]
    for k in range(max((len(rows) for rows in kept), default=0)):
        # Roster-shaped seeds: each person's k-th row met (the incumbent's where fewer).
        seeds.append(
            [list(rows[k]) if k < len(rows) else g for rows, g in zip(kept, grid, strict=True)]
        )
    try:
        res = column_generation(
            s.ix,
            time_limit=max(0.1, end - s.clock.elapsed()),
            stop=s.stop,
            initial=seeds,
            seed_construction=False,
            final_share=final_share,
            stall_rounds=tuning.COLGEN_STALL_ROUNDS,
            dive_time=0.0 if dive_end is None else max(0.0, dive_end - end),
            dive_if=lambda res: _worth_diving(s, res),
        )
    except Unsupported:
        return
    s.stats["colgen_seconds"] = round(res.elapsed, 1)
    s.stats["colgen_rounds_seconds"] = round(res.rounds_elapsed, 1)
    s.stats["colgen_iterations"] = len(res.iterations)
    s.stats["colgen_columns"] = sum(len(c) for c in res.columns)
    s.stats["colgen_lp_value"] = round(res.lp_value, 2) if math.isfinite(res.lp_value) else -1
    s.stats["colgen_converged"] = res.converged
    if res.bound is not None:
        s.raise_bound(float(res.bound), "lp")
        s.stats["colgen_bound"] = res.bound
    if res.dive is not None:
        s.stats["dive_steps"] = res.dive.steps
        s.stats["dive_seconds"] = round(res.dive.elapsed, 1)
        s.stats["dive_cut_short"] = res.dive.cut_short
        # Checked by the evaluator: a whole roster, not an LNS region.
        ev = evaluate(s.ix.problem, s.ix.to_roster(res.dive.grid))
        if ev.feasible:
            s.stats["dive_objective"] = ev.objective
            s.offer(res.dive.grid, ev.objective)
    if not choose or s.stop.is_set() or choice_end - s.clock.elapsed() < 0.2:
        return
    incumbent, inc_obj, _ = s.snapshot()
    choice_end = min(choice_end, s.clock.elapsed() + tuning.COLGEN_CHOICE_SHARE * s.clock.limit)
    choice = choose_columns(
        s.ix,
        res.columns,
        choice_end - s.clock.elapsed(),
        incumbent=incumbent,
        stop=s.stop,
        seed=s.rng.randrange(1 << 30),
    )
    if choice is None:
        return
    s.stats["colgen_choice"] = choice.objective
    if choice.objective < inc_obj:
        # Checked by the evaluator: the choice is a whole roster, not an LNS region.
        ev = evaluate(s.ix.problem, s.ix.to_roster(choice.grid))
        if ev.feasible and s.offer(choice.grid, ev.objective):
            s.stats["colgen_choice_improved"] = inc_obj - ev.objective
