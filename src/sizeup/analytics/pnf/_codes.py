"""Codes, sentinels and named results of the point-and-figure engine (no numba).

The numba kernels (:mod:`sizeup.analytics.pnf._kernel`) and the plain-Python engine
(:mod:`sizeup.analytics.pnf._reference`) share these definitions; this module imports only
numpy, so a single chart drawn by the Python engine never loads numba.

Codes are :class:`Action` and :class:`Status` (IntEnum); the kernels use the plain ``int``
constants (``ACT_*``, ``STATUS_*``), which numba folds like literals. The kernels return named
tuples (:class:`KernelResult`, :class:`TrendLine`), which numba builds and reads in nopython
mode like plain tuples.
"""

from __future__ import annotations

import math
from enum import IntEnum
from typing import Final, NamedTuple

import numpy as np
import numpy.typing as npt

__all__ = [
    "ACT_NONE",
    "ACT_O",
    "ACT_REV_O_TO_X",
    "ACT_REV_X_TO_O",
    "ACT_X",
    "NO_BOX",
    "NO_LINE",
    "STATUS_BEAR_CONFIRMED",
    "STATUS_BEAR_CORRECTION",
    "STATUS_BULL_CONFIRMED",
    "STATUS_BULL_CORRECTION",
    "STATUS_NONE",
    "Action",
    "KernelResult",
    "PriceRange",
    "Status",
    "TrendLine",
    "price_range",
]

NO_BOX: Final = int(np.iinfo(np.int32).min)
"""Sentinel of ``bar_box`` before the first column (the int32 minimum)."""
NO_LINE: Final = int(np.iinfo(np.int32).min)
"""Sentinel of ``bar_trend_line`` while no trend line is active (the int32 minimum)."""


class Action(IntEnum):
    """What a bar did to the chart (the ``action`` field; bits 0-2 of the packed flag)."""

    NONE = 0
    X = 1  # start or extend a column of X
    O = 2  # start or extend a column of O  # noqa: E741
    REV_O_TO_X = 3
    REV_X_TO_O = 4


class Status(IntEnum):
    """Signal in effect and column direction (the ``status`` field; ``STATUS_NAMES`` order)."""

    NONE = 0
    BULL_CONFIRMED = 1  # buy signal, column of X
    BULL_CORRECTION = 2  # buy signal, column of O
    BEAR_CONFIRMED = 3  # sell signal, column of O
    BEAR_CORRECTION = 4  # sell signal, column of X


ACT_NONE: Final = int(Action.NONE)
ACT_X: Final = int(Action.X)
ACT_O: Final = int(Action.O)
ACT_REV_O_TO_X: Final = int(Action.REV_O_TO_X)
ACT_REV_X_TO_O: Final = int(Action.REV_X_TO_O)
STATUS_NONE: Final = int(Status.NONE)
STATUS_BULL_CONFIRMED: Final = int(Status.BULL_CONFIRMED)
STATUS_BULL_CORRECTION: Final = int(Status.BULL_CORRECTION)
STATUS_BEAR_CONFIRMED: Final = int(Status.BEAR_CONFIRMED)
STATUS_BEAR_CORRECTION: Final = int(Status.BEAR_CORRECTION)


class KernelResult(NamedTuple):
    """What the chart kernel returns besides the arrays it fills (numba builds it as is)."""

    columns: int
    """Number of columns (rows of the per-column arrays that are filled)."""
    ref_up: int
    """Starting box ``up(C0)``: the highest box at or below the first reference price."""
    ref_dn: int
    """Starting box ``dn(C0)``: the lowest box at or above the first reference price."""


class TrendLine(NamedTuple):
    """Anchor of a trend line: the level ``level`` at column ``column`` (slope one box)."""

    column: int
    level: int


class PriceRange(NamedTuple):
    """Smallest and largest finite price and the number of infinite prices."""

    low: float
    high: float
    infinities: int


def price_range(values: npt.NDArray[np.float64]) -> PriceRange:
    """Smallest and largest finite value and the number of infinities.

    ``(inf, -inf, k)`` when there is no finite value. Accepts arrays of any shape and order.
    NaN-ignoring reductions (``fmin``/``fmax``) make it one pass when there is no infinity.

    Examples
    --------
    >>> price_range(np.array([3.0, np.nan, 1.0, np.inf]))
    PriceRange(low=1.0, high=3.0, infinities=1)
    """
    a = np.asarray(values, dtype=np.float64).ravel(order="K")
    if a.size == 0:
        return PriceRange(math.inf, -math.inf, 0)
    ninf = int(np.count_nonzero(np.isinf(a)))
    if ninf:
        a = a[np.isfinite(a)]
        if a.size == 0:
            return PriceRange(math.inf, -math.inf, ninf)
    lo = float(np.fmin.reduce(a))
    if math.isnan(lo):  # every value is NaN
        return PriceRange(math.inf, -math.inf, ninf)
    return PriceRange(lo, float(np.fmax.reduce(a)), ninf)
