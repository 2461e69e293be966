"""Column generation (issue 18): the LP over whole rows, its lower bound, and an integer
roster chosen among the columns (:func:`choose_columns`) or by diving on the master
(:func:`dive`); ``solver.solve`` runs it with a dive first on four-week horizons
(strategy ``portfolio+dive``), on six-week horizons (``colgen+lns+weekends``) and, late
in the search and for the bound only, on horizons up to ``solver.LATE_COLGEN_MAX_DAYS``
(``+lns+weekends+lpbound``).

A *column* is one person's whole row. The restricted master LP chooses a convex mix of
rows per person (convexity: Σ λ = 1 per person) so that the cover lines are met, with the
missing and extra people as slack variables priced by the instance's under/over weights::

    min  Σ cost(row)·λ  +  Σ_c wu_c·u_c + wo_c·o_c
    s.t. Σ_rows [row counts in c]·λ + u_c − o_c = R_c     (dual π_c ∈ [−wo_c, wu_c])
         Σ_rows of e λ = 1                               (dual σ_e)

``cost(row)`` is the row's own part of the objective (requests, stability), an integer.

**Pricing** (:mod:`.pricing`) finds, per person, the row of least reduced cost by an exact DP
with Lagrange multipliers on what its state does not count, or by the one-row CP-SAT model.

**Lower bound**: for any cover prices π in [−wo, wu],
``L(π) = Σ_c π_c R_c + Σ_e min_row f_e(row)`` is a lower bound on every roster's
objective (Lagrangian relaxation of the cover lines); with the master's duals it equals
the LP value plus the sum of the negative reduced costs. Any lower bound on each
person's minimum may replace the minimum, so the bound stays valid whether pricing was
exact or not, and since the objective is integral it is rounded up.

**Stabilisation**: Wentges smoothing — pricing at ``α·π̂ + (1 − α)·π_RMP`` where π̂ is the
point with the best bound so far, α adjusted every round from the Lagrangian's
subgradient at the pricing point (Pessoa, Sadykov, Uchoa & Vanderbeck 2018: less
smoothing when the Lagrangian rises towards π_RMP, more when it falls); after a
mis-pricing (no column with negative reduced cost at the master's duals) the next round
prices at the master's duals. The rounds' bounds are only as good as the person
minimums: each person's pricing starts from the multipliers of its best bound of the
previous round (not the last subgradient iterate, which can be far off) and is never
below :meth:`Person.hours_bound`. While many columns come per round, pricing takes few
subgradient steps; a share of the time limit (``final_share``) is kept for one careful
bound at the last duals if the LP is not solved by then, and the rounds may end
earlier once neither the bound nor the LP value moves (``stall_rounds``).

Not modelled yet (the master raises :class:`Unsupported`): capacities, split teams,
fairness and hard cover minimums, i.e. the global rules other than cover.

Modules: :mod:`.rowdp` (the exact row DP), :mod:`.pricing` (a person's pricing
problem, Lagrangian pricing by the DP, exact pricing by CP-SAT), :mod:`.master` (the
restricted master LP), :mod:`.run` (the loop: :func:`column_generation`, smoothing, the
final bound), :mod:`.choice` (:func:`choose_columns`), :mod:`.messages` (pricing as
plain-data messages), :mod:`.pool` (those messages answered by worker processes:
``column_generation(processes=N)``), :mod:`.dive` (a roster by diving on the master:
``column_generation(dive_time=...)``). :mod:`.blocks` is a separate bound for long
horizons (column generation over two-week blocks, ``block_bound``; imported from there).
Every public name of the others is re-exported here.
"""

from __future__ import annotations

from .choice import (
    IntegerChoice,
    choose_columns,
)
from .common import (
    EXACT_TOL,
    NEG_INF,
    RC_EPS,
    FloatArray,
    Row,
    Unsupported,
)
from .dive import (
    Dive,
    dive,
)
from .master import (
    Master,
)
from .messages import (
    PricingAnswer,
    PricingTask,
    PricingWorker,
    prices_of,
    pricing_task,
)
from .pool import (
    PricingPool,
)
from .pricing import (
    CPSAT_SCALE,
    Column,
    DualGains,
    Person,
    Priced,
    _repaired,
    _resources_ok,
    _runs_ok,
    _step_batch,
    _Subgradient,
    price_cpsat,
    price_dp,
    price_dp_batch,
)
from .rowdp import (
    STATE_BUDGET,
    RowDP,
)
from .run import (
    BATCH_MAX,
    COLUMNS_PER_PERSON,
    FINAL_STEPS,
    STALL_TOL,
    ColgenResult,
    Iteration,
    _ceil,
    _Round,
    _Run,
    column_generation,
)

__all__ = [
    "BATCH_MAX",
    "COLUMNS_PER_PERSON",
    "CPSAT_SCALE",
    "EXACT_TOL",
    "FINAL_STEPS",
    "NEG_INF",
    "RC_EPS",
    "STALL_TOL",
    "STATE_BUDGET",
    "ColgenResult",
    "Column",
    "Dive",
    "DualGains",
    "FloatArray",
    "IntegerChoice",
    "Iteration",
    "Master",
    "Person",
    "Priced",
    "PricingAnswer",
    "PricingPool",
    "PricingTask",
    "PricingWorker",
    "Row",
    "RowDP",
    "Unsupported",
    "_Round",
    "_Run",
    "_Subgradient",
    "_ceil",
    "_repaired",
    "_resources_ok",
    "_runs_ok",
    "_step_batch",
    "choose_columns",
    "column_generation",
    "dive",
    "price_cpsat",
    "price_dp",
    "price_dp_batch",
    "prices_of",
    "pricing_task",
]
