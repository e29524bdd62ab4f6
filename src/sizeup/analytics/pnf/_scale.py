"""Point-and-figure box scales on one integer box-index grid.

Every scale is a strictly increasing grid of box levels ``L[i]`` indexed by integers ``i``. The
chart engine works only in index space; a scale maps prices to indices and indices back to prices.

Box mapping (docs/methods.md §P3):

- upward fill ``up(P) = max{i : L[i] <= P}`` (fractions are dropped),
- downward fill ``dn(P) = min{i : L[i] >= P}``.

Floating point: a price within a relative ``REL_EPS = 1e-9`` of a level counts as *on* the level,
i.e. ``up(P) = max{i : L[i] <= P + REL_EPS*|P|}`` and ``dn(P) = min{i : L[i] >= P - REL_EPS*|P|}``.
This keeps prices such as ``1.01**5`` (computed by the caller) on the 1 % grid level 5 although the
two floats differ in the last bits. 1e-9 is far below any real tick (a 1-cent tick on a $10,000
price is 1e-6) and far above double rounding error (~1e-16).

Scales (docs/methods.md §P2):

- :class:`TraditionalScale` -- the ChartCraft/Dorsey table: ``"stockcharts"`` (current table
  including the 2022 1,000–2,500 → 10 row), ``"stockcharts-2009"`` (the older table, 1,000–25,000
  → 50) and ``"dwa"`` (DWA 1999 manual: 0–5 → 0.25, 5–20 → 0.5, 20–100 → 1, 100+ → 2). Index 0 is
  the price 0; within each range the levels are integer multiples of that range's box.
- :class:`PercentScale` -- ``L[i] = (1+p)**i`` with the fixed anchor ``L[0] = 1`` (``i`` may be
  negative), so charts are reproducible and comparable across start dates.
- :class:`FixedScale` -- ``L[i] = i * box`` (anchored at 0, negative indices allowed).
- :class:`LevelsScale` -- an explicit sorted list of levels (e.g. another program's grid).
- :class:`AtrSpec` -- a fixed box equal to the average true range; resolved to a
  :class:`FixedScale` from data up to a stated date only (see :func:`atr_box`).

Levels and box indices are computed from ``(kind, params)`` in plain Python / numpy for arrays
up to :data:`PURE_MAX` and by the numba twins in :mod:`sizeup.analytics.pnf._scale_jit` beyond
(same operations, so the same floats; a single chart never loads numba);
:func:`kernel_grid` turns a scale into the table of levels the chart kernel reads (same floats),
covering prices 1e-6 .. 1e9 on percentage grids, 0 .. 1e6 on traditional grids, the list itself
for explicit grids and the data's range for fixed grids.
"""

from __future__ import annotations

import bisect
import math
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from sizeup.errors import ConfigError, DataError

__all__ = [
    "KIND_FIXED",
    "KIND_LEVELS",
    "KIND_PERCENT",
    "KIND_PIECEWISE",
    "PERCENT_PRICE_RANGE",
    "PURE_MAX",
    "REL_EPS",
    "RS_BOX_DEFAULT",
    "RS_BOX_HALF",
    "TABLE_MAX",
    "TRADITIONAL_PRICE_MAX",
    "AtrSpec",
    "BoxScale",
    "FixedScale",
    "Grid",
    "LevelsScale",
    "PercentScale",
    "TraditionalScale",
    "atr_box",
    "grid_bounds",
    "indices_of",
    "kernel_grid",
    "levels_of",
    "parse_box_spec",
]

REL_EPS: Final = 1e-9
"""Relative tolerance under which a price counts as sitting on a box level."""

KIND_FIXED: Final = 0
KIND_PERCENT: Final = 1
KIND_PIECEWISE: Final = 2
KIND_LEVELS: Final = 3

RS_BOX_DEFAULT: Final = 0.065
"""DWA default relative-strength box (6.5 %), docs/methods.md §P8."""
RS_BOX_HALF: Final = 0.0325
"""DWA's alternative relative-strength box (3.25 %), docs/methods.md §P8."""

TraditionalTable = Literal["stockcharts", "stockcharts-2009", "dwa"]

# (range start, box size) rows; each range runs to the next start, the last one is open.
_TABLES: Final[dict[str, tuple[tuple[float, float], ...]]] = {
    "stockcharts": (
        (0.0, 0.0625),
        (0.25, 0.125),
        (1.0, 0.25),
        (5.0, 0.5),
        (20.0, 1.0),
        (100.0, 2.0),
        (200.0, 4.0),
        (500.0, 5.0),
        (1000.0, 10.0),
        (2500.0, 50.0),
        (25000.0, 500.0),
    ),
    "stockcharts-2009": (
        (0.0, 0.0625),
        (0.25, 0.125),
        (1.0, 0.25),
        (5.0, 0.5),
        (20.0, 1.0),
        (100.0, 2.0),
        (200.0, 4.0),
        (500.0, 5.0),
        (1000.0, 50.0),
        (25000.0, 500.0),
    ),
    "dwa": (
        (0.0, 0.25),
        (5.0, 0.5),
        (20.0, 1.0),
        (100.0, 2.0),
    ),
}

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


_INF = math.inf


# --------------------------------------------------------------------------------------------
# scale arithmetic: plain Python / numpy for small arrays, numba (``_scale_jit``) for large ones


def _exp(x: float) -> float:
    """``math.exp`` that overflows to ``inf`` (as numba's does) instead of raising."""
    try:
        return math.exp(x)
    except OverflowError:
        return _INF


def _level_py(kind: int, params: tuple[float, ...], i: int) -> float:
    """Level of box ``i``: the arithmetic of ``_scale_jit._level``, operation for operation."""
    if kind == KIND_FIXED:
        return float(i) * params[0]
    if kind == KIND_PERCENT:
        return _exp(float(i) * params[0])
    if kind == KIND_PIECEWISE:
        if i < 0:
            return -_INF
        nrow = int(params[0])
        s = nrow - 1
        while s > 0 and params[1 + 2 * nrow + s] > i:
            s -= 1
        return params[1 + s] + (float(i) - params[1 + 2 * nrow + s]) * params[1 + nrow + s]
    if i < 0:
        return -_INF
    if i >= len(params):
        return _INF
    return params[i]


def _up_py(kind: int, params: tuple[float, ...], x: float) -> int:
    """max{i : L[i] <= x} (x already carries the tolerance), as ``_scale_jit._up``."""
    if kind == KIND_LEVELS:
        return bisect.bisect_right(params, x) - 1
    if kind == KIND_FIXED:
        g = math.floor(x / params[0])
    elif kind == KIND_PERCENT:
        g = math.floor(math.log(x) / params[0])
    else:
        if x < 0.0:
            return -1
        nrow = int(params[0])
        s = nrow - 1
        while s > 0 and params[1 + s] > x:
            s -= 1
        g = int(params[1 + 2 * nrow + s]) + math.floor((x - params[1 + s]) / params[1 + nrow + s])
    i = int(g)
    while _level_py(kind, params, i + 1) <= x:
        i += 1
    while _level_py(kind, params, i) > x:
        i -= 1
    return i


def _dn_py(kind: int, params: tuple[float, ...], x: float) -> int:
    """min{i : L[i] >= x} (x already carries the tolerance), as ``_scale_jit._dn``."""
    if kind == KIND_LEVELS:
        return bisect.bisect_left(params, x)
    if kind == KIND_FIXED:
        g = math.ceil(x / params[0])
    elif kind == KIND_PERCENT:
        g = math.ceil(math.log(x) / params[0])
    else:
        if x <= 0.0:
            return 0
        nrow = int(params[0])
        s = nrow - 1
        while s > 0 and params[1 + s] > x:
            s -= 1
        g = int(params[1 + 2 * nrow + s]) + math.ceil((x - params[1 + s]) / params[1 + nrow + s])
    i = int(g)
    while _level_py(kind, params, i - 1) >= x:
        i -= 1
    while _level_py(kind, params, i) < x:
        i += 1
    return i


PURE_MAX: Final = 1 << 16
"""Arrays up to this length are mapped without numba (same floats and indices as numba)."""


def _levels_np(
    idx: npt.NDArray[np.int64], kind: int, params: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Vectorised ``_level_py`` (elementwise the same operations, so the same floats)."""
    if kind == KIND_PERCENT:
        step = float(params[0])
        return np.fromiter((_exp(float(i) * step) for i in idx.tolist()), np.float64, idx.shape[0])
    if kind == KIND_FIXED:
        fixed: FloatArray = idx.astype(np.float64) * float(params[0])
        return fixed
    if kind == KIND_LEVELS:
        n = params.shape[0]
        out = np.full(idx.shape[0], _INF)
        out[idx < 0] = -_INF
        inside = (idx >= 0) & (idx < n)
        out[inside] = params[idx[inside]]
        return out
    nrow = int(params[0])
    starts = params[1 : 1 + nrow]
    boxes = params[1 + nrow : 1 + 2 * nrow]
    first = params[1 + 2 * nrow : 1 + 3 * nrow]
    row = np.maximum(np.searchsorted(first, idx, side="right") - 1, 0)
    out = starts[row] + (idx.astype(np.float64) - first[row]) * boxes[row]
    out[idx < 0] = -_INF
    return out


def indices_of(
    prices: npt.NDArray[np.float64],
    kind: int,
    params: npt.NDArray[np.float64],
    up: bool,
    eps: float,
) -> npt.NDArray[np.int64]:
    """Box index of each (finite) price: ``up`` or ``dn`` fill with relative tolerance ``eps``.

    Up to :data:`PURE_MAX` prices are mapped in plain Python, more by numba; both give the
    same indices.
    """
    if prices.shape[0] > PURE_MAX:
        from sizeup.analytics.pnf._scale_jit import jit_indices_of

        out: npt.NDArray[np.int64] = jit_indices_of(prices, kind, params, up, eps)
        return out
    p = tuple(float(v) for v in params)
    if up:
        got = [_up_py(kind, p, x + eps * abs(x)) for x in prices.tolist()]
    else:
        got = [_dn_py(kind, p, x - eps * abs(x)) for x in prices.tolist()]
    return np.asarray(got, dtype=np.int64).reshape(prices.shape[0])


def levels_of(
    idx: npt.NDArray[np.int64], kind: int, params: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Price level of each box index.

    Up to :data:`PURE_MAX` indices are computed with numpy / plain Python, more by numba;
    both give the same floats (the same operations in the same order).
    """
    if idx.shape[0] > PURE_MAX:
        from sizeup.analytics.pnf._scale_jit import jit_levels_of

        out: npt.NDArray[np.float64] = jit_levels_of(idx, kind, params)
        return out
    return _levels_np(np.asarray(idx, dtype=np.int64), kind, np.asarray(params, np.float64))


PERCENT_PRICE_RANGE: Final = (1e-6, 1e9)
"""Prices a percentage-grid chart accepts (its level table covers them)."""
TRADITIONAL_PRICE_MAX: Final = 1e6
"""Highest price a traditional-scale chart accepts."""
TABLE_MAX: Final = 1 << 23
"""Most levels a kernel table may hold (64 MiB)."""

Grid = tuple[npt.NDArray[np.float64], int, float, float]
"""``(table, offset, pmin, pmax)``: ``table[j] = L[j + offset]``, valid for prices in
``[pmin, pmax]``."""


def grid_bounds(kind: int, params: npt.NDArray[np.float64]) -> tuple[float, float]:
    """Return the closed price range a scale supports (fixed grids: any)."""
    if kind == 1:
        return PERCENT_PRICE_RANGE
    if kind == 2:
        return (0.0, TRADITIONAL_PRICE_MAX)
    if kind == 3:
        return (float(params[0]), float(params[-1]))
    return (-math.inf, math.inf)


def _table(kind: int, params: npt.NDArray[np.float64], lo: int, hi: int) -> Any:
    if hi - lo + 1 > TABLE_MAX:
        raise ConfigError(
            f"the box grid would need {hi - lo + 1:,} levels over the price range (more than "
            f"{TABLE_MAX:,}); use a larger box"
        )
    tab = levels_of(np.arange(lo, hi + 1, dtype=np.int64), kind, params)
    tab.setflags(write=False)
    return tab


@lru_cache(maxsize=32)
def _shared_grid(kind: int, key: bytes, pad: int) -> Grid:
    params = np.frombuffer(key, dtype=np.float64)
    p_lo, p_hi = grid_bounds(kind, params)
    if kind == 3:
        lo, hi = -pad, params.shape[0] - 1 + pad
    else:
        p = tuple(float(v) for v in params)
        lo = (_dn_py(kind, p, p_lo) if kind == KIND_PERCENT else 0) - pad
        hi = _up_py(kind, p, p_hi) + pad
    return _table(kind, params, lo, hi), lo, p_lo, p_hi


def kernel_grid(
    kind: int,
    params: npt.NDArray[np.float64],
    reversal: int,
    *,
    price_min: float | None = None,
    price_max: float | None = None,
) -> Grid:
    """Level table the chart kernel works on.

    Parameters
    ----------
    kind, params
        The scale (``BoxScale.kind``, ``BoxScale.params()``).
    reversal
        Reversal in boxes; the table extends ``reversal + 2`` boxes beyond the supported prices
        so every threshold the kernel reads is in the table.
    price_min, price_max
        Price range of the data, needed for fixed grids (which have no natural bounds).

    Returns
    -------
    Grid
        ``(table, offset, pmin, pmax)`` with ``table[j] = L[j + offset]`` computed by the
        scale's own formula (the same floats as :func:`levels_of`). The kernel skips bars with a
        price outside ``[pmin, pmax]``; the chart front doors reject such data instead.
    """
    p = np.ascontiguousarray(params, dtype=np.float64)
    pad = int(reversal) + 2
    if kind != 0:
        return _shared_grid(int(kind), p.tobytes(), pad)
    box = float(p[0])
    if (
        price_min is None
        or price_max is None
        or not (math.isfinite(price_min) and math.isfinite(price_max) and price_min <= price_max)
    ):
        price_min = price_max = 0.0
    lo = math.floor(price_min / box) - pad
    hi = math.ceil(price_max / box) + pad
    return _table(kind, p, lo, hi), lo, float(price_min), float(price_max)


class BoxScale(ABC):
    """A strictly increasing grid of box levels indexed by integers.

    Subclasses define :meth:`level` (pure Python, used by the reference implementation) and the
    pair ``kind`` / :meth:`params` that the numba kernel uses to compute the same levels.
    """

    kind: int

    @abstractmethod
    def level(self, i: int) -> float:
        """Price level of box index ``i`` (``-inf``/``+inf`` outside a finite grid)."""

    @abstractmethod
    def params(self) -> FloatArray:
        """Float parameters that describe the grid to the numba kernel."""

    @property
    @abstractmethod
    def name(self) -> str:
        """Short human-readable name, e.g. ``"1%"`` or ``"traditional"``."""

    @property
    def positive_only(self) -> bool:
        """Whether the grid is defined for positive prices only."""
        return False

    def levels(self, idx: npt.ArrayLike) -> FloatArray:
        """Vectorised :meth:`level` (same floats as the kernel)."""
        arr = np.ascontiguousarray(np.asarray(idx, dtype=np.int64).ravel())
        out = levels_of(arr, self.kind, self.params())
        return np.asarray(out).reshape(np.shape(idx))

    def index_up(self, prices: npt.ArrayLike) -> IntArray:
        """``up(P) = max{i : L[i] <= P}`` (with the :data:`REL_EPS` tolerance), vectorised."""
        return self._map(prices, up=True)

    def index_dn(self, prices: npt.ArrayLike) -> IntArray:
        """``dn(P) = min{i : L[i] >= P}`` (with the :data:`REL_EPS` tolerance), vectorised."""
        return self._map(prices, up=False)

    def box_size(self, i: int) -> float:
        """Price distance from level ``i`` to level ``i + 1``."""
        return self.level(i + 1) - self.level(i)

    def _map(self, prices: npt.ArrayLike, *, up: bool) -> IntArray:
        arr = np.asarray(prices, dtype=np.float64)
        flat = np.ascontiguousarray(arr.ravel())
        if not np.all(np.isfinite(flat)):
            raise DataError(f"{self.name} scale: prices must be finite to map to box indices")
        if self.positive_only and flat.size and float(flat.min()) <= 0.0:
            raise DataError(
                f"{self.name} scale: prices must be > 0, got minimum {float(flat.min())!r}"
            )
        out = indices_of(flat, self.kind, self.params(), up, REL_EPS)
        return np.asarray(out, dtype=np.int64).reshape(arr.shape)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class FixedScale(BoxScale):
    """Fixed box size anchored at 0: ``L[i] = i * box``.

    Parameters
    ----------
    box
        Box size in price units (> 0).
    """

    box: float
    kind: int = field(default=KIND_FIXED, init=False, repr=False)

    def __post_init__(self) -> None:
        if not (math.isfinite(self.box) and self.box > 0):
            raise ConfigError(f"fixed box size must be a positive number, got {self.box!r}")

    def level(self, i: int) -> float:
        """Price of box ``i``."""
        return float(i) * self.box

    def params(self) -> FloatArray:
        """``[box]``."""
        return np.array([self.box], dtype=np.float64)

    @property
    def name(self) -> str:
        """E.g. ``"fixed 2"``."""
        return f"fixed {self.box:g}"


@dataclass(frozen=True)
class PercentScale(BoxScale):
    """Percentage (logarithmic) boxes ``L[i] = (1 + pct)**i`` anchored at ``L[0] = 1``.

    Parameters
    ----------
    pct
        Box size as a decimal fraction (0.01 = 1 %).

    Notes
    -----
    Levels are computed as ``exp(i * log1p(pct))``. A 3-box reversal needs a move of
    ``(1+pct)**3 - 1`` (20.8 % on a 6.5 % grid, where DWA's text quotes the additive 19.5 %).
    """

    pct: float
    kind: int = field(default=KIND_PERCENT, init=False, repr=False)

    def __post_init__(self) -> None:
        if not (math.isfinite(self.pct) and 1e-4 <= self.pct <= 1.0):
            raise ConfigError(
                "percentage box must be a decimal fraction in [0.0001, 1] (0.01 % .. 100 %), "
                f"got {self.pct!r}"
            )

    @property
    def log_step(self) -> float:
        """``log1p(pct)``."""
        return math.log1p(self.pct)

    def level(self, i: int) -> float:
        """Price of box ``i``."""
        return math.exp(float(i) * self.log_step)

    def params(self) -> FloatArray:
        """``[log1p(pct)]``."""
        return np.array([self.log_step], dtype=np.float64)

    @property
    def positive_only(self) -> bool:
        """Percentage grids need positive prices."""
        return True

    @property
    def name(self) -> str:
        """E.g. ``"1%"``."""
        return f"{self.pct * 100:g}%"


@dataclass(frozen=True)
class TraditionalScale(BoxScale):
    """The ChartCraft/Dorsey "traditional" variable box table.

    Parameters
    ----------
    table
        ``"stockcharts"`` (current StockCharts table with the 2022 1,000–2,500 → 10 row),
        ``"stockcharts-2009"`` (older StockCharts table, 1,000–25,000 → 50) or ``"dwa"``
        (DWA 1999 manual: 0–5 → 0.25, 5–20 → 0.5, 20–100 → 1, 100+ → 2).

    Notes
    -----
    Index 0 is the price 0; within each range the levels are integer multiples of that range's box
    (…, 19.5, 20, 21, …, 99, 100, 102, …). Every range boundary is a level. docs/methods.md §P2.1.
    """

    table: TraditionalTable = "stockcharts"
    kind: int = field(default=KIND_PIECEWISE, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.table not in _TABLES:
            raise ConfigError(
                f"traditional table must be one of {sorted(_TABLES)}, got {self.table!r}"
            )

    @cached_property
    def _rows(self) -> tuple[list[float], list[float], list[int]]:
        rows = _TABLES[self.table]
        starts = [r[0] for r in rows]
        boxes = [r[1] for r in rows]
        first = [0]
        for s in range(len(rows) - 1):
            n_boxes = (starts[s + 1] - starts[s]) / boxes[s]
            first.append(first[-1] + round(n_boxes))
        return starts, boxes, first

    def level(self, i: int) -> float:
        """Price of box ``i`` (``-inf`` for negative indices)."""
        if i < 0:
            return -math.inf
        starts, boxes, first = self._rows
        s = 0
        while s + 1 < len(first) and first[s + 1] <= i:
            s += 1
        return starts[s] + float(i - first[s]) * boxes[s]

    def params(self) -> FloatArray:
        """``[n_rows, starts..., boxes..., first_index...]``."""
        starts, boxes, first = self._rows
        return np.array(
            [float(len(starts)), *starts, *boxes, *[float(f) for f in first]], dtype=np.float64
        )

    @property
    def positive_only(self) -> bool:
        """Traditional grids need positive prices."""
        return True

    @property
    def name(self) -> str:
        """``"traditional"``, ``"traditional-2009"`` or ``"traditional-dwa"``."""
        return {"stockcharts": "traditional", "stockcharts-2009": "traditional-2009"}.get(
            self.table, "traditional-dwa"
        )


@dataclass(frozen=True, eq=False)
class LevelsScale(BoxScale):
    """An explicit, strictly increasing list of box levels; index ``i`` is ``levels[i]``.

    Parameters
    ----------
    values
        The levels. Outside the list ``level(-1) = -inf`` and ``level(len) = +inf``, so a chart
        can never fill a box beyond the grid; the chart front door rejects prices outside it.
    """

    values: tuple[float, ...]
    kind: int = field(default=KIND_LEVELS, init=False, repr=False)

    def __post_init__(self) -> None:
        arr = np.asarray(self.values, dtype=np.float64)
        if arr.ndim != 1 or arr.size < 2:
            raise ConfigError(f"explicit box levels need at least 2 values, got {arr.size}")
        if not np.all(np.isfinite(arr)) or not np.all(np.diff(arr) > 0):
            raise ConfigError("explicit box levels must be finite and strictly increasing")

    @classmethod
    def from_array(cls, levels: npt.ArrayLike) -> LevelsScale:
        """Build from any 1-D array of levels."""
        return cls(tuple(float(v) for v in np.asarray(levels, dtype=np.float64).ravel()))

    def level(self, i: int) -> float:
        """Price of box ``i``."""
        if i < 0:
            return -math.inf
        if i >= len(self.values):
            return math.inf
        return self.values[i]

    def params(self) -> FloatArray:
        """Return the levels themselves."""
        return np.asarray(self.values, dtype=np.float64)

    @property
    def name(self) -> str:
        """E.g. ``"levels(812)"``."""
        return f"levels({len(self.values)})"


@dataclass(frozen=True)
class AtrSpec:
    """A fixed box equal to the average true range over ``n`` bars, resolved without look-ahead.

    Parameters
    ----------
    n
        Number of true ranges averaged (StockCharts' example uses 20).

    Notes
    -----
    Rule **[PROP]** (docs/methods.md §P2.5): the box is the simple mean of the ``n`` true ranges
    that
    end at the chart's first bar (``TR_t = max(H_t - L_t, |H_t - C_{t-1}|, |L_t - C_{t-1}|)``;
    ``|C_t - C_{t-1}|`` for close-only data) and is then frozen for the whole chart. Without an
    explicit start date the chart starts on bar ``n`` (the first bar on which the ATR is known).
    Never a full-sample ATR: a chart built on data up to ``t`` is a prefix of one built on more.
    """

    n: int = 20

    def __post_init__(self) -> None:
        if self.n < 1:
            raise ConfigError(f"ATR length must be >= 1, got {self.n!r}")

    @property
    def name(self) -> str:
        """E.g. ``"atr:20"``."""
        return f"atr:{self.n}"


def atr_box(
    high: npt.ArrayLike | None,
    low: npt.ArrayLike | None,
    close: npt.ArrayLike,
    *,
    n: int,
    end: int,
) -> float:
    """Mean true range of the ``n`` bars ending at position ``end`` (inclusive).

    Parameters
    ----------
    high, low
        Highs and lows (``None`` for close-only data: ``TR = |C_t - C_{t-1}|``).
    close
        Closes.
    n
        Number of true ranges.
    end
        Position of the last bar used; bars ``end - n .. end`` are read (``n + 1`` closes).

    Returns
    -------
    float
        The box size.
    """
    c = np.asarray(close, dtype=np.float64)
    if end - n < 0 or end >= c.size:
        raise DataError(
            f"ATR({n}) needs {n + 1} bars ending at position {end}; the series has {c.size} bars "
            f"and the window would start at {end - n}"
        )
    prev = c[end - n : end]
    if high is None or low is None:
        tr = np.abs(c[end - n + 1 : end + 1] - prev)
    else:
        h = np.asarray(high, dtype=np.float64)[end - n + 1 : end + 1]
        lo = np.asarray(low, dtype=np.float64)[end - n + 1 : end + 1]
        tr = np.maximum(h - lo, np.maximum(np.abs(h - prev), np.abs(lo - prev)))
    box = float(np.mean(tr))
    if not (math.isfinite(box) and box > 0):
        raise DataError(f"ATR({n}) ending at position {end} is {box!r}; need a positive number")
    return box


_SPEC_HELP: Final = (
    'valid forms: a positive number ("1", "0.5": fixed box), a percentage ("1%", "6.5%"), '
    '"traditional", "traditional-2009", "traditional-dwa", "atr" or "atr:N"'
)


def parse_box_spec(spec: str | float | BoxScale | AtrSpec) -> BoxScale | AtrSpec:
    """Parse a box specification.

    Parameters
    ----------
    spec
        ``"1"`` (fixed box of 1), ``"1%"`` (percentage box), ``"traditional"``,
        ``"traditional-2009"``, ``"traditional-dwa"``, ``"atr"`` (``atr:20``) or ``"atr:N"``.
        A number is a fixed box; scale objects pass through.

    Returns
    -------
    BoxScale | AtrSpec
        The scale, or an ATR specification to resolve against data.

    Raises
    ------
    ConfigError
        Naming the bad value and the valid forms.
    """
    if isinstance(spec, BoxScale | AtrSpec):
        return spec
    if isinstance(spec, bool):
        raise ConfigError(f"box spec {spec!r} is not valid; {_SPEC_HELP}")
    if isinstance(spec, int | float):
        return FixedScale(float(spec))
    if not isinstance(spec, str):
        raise ConfigError(f"box spec {spec!r} is not valid; {_SPEC_HELP}")
    text = spec.strip().lower()
    if text in ("traditional", "traditional-stockcharts"):
        return TraditionalScale("stockcharts")
    if text == "traditional-2009":
        return TraditionalScale("stockcharts-2009")
    if text == "traditional-dwa":
        return TraditionalScale("dwa")
    if text == "atr":
        return AtrSpec()
    m = re.fullmatch(r"atr:(\d+)", text)
    if m:
        return AtrSpec(int(m.group(1)))
    m = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)(%?)", text)
    if m:
        value = float(m.group(1))
        if value <= 0:
            raise ConfigError(f"box spec {spec!r} must be positive; {_SPEC_HELP}")
        if m.group(2):
            return PercentScale(value / 100.0)
        return FixedScale(value)
    raise ConfigError(f"box spec {spec!r} is not valid; {_SPEC_HELP}")
