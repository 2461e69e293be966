"""Search driver: constructive start, full CP-SAT model and large-neighbourhood search.

Every solve first builds a roster with the dynamic-programming construction
(``construct``; rows it cannot build are solved by CP-SAT one person at a time), unless
rules coupling staff (hard cover minimums, capacities, split teams, pins, ...) make
CP-SAT find the first roster. Each row of that roster is then re-planned against the
others until no row improves (``improve_rows``). Then, by model size (measured on the
Curtois & Qu set with two cores, see BENCHMARK.md):

* small models (``FULL_MODEL_MAX_VARS``): one LP-heavy CP-SAT worker on the full model
  (proven bound, optimality proofs) beside one LNS thread;
* other four-week models: CP-SAT's own portfolio on the full model (four search threads
  per worker, so its LNS and bound subsolvers run), hinted with the re-planned roster;
  the last part of the time goes to *weekend phases* (below). Where the master LP
  expresses the model, column generation and a *dive* on its master (``colgen.dive``)
  run first on one core, beside a one-thread portfolio, for the LP bound and a roster;
  then the portfolio restarts on every core from the better roster (``portfolio+dive``).
  Else column generation gives the bound beside the weekend phases
  (``portfolio+lpbound``);
* longer horizons: LNS threads. Each iteration frees a window of days for everybody,
  two windows far apart, or a few similar staff over a long window, and re-solves that
  region exactly with CP-SAT while the rest stays fixed. The builder treats fixed cells
  as constants, so every sub-model's objective is the full objective and improvements
  are exact. From six weekends on, LNS runs in rounds with a weekend phase between them.

From six to twelve weeks (``COLGEN_MIN_DAYS``..``LONG_DIVE_MAX_DAYS``, up to
``LONG_DIVE_MAX_CELLS``) column generation (``colgen``) runs on one core from the start
beside LNS: its LP bound is reported as ``bound`` (``bound_source = "lp"``), then a dive
on its master (``colgen.dive``) offers a roster to the search before the first weekend
phase (strategy ``colgen+dive+lns+weekends``). Without the dive (its constants at 0, or
one worker), six-week horizons run column generation beside LNS with CP-SAT's choice of
one of its columns per person offered at the end (``colgen+lns+weekends``), and longer
ones (up to ``LATE_COLGEN_MAX_DAYS``) run it late and briefly, for the bound only
(``+lns+weekends+lpbound``).

A weekend phase re-solves every weekend of the incumbent (Saturday and Sunday, with a
margin of days around them) for everybody, the weekdays fixed, a few weekends at a time.
On these instances most of the remaining cost is weekend cover, and which person works
which weekend is a choice between many people over several weekends that small LNS
windows cannot make. Between LNS rounds a phase re-solves the weekends alone, then
Friday to Monday.

Threads share one incumbent (``search``); CP-SAT releases the GIL while it searches.
The phases are in ``phases`` (construction, full model, LNS, weekend phase) and
``colgen_phases`` (column generation); this module chooses and runs them. Its tuning
constants are read by the phases at call time, so setting ``solver.X`` takes effect.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .builder import Builder
from .construct import improve_rows
from .decomposed_bound import SOURCE as DECOMPOSITION
from .decomposed_bound import decomposed_bound
from .diagnosis import diagnose
from .index import Grid, Index
from .model import Problem, Roster
from .result import SolveResult, Violation
from .search import Clock, ProgressFn, Search

#: Up to this many decision variables a monolithic single-worker model runs beside LNS
#: (it gives the proven bound and can prove optimality).
FULL_MODEL_MAX_VARS = 1100
#: Up to this many variables (and above the previous limit) CP-SAT's multi-worker
#: portfolio runs on the full model from the constructive start; above it, LNS.
PORTFOLIO_MAX_VARS = 12000
#: ... and only for short horizons: from 8 weeks on, LNS wins (Instances 16, 18).
PORTFOLIO_MAX_DAYS = 28
#: Whether the portfolio starts from the constructive roster (after row re-planning).
#: It does: with eight threads CP-SAT's LNS subsolvers work from it at once (60 s,
#: same load: Instance7 1286 hinted vs 1383, Instance10 5501 vs 6084, Instance12 6706
#: vs 8013). With the bare greedy start and two threads it did not pay.
PORTFOLIO_HINT = True
#: CP-SAT search threads per worker (core) in the portfolio. With two threads CP-SAT
#: runs two full-search subsolvers only; with eight it also runs its LNS and
#: core-based bound subsolvers, time-sliced on the same cores (Instance7 at 30 s:
#: 1801 with 2 threads, 1388 with 8, bound 27 -> 1034).
PORTFOLIO_THREADS_PER_WORKER = 4
#: At most this share of the time limit goes to re-planning rows one person at a time
#: after the construction (it stops earlier once no row improves).
IMPROVE_SHARE = 0.5
#: On horizons with LNS rounds (``WEEKEND_MIN_WEEKENDS``), row re-planning stops after
#: two sweeps in a row that each lower the objective by less than this share: on
#: Instance22 it ran to its 30 s limit, the last 12 sweeps gaining 350 together (42 860
#: after 14 sweeps, 42 512 after 25 and 21 s of CPU), while a weekend phase gains
#: a thousand in 5 s. Instance20 stops at its fixed point or one sweep before.
IMPROVE_MIN_SWEEP_GAIN = 0.001
#: From this many weekends on, LNS runs in rounds with a weekend phase between them
#: (``phases.weekend_phase``); shorter horizons are left to the portfolio or the full model.
WEEKEND_MIN_WEEKENDS = 6
#: Size of one weekend sub-model in the weekend phase (cells); Instance20's 26 weekends
#: (2 344 cells) solve to optimality in about 3 s, twice that does not finish in 15 s.
WEEKEND_PHASE_CELLS = 2500
#: CP-SAT workers for a weekend sub-model.
WEEKEND_PHASE_WORKERS = 1
#: Seconds at most for one weekend phase.
WEEKEND_PHASE_SECONDS = 10.0
#: When (share of the time limit) LNS pauses for a weekend phase.
WEEKEND_PHASE_AT: tuple[float, ...] = (0.6, 0.9)
#: The LNS rounds' weekend phase: first the weekends alone, then with this many days on
#: either side (Friday to Monday), each for half of the phase's time.
WEEKEND_PHASE_MARGINS: tuple[int, ...] = (0, 1)
#: ... in chunks of at most this many cells: small chunks solve to optimality in a
#: fraction of a second, large ones stall (Instance22 after row re-planning, margin 0
#: for 5 s: 2 500-cell chunks gain 248, 400-cell chunks 1 300, 800-cell ones 1 208;
#: then margin 1 for 10 s: 0 with 2 500 cells, 687 with 400, 1 159 with 800).
WEEKEND_ROUND_CELLS = 800
#: Seconds at least for one chunk of a weekend phase (see ``phases.weekend_phase``).
WEEKEND_CHUNK_MIN_SECONDS = 0.5
#: Share of the time limit left at the end of the four-week portfolio for weekend phases
#: (one CP-SAT worker) and, on the other core, column generation for the bound
#: (strategy ``portfolio+lpbound``): CP-SAT's own bound is far below the roster on some of
#: these (Instance12: 12-14 against rosters near 5 000) while the LP is nearly tight
#: (Instance12 LP 4 040.0 standalone in 20 s, the best known 4 040; 10 and 11: LP = the
#: best known).
PORTFOLIO_WEEKEND_SHARE = 0.12
#: Four-week models the master LP expresses (strategy ``portfolio+dive``): column
#: generation first, until it converges or this share of the time limit, then a dive on
#: its master for a roster (``colgen.dive``) until ``DIVE_END_SHARE``, on one core, while
#: CP-SAT's portfolio runs ``DIVE_PORTFOLIO_THREADS`` threads on the other; then the
#: portfolio restarts on every core, hinted with the better roster. The four-week LPs are
#: nearly tight and converge in seconds (standalone, quiet: Instance10 in 1.2 s, 11 in
#: 2.3 s, 12 in 9 s, 7 in 3.6 s; 8 and 9 not in 20 s) and the dive reaches the best known
#: or nearly (10: 4 631, 11: 3 445, 12: 4 040, 7: 1 058), where the portfolio alone
#: ended at 4 871-4 953, 3 493-3 599, 4 722-5 248 and 1 066-1 069 (BENCHMARK.md "Diving").
DIVE_LP_SHARE = 0.35
DIVE_END_SHARE = 0.6
DIVE_PORTFOLIO_THREADS = 1
#: The portfolio is not restarted after the dive with less than this many seconds left.
DIVE_RESTART_MIN_SECONDS = 2.0
#: From six weeks up to ``LONG_DIVE_MAX_DAYS`` and ``LONG_DIVE_MAX_CELLS`` (staff ×
#: days), on models the master expresses (strategy ``colgen+dive+lns+weekends``): column
#: generation from the start roster on one core until ``LONG_DIVE_LP_SHARE`` of the limit
#: (its final bound included), then a dive until ``LONG_DIVE_END_SHARE``, beside one LNS
#: thread; LNS rounds and weekend phases go on from the better roster. Standalone (quiet,
#: one core, 18-25 s of LP then the dive): Instance16 3 352, Instance18 4 635, where
#: LNS and weekend phases ended at 3 751-3 947 and 5 001-5 210 (best known 3 225, 4 459);
#: Instance14 1 433 (LNS: 1 436-1 438), its LP not converged in 12 s.
LONG_DIVE_MAX_DAYS = 84
LONG_DIVE_MAX_CELLS = 2000
LONG_DIVE_LP_SHARE = 0.3
LONG_DIVE_END_SHARE = 0.55
#: A weekend phase that gained less than this share of the objective is not repeated.
WEEKEND_PHASE_MIN_GAIN = 0.01
#: From this horizon on (and only on models the master LP can express), column generation
#: runs on one thread beside LNS (strategy ``colgen+lns+weekends``): CP-SAT proves no
#: bound on these models (Instances 14-22 and larger generated ones), the LP does.
COLGEN_MIN_DAYS = 42
#: ... up to this horizon, for now. Measured at 60 s beside LNS (load 6-9, one run
#: each, BENCHMARK.md "Column generation, stage 2"): Instance14 (42 days) gets bounds of
#: 713-986 and rosters 1 553-1 770 (main: 1 751); on Instance16 and 18 (56, 84 days)
#: the master does not converge far enough in time, the bound stays 0 and the roster
#: is no better (16: 4 257 against 3 960; 18: 5 632 against 5 633); on Instance20
#: (182 days) two master rounds fit. Stage 3 ("Column generation, stage 3") gets the
#: bound there (16: 3 091-3 204; 18: 4 006-4 141) but the roster still loses by one LNS
#: thread fewer (16: 4 042-4 254 against 3 955-4 148; 18: 5 532-5 935 against 5 513):
#: widen once column generation has a core of its own.
COLGEN_MAX_DAYS = 42
#: ... and up to this many (staff × days) cells: a generated 100 × 42 × 12 instance at
#: 60 s got two master rounds, bound 0, and a roster of 457 against 210 with both LNS
#: threads (load 6-7). Instance14 has 1 344 cells.
COLGEN_MAX_CELLS = 2000
#: Column generation ends at this share of the time limit, then CP-SAT chooses one of
#: its columns per person (seeded with the incumbent) for ``COLGEN_CHOICE_SHARE``;
#: the choice is offered to the search, whose LNS and weekend phases go on from it.
COLGEN_END_SHARE = 0.8
COLGEN_CHOICE_SHARE = 0.1
#: ... but column generation gets at least this share of the time after the row
#: re-planning (which may take half of it), and ends by ``COLGEN_MAX_END`` at the latest.
COLGEN_MIN_SHARE = 0.35
COLGEN_MAX_END = 0.85
#: Share of the column generation's time kept for its final bound (see ``colgen``):
#: beside LNS the master does not converge, and the final bound's careful pricing
#: (Instance14 standalone: 1 102 -> 1 245) is most of the bound.
COLGEN_FINAL_SHARE = 0.4
#: ``full_model=BY_SIZE``: the full model when it can be built in time, else LNS from the
#: start roster with the decomposed bound (``decomposed_bound``), for callers that want a
#: proven bound (municipal rosters) at any office size.
BY_SIZE = "by-size"
#: ``BY_SIZE`` runs the full model up to this many variables per second of the time
#: limit (60 s: 90 000; 30 s: 45 000). Measured on the municipal model, January 2027,
#: 60 s, two workers (load 7-9): 592 staff, 36 089 variables: built in 0.7 s, proven
#: optimal (2 830) in 53 s; 1 956 staff, 117 041 variables: built in 2-10 s (before and
#: after the rules' grouping by day and activity), then CP-SAT's search on it gave a
#: worse roster than LNS alone (10 277 against 10 200) and a bound of 6 401 where the
#: decomposition proves 9 939; 4 896 staff, 293 605 variables: built in 7-18 s.
FULL_MODEL_VARS_PER_LIMIT_S = 1500
#: LNS windows "for everybody" take a random sample of the staff above this many staff
#: (of at least ``LNS_MIN_SAMPLE`` people); the Curtois & Qu instances have at most 150.
LNS_SAMPLE_ABOVE_STAFF = 1000
LNS_MIN_SAMPLE = 100
#: ... and there LNS starts from neighbourhoods of this many cells, doubled while a
#: sub-model solves in a tenth of its build: building one takes seconds whatever its
#: size (4 896 staff: 2-4 s), and 100-cell regions solved in 0.02 s gained nothing.
LNS_LARGE_START_CELLS = 1000
#: Beyond ``COLGEN_MAX_DAYS`` (or ``COLGEN_MAX_CELLS``), up to these horizon and size,
#: column generation runs *late*, for the bound only (strategy ``+lns+weekends+lpbound``):
#: from the first weekend phase (``WEEKEND_PHASE_AT[0]``), on the core that the phase's
#: single CP-SAT worker leaves idle and then in place of one LNS thread, for
#: ``LATE_COLGEN_SHARE`` of the limit (never past that LNS round). Measured at 60 s
#: (BENCHMARK.md "Bounds on long horizons"): to the end of the round (18 s) the bound is
#: better (Instance16 3 078-3 136, 18 up to 4 217) but the roster 2-4 % worse than
#: without; 10 s, overlapping the (10 s) weekend phase, gives 3 074-3 127 on 16 and
#: 2 981-3 348 on 18 with no roster loss measured (two pairs each, load 4-5). On a quiet
#: machine (BENCHMARK.md "The whole set after stage 4") Instance16 loses nothing (with /
#: without, two pairs: 3 661 / 3 640, 3 747 / 3 753) but Instance18 does (5 206 / 5 009,
#: 5 494 / 5 100; in the two bench runs 5 207, 5 305): on 84 days LNS still gains in
#: those 10 s, hence eight weeks. Instance20 (182 days): one master round in 11 s, bound 0.
LATE_COLGEN_MAX_DAYS = 56
LATE_COLGEN_MAX_CELLS = 4000
LATE_COLGEN_SHARE = 0.17
#: Where no other bound runs (beyond ``LATE_COLGEN_MAX_DAYS`` and the dive's limits: 19,
#: 20, 22 and larger generated instances), the block bound (``colgen.blocks``) runs late
#: the same way, from the first weekend phase, for this share of the limit: the core the
#: phase's single CP-SAT worker leaves idle (strategy ``+lns+weekends+blockbound``).
#: Instance22 at 60 s: 0.3 (to the end of that LNS round, one LNS thread fewer for 8 s)
#: gave bounds of 27 923 and 27 421 but rosters of 39 649 and 39 844; 0.17 gave 24 297 and
#: 39 070 (the runs before: 38 254-39 074). Standalone, one core: Instance20 4 708 after
#: 8 s (best known 4 769), Instance22 28 735 after 19 s (best known 30 241). Up to this
#: many staff × days: 150 × 364 × 32 gets no positive bound in 20 s (4 s a round) and
#: needs both cores for its roster.
BLOCK_BOUND_SHARE = 0.17
BLOCK_BOUND_MAX_CELLS = 20_000
#: Share of the late column generation's time kept for its final bound.
LATE_COLGEN_FINAL_SHARE = 0.4
#: Rows of the incumbents met during the search kept per person (the latest) to seed the
#: late column generation's master besides the incumbent's (Instance16, same 18 s: LP
#: 3 234.6 after 27 rounds against 3 251.7 after 29 without).
LATE_COLGEN_SEED_ROWS = 30
#: Column generation ends early (then its final bound) once neither its rounded bound
#: nor its LP value moved by 0.1 % in this many rounds; the thread does LNS afterwards.
COLGEN_STALL_ROUNDS = 10


# ------------------------------------------------------------------ public


@dataclass(frozen=True)
class Strategy:
    """What runs after the constructive start, chosen by :func:`choose_strategy`."""

    #: ``portfolio``, ``full+lns``, ``full``, ``+lns`` or ``+lns+weekends`` (bench output).
    name: str
    #: CP-SAT on the full model: 0 = not at all, 1 = one LP-heavy worker beside LNS, more
    #: = CP-SAT's own multi-thread portfolio (the "portfolio" strategy).
    full_model_threads: int
    #: The full model starts from the constructive roster (hint).
    full_model_hinted: bool
    #: LNS threads running beside the full model, or alone.
    lns_threads: int
    #: LNS in rounds with a weekend phase between them (long horizons).
    weekend_rounds: bool
    #: Column generation on one thread beside LNS: the LP bound, and an integer roster
    #: chosen among its columns offered to the search.
    colgen: bool = False
    #: The decomposed bound (``decomposed_bound``) is computed before the search.
    decomposition_bound: bool = False
    #: Column generation for the bound only, late: from the first weekend phase, for
    #: ``LATE_COLGEN_SHARE`` of the limit, in place of one LNS thread; after the
    #: portfolio, beside its closing weekend phases.
    late_colgen: bool = False
    #: Four weeks: column generation and a dive on its master first, beside a one-thread
    #: portfolio; then the portfolio on every core (``DIVE_LP_SHARE``).
    dive: bool = False
    #: The block bound (``colgen.blocks``), late like ``late_colgen``, where no other
    #: bound runs (half a year, a year).
    block_bound: bool = False

    @property
    def portfolio(self) -> bool:
        return self.full_model_threads > 1


def colgen_supported(problem: Problem) -> bool:
    """Whether the column-generation master expresses every global rule of ``problem``."""
    return not (
        any(c.hard_min for c in problem.cover)
        or problem.capacities
        or problem.split_teams
        or problem.fairness
        or problem.substitute_days_off
        or problem.window_limits
        or problem.pins
    )


def model_size(ix: Index) -> int:
    """Decision variables of the full model (one per allowed activity and cell)."""
    return sum(len(c) for row in ix.allowed for c in row)


def full_model_fits(ix: Index, time_limit: float) -> bool:
    """Whether the full model can be built and searched within ``time_limit`` (measured
    build rate, see ``FULL_MODEL_VARS_PER_LIMIT_S``)."""
    return model_size(ix) <= FULL_MODEL_VARS_PER_LIMIT_S * time_limit


def choose_strategy(
    ix: Index,
    workers: int,
    has_start: bool,
    full_model: bool | str | None = None,
    time_limit: float = 60.0,
) -> Strategy:
    """The search for this model size and horizon (measured on the Curtois & Qu set, see
    the module docstring and BENCHMARK.md). ``has_start``: a roster to start from exists;
    ``full_model``: the caller's choice, None to decide by size for the Curtois & Qu
    shape, ``BY_SIZE`` for the full model only where it can be built in time."""
    n_vars = model_size(ix)
    if full_model == BY_SIZE:
        if has_start and n_vars > FULL_MODEL_VARS_PER_LIMIT_S * time_limit:
            # Too large to build and search in time: LNS on every core from the start
            # roster, the bound from the decomposition.
            return Strategy("decomposition+lns", 0, False, max(1, workers), False, False, True)
        lns = 0 if workers == 1 else max(1, workers - 1)
        name = "full" + ("+lns" if lns else "")
        return Strategy(name, 1, False, lns, False, False, True)
    if full_model is None:
        use_full = n_vars <= FULL_MODEL_MAX_VARS or not has_start
    else:
        # The caller knows its problem shape: e.g. municipal rosters want the proven bound
        # of the full model even when a constructive start exists.
        use_full = bool(full_model) or not has_start
    portfolio = (
        full_model is None
        and has_start
        and workers > 1
        and FULL_MODEL_MAX_VARS < n_vars <= PORTFOLIO_MAX_VARS
        and ix.horizon <= PORTFOLIO_MAX_DAYS
    )
    if portfolio:
        # Mid-size (four-week) models: CP-SAT's own multi-worker portfolio, started
        # from the constructive roster, beats our Python-driven LNS (measured on
        # Instances 10 and 12: about 10% better at 30 s). Where the master LP expresses
        # the model, column generation and a dive come first (``DIVE_LP_SHARE``); else
        # column generation gives the bound beside the closing weekend phases
        # (``PORTFOLIO_WEEKEND_SHARE``).
        supported = colgen_supported(ix.problem)
        dive = bool(supported and DIVE_END_SHARE)
        lp_bound = bool(not dive and PORTFOLIO_WEEKEND_SHARE and supported)
        return Strategy(
            "portfolio" + "+lpbound" * lp_bound + "+dive" * dive,
            workers * PORTFOLIO_THREADS_PER_WORKER,
            PORTFOLIO_HINT,
            0,
            False,
            late_colgen=lp_bound,
            dive=dive,
        )
    if use_full and not has_start and full_model is None and not full_model_fits(ix, time_limit):
        # No start roster and a full model that cannot be built in time (issue 18: a
        # 150 × 364 × 32 model overran a 60 s limit by 46 s, with no roster): nothing
        # more to run; the solve ends without a roster, on time.
        return Strategy("none", 0, False, 0, False)
    if use_full:
        # One core: the full model alone; else LNS on the other cores.
        lns = 0 if workers == 1 else max(1, workers - 1)
        # A forced full model starts from scratch: on municipal rosters CP-SAT's own search
        # beats repairing the constructive start, which LNS improves meanwhile.
        return Strategy("full" + ("+lns" if lns else ""), 1, full_model is None, lns, False)
    lns = max(1, workers) if has_start else 0
    # LNS alone on a horizon with many weekends: rounds of LNS with a weekend phase
    # between them (the weekend sub-model pays most once LNS has settled the weekdays).
    rounds = bool(lns and len(ix.weekends) >= WEEKEND_MIN_WEEKENDS and WEEKEND_PHASE_AT)
    # Six weeks: no full model, so no proven bound from CP-SAT; column generation
    # gives one (and a roster from its columns) on one of the threads.
    colgen = bool(
        lns
        and full_model is None
        and COLGEN_MIN_DAYS <= ix.horizon <= COLGEN_MAX_DAYS
        and ix.n_staff * ix.horizon <= COLGEN_MAX_CELLS
        and colgen_supported(ix.problem)
    )
    # Longer (or larger): no bound either, and column generation beside LNS for the whole
    # run costs roster quality; it runs late, for the bound only, in the weekend rounds.
    late_colgen = bool(
        not colgen
        and rounds
        and workers > 1
        and full_model is None
        and COLGEN_MIN_DAYS <= ix.horizon <= LATE_COLGEN_MAX_DAYS
        and ix.n_staff * ix.horizon <= LATE_COLGEN_MAX_CELLS
        and colgen_supported(ix.problem)
    )
    # Six to twelve weeks: column generation and a dive from the start, for the bound and
    # a roster that LNS and the weekend phases improve (``LONG_DIVE_LP_SHARE``).
    dive = bool(
        lns
        and rounds
        and workers > 1
        and full_model is None
        and LONG_DIVE_END_SHARE
        and COLGEN_MIN_DAYS <= ix.horizon <= LONG_DIVE_MAX_DAYS
        and ix.n_staff * ix.horizon <= LONG_DIVE_MAX_CELLS
        and colgen_supported(ix.problem)
    )
    if dive:
        # LNS on every core once the dive is done (``solve`` starts one fewer first).
        return Strategy("colgen+dive+lns+weekends", 0, False, lns, rounds, True, dive=True)
    if colgen:
        lns = max(1, workers - 1)
    # Longer still, where nothing above gives a bound: the block bound, late as well.
    blocks = bool(
        not (colgen or late_colgen)
        and rounds
        and workers > 1
        and full_model is None
        and BLOCK_BOUND_SHARE
        and ix.n_staff * ix.horizon <= BLOCK_BOUND_MAX_CELLS
        and colgen_supported(ix.problem)
    )
    name = "colgen" * colgen + "+lns" * bool(lns) + "+weekends" * rounds + "+lpbound" * late_colgen
    name += "+blockbound" * blocks
    return Strategy(
        name, 0, False, lns, rounds, colgen, late_colgen=late_colgen, block_bound=blocks
    )


def breakdown(ix: Index, grid: Grid) -> tuple[int, dict[str, int], list[Violation]]:
    """Objective of ``grid`` from the solver's own penalty terms (all cells fixed)."""
    b = Builder(ix, [r[:] for r in grid], [[False] * ix.horizon for _ in range(ix.n_staff)])
    b.build()
    viol: list[Violation] = []
    totals: dict[str, int] = {}
    for t in b.terms:
        if t.vars:  # cannot happen with no free cells
            raise AssertionError("penalty term with variables in a fixed build")
        if t.const:
            viol.append(Violation(t.rule, t.const, t.staff, t.day, t.activity, t.detail))
            totals[t.rule] = totals.get(t.rule, 0) + t.const
    return sum(totals.values()), totals, viol


def solve(
    problem: Problem,
    time_limit: float = 60.0,
    workers: int = 2,
    seed: int = 0,
    on_progress: ProgressFn | None = None,
    hint: Roster | None = None,
    full_model: bool | str | None = None,
    stop: threading.Event | None = None,
    on_strategy: Callable[[str], None] | None = None,
) -> SolveResult:
    """Optimise ``problem`` within ``time_limit`` seconds. See :class:`SolveResult`.

    ``full_model``: see :func:`choose_strategy`. ``on_strategy(name)`` is called once the
    search is chosen (after the start roster), before it runs."""
    # The phases read this module's tuning constants at call time, so they import it;
    # imported here rather than at the top, either module can be imported first.
    from .colgen_phases import (
        run_block_bound,
        run_colgen,
        run_late_colgen,
        run_portfolio_colgen,
        run_portfolio_dive,
    )
    from .phases import construct_start, run_full_model, run_lns, weekend_phase

    clock = Clock(time_limit)
    ix = Index.build(problem)
    s = Search(ix, clock, workers, seed, on_progress)
    start = ix.from_roster(hint) if hint is not None else None
    status: str = "unknown"
    problem_coupled = bool(
        any(c.hard_min for c in problem.cover)
        or problem.capacities
        or problem.split_teams
        or problem.substitute_days_off
        or problem.window_limits
        or problem.pins
    )
    # The DP construction only knows per-person rules; with rules coupling staff (or
    # that it does not model) CP-SAT finds the first roster instead.
    grid = start
    if grid is None and not problem_coupled:
        # Rows the construction misses are solved by CP-SAT one at a time. Where the full
        # model could take over, they get part of the time; where it cannot be built in
        # time (a year of 150 staff and 32 shifts: 535 704 variables), they are the only
        # way to a roster and get most of it.
        budget = min(8.0, 0.3 * time_limit)
        if not full_model_fits(ix, time_limit):
            budget = max(budget, 0.8 * time_limit - clock.elapsed())
        grid = construct_start(s, budget)
        s.stats["construct_time"] = round(clock.elapsed(), 2)
        if grid is not None:
            start_obj = breakdown(ix, grid)[0]
            s.offer(grid, start_obj)
            # Re-plan each person against the others until no row improves (bounded):
            # cheap, and on long horizons it removes most of the greedy start's waste.
            deadline = time.monotonic() + max(0.0, IMPROVE_SHARE * time_limit - clock.elapsed())
            rounds = len(ix.weekends) >= WEEKEND_MIN_WEEKENDS
            s.stats["improved_rows"] = improve_rows(
                ix,
                grid,
                deadline,
                seed,
                stop=s.stop.is_set,
                objective=start_obj if rounds else None,
                min_sweep_gain=IMPROVE_MIN_SWEEP_GAIN,
            )
    finish_reserve = 0.0
    if grid is not None:
        started = clock.elapsed()
        s.offer(grid, breakdown(ix, grid)[0])
        # The result's breakdown at the end costs as much again (seconds on thousands of
        # staff): the search ends that much before the time limit.
        finish_reserve = clock.elapsed() - started
    s.stats["improve_time"] = round(clock.elapsed(), 2)
    s.stats.setdefault("construct_time", s.stats["improve_time"])
    if ix.n_staff > LNS_SAMPLE_ABOVE_STAFF:
        s.lns_cells = LNS_LARGE_START_CELLS
    strategy = choose_strategy(ix, workers, s.best is not None, full_model, time_limit)
    if strategy.late_colgen:
        s.keep_rows = LATE_COLGEN_SEED_ROWS
    s.stats["strategy"] = strategy.name
    s.stats["model_vars"] = model_size(ix)
    if on_strategy is not None:
        on_strategy(strategy.name)
    if strategy.decomposition_bound:
        started = clock.elapsed()
        decomposed = decomposed_bound(ix)
        s.stats["decomposition_bound"] = decomposed.value
        s.stats["decomposition_s"] = round(clock.elapsed() - started, 2)
        s.raise_bound(float(decomposed.value), DECOMPOSITION)
    threads = []
    if strategy.portfolio and strategy.dive:
        lp_end, dive_end = DIVE_LP_SHARE * time_limit, DIVE_END_SHARE * time_limit
        first_end = (1.0 - PORTFOLIO_WEEKEND_SHARE) * time_limit
        threads.append(
            threading.Thread(
                target=run_portfolio_dive,
                args=(s, lp_end, dive_end, first_end, strategy.full_model_threads),
            )
        )
    elif strategy.portfolio:
        hint_for = s.best if strategy.full_model_hinted else None
        first_end = (1.0 - PORTFOLIO_WEEKEND_SHARE) * time_limit
        threads.append(
            threading.Thread(
                target=run_full_model,
                args=(s, first_end - clock.elapsed(), hint_for, strategy.full_model_threads),
            )
        )
    elif strategy.full_model_threads:
        full_hint = s.best if strategy.full_model_hinted else None
        threads.append(
            threading.Thread(
                target=run_full_model, args=(s, clock.left() - finish_reserve, full_hint, 1)
            )
        )
    n_lns = strategy.lns_threads
    round_ends = [f * time_limit for f in WEEKEND_PHASE_AT] if strategy.weekend_rounds else []
    round_ends.append(time_limit - finish_reserve)
    # The long-horizon dive's column generation takes one core of the first LNS round.
    first_lns = max(1, n_lns - 1) if strategy.colgen and strategy.dive else n_lns
    lns_threads = [
        threading.Thread(target=run_lns, args=(s, round_ends[0])) for _ in range(first_lns)
    ]
    threads.extend(lns_threads)
    colgen_thread: threading.Thread | None = None
    if strategy.colgen and strategy.dive:
        lp_end = LONG_DIVE_LP_SHARE * time_limit
        dive_end = LONG_DIVE_END_SHARE * time_limit
        colgen_thread = threading.Thread(
            target=run_colgen, args=(s, lp_end, dive_end, round_ends), kwargs={"dive": True}
        )
    elif strategy.colgen:
        # Column generation spans the LNS rounds (joined at the end): at least
        # COLGEN_MIN_SHARE of the time after the row re-planning, to COLGEN_END_SHARE
        # at least, never past COLGEN_MAX_END; then the integer choice.
        now = clock.elapsed()
        end = min(
            COLGEN_MAX_END * time_limit,
            max(COLGEN_END_SHARE * time_limit, now + COLGEN_MIN_SHARE * time_limit),
        )
        choice_end = min(time_limit - 0.5, end + COLGEN_CHOICE_SHARE * time_limit)
        colgen_thread = threading.Thread(target=run_colgen, args=(s, end, choice_end, round_ends))
    if stop is not None:
        # An external stop (a user's "cancel") ends every phase like reaching the time limit.
        def relay() -> None:
            while not s.stop.is_set():
                if stop.wait(0.2):
                    s.stop.set()

        threading.Thread(target=relay, daemon=True).start()
    for t in threads:
        t.start()
    if colgen_thread is not None:
        colgen_thread.start()
    for t in threads:
        t.join()
    if strategy.portfolio and strategy.late_colgen and not s.stop.is_set():
        # The weekend phases run one CP-SAT worker: column generation takes the other core.
        colgen_thread = threading.Thread(
            target=run_portfolio_colgen, args=(s, time_limit - finish_reserve - 0.2)
        )
        colgen_thread.start()
    if strategy.portfolio and PORTFOLIO_WEEKEND_SHARE:
        # The end of the time goes to the weekends (Friday to Monday, then wider) of the
        # incumbent, re-solved for everybody: CP-SAT's own neighbourhoods never open all
        # weekends at once (Instance12 after 60 s of portfolio: 5 647 -> 5 249 in 3.8 s;
        # Instance8 1 734 -> 1 544 in 0.3 s). The portfolio is not restarted afterwards:
        # a restart loses its bound subsolvers' progress (Instance9 544 vs 468).
        for margin in (1, 2, 3):
            if s.stop.is_set() or clock.left() < 0.5:
                break
            weekend_phase(s, clock.left(), margin)
    worth_it = True
    late_thread: threading.Thread | None = None
    #: Set while no weekend phase runs (the late column generation's LNS waits for it).
    phase_done = threading.Event()
    for round_end in round_ends[1:]:
        phase_done.clear()
        if strategy.block_bound and late_thread is None and not s.stop.is_set():
            # The same place as the late column generation: the core the weekend phase
            # leaves idle, then one LNS thread's, to the end of this round at most.
            late_end = min(round_end, clock.elapsed() + BLOCK_BOUND_SHARE * time_limit)
            late_thread = threading.Thread(target=run_block_bound, args=(s, late_end), daemon=True)
            late_thread.start()
        if strategy.late_colgen and late_thread is None and not s.stop.is_set():
            # The weekend phase runs one CP-SAT worker: column generation takes the other
            # core, then one LNS thread's place (the thread becomes LNS when it is done).
            late_end = min(round_end, clock.elapsed() + LATE_COLGEN_SHARE * time_limit)
            late_thread = threading.Thread(
                target=run_late_colgen, args=(s, late_end, phase_done, round_ends), daemon=True
            )
            late_thread.start()
        if worth_it and not s.stop.is_set():
            before = s.best_obj or 0
            phase_end = clock.elapsed() + min(WEEKEND_PHASE_SECONDS, round_end - clock.elapsed())
            gain = 0
            for i, margin in enumerate(WEEKEND_PHASE_MARGINS):
                share = (phase_end - clock.elapsed()) / (len(WEEKEND_PHASE_MARGINS) - i)
                gain += weekend_phase(s, share, margin, WEEKEND_ROUND_CELLS)
            # Where weekends are not what limits the roster (Instance18: the weekend
            # sub-model is already optimal), later rounds are all LNS.
            worth_it = gain >= WEEKEND_PHASE_MIN_GAIN * before
        phase_done.set()
        k = n_lns
        if late_thread is not None and late_thread.is_alive():
            k = max(1, n_lns - 1)
        lns_threads = [threading.Thread(target=run_lns, args=(s, round_end)) for _ in range(k)]
        for t in lns_threads:
            t.start()
        for t in lns_threads:
            t.join()
    if colgen_thread is not None:
        colgen_thread.join()
    if late_thread is not None:
        late_thread.join()
    if s.infeasible:
        status = "infeasible"
    if s.best is not None:
        status = "optimal" if s.optimal else "feasible"
    result = SolveResult(status=status, roster=None, objective=None, bound=s.bound)  # type: ignore[arg-type]
    if s.optimal and s.best_obj is not None:
        result.bound = float(s.best_obj)
    if result.bound is not None:
        result.bound_source = s.bound_source or "cp-sat"
    if s.best is not None:
        obj, totals, viol = breakdown(ix, s.best)
        result.roster = ix.to_roster(s.best)
        result.objective = obj
        result.breakdown = totals
        result.violations = viol
    elif status == "infeasible":
        result.diagnosis = diagnose(ix, max(1.0, min(10.0, time_limit)))
    result.time_to_first = s.first_time
    result.wall_time = clock.elapsed()
    result.stats = s.stats
    return result
