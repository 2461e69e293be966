"""Types and tolerances shared by the column-generation modules."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Row = tuple[int, ...]
FloatArray = NDArray[np.float64]
NEG_INF = float("-inf")
#: Reduced cost below which a row is worth adding (cost units are integral).
RC_EPS = 1e-6
#: A pricing bound this close to the best row found counts as exact (far below the
#: integral cost unit, so the rounded bound cannot change).
EXACT_TOL = 1e-3


class Unsupported(ValueError):
    """The problem has a rule the column-generation stage does not model yet."""
