"""Numba kernels of the point-and-figure engine (one series, and many series on threads).

The kernels work in box-index space on a scale described by ``(kind, params)`` (see
:mod:`sizeup.analytics.pnf_scale`), turned into a fixed box or a table of levels
(:func:`level_table`). A bar is compared with two cached thresholds (the level that extends the
column and the level that reverses it); a price is mapped to a box index only when it fills one.
The rules are those of METHODS.md §1.3 (columns), §1.4 (signals) and §1.6 (trend);
:mod:`sizeup.analytics.pnf_reference` is an independent slow implementation of the same rules
used by the tests.

Per-bar outputs (arrays of length ``n``)::

    col      int32  column id, -1 before the first column
    dir      int8   +1 X, -1 O, 0 before the first column
    box      int32  current column's extreme box (top of X, bottom of O); NO_BOX before
    act      int8   0 none, 1 x (start/extend X), 2 o (start/extend O),
                    3 reverse o->x, 4 reverse x->o
    add      int32  boxes added on the bar
    sig      int8   last signal in effect: +1 buy, -1 sell, 0 none yet
    fired    int8   +1 / -1 on the bar a buy / sell fires
    cbuy     int32  buy signals since the most recent sell signal
    csell    int32  sell signals since the most recent buy signal
    trend    int8   +1 POS, -1 NEG, 0 undefined (before the first signal)
    line     int32  active BSL (POS) / BRL (NEG) box index at the bar's column; NO_LINE if none

Per-column outputs: direction, low box, high box, first bar, last bar that added a box.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any, Final

import numba as nb
import numpy as np
import numpy.typing as npt
from numba import njit, prange

__all__ = [
    "ACT_NONE",
    "ACT_O",
    "ACT_REV_O_TO_X",
    "ACT_REV_X_TO_O",
    "ACT_X",
    "NO_BOX",
    "NO_LINE",
    "SeriesResult",
    "build_panel",
    "build_series",
    "indices_of",
    "levels_of",
]

NO_BOX: Final = int(np.iinfo(np.int32).min)
"""Sentinel of ``bar_box`` before the first column (the int32 minimum)."""
NO_LINE: Final = int(np.iinfo(np.int32).min)
"""Sentinel of ``bar_trend_line`` while no trend line is active (the int32 minimum)."""

ACT_NONE: Final = 0
ACT_X: Final = 1
ACT_O: Final = 2
ACT_REV_O_TO_X: Final = 3
ACT_REV_X_TO_O: Final = 4

_I32_MIN = np.int32(NO_BOX)
_MAX_THREADS: Final = int(nb.config.NUMBA_NUM_THREADS)  # type: ignore[attr-defined]
_INF = math.inf

SeriesResult = tuple[
    npt.NDArray[np.int32],  # col
    npt.NDArray[np.int8],  # dir
    npt.NDArray[np.int32],  # box
    npt.NDArray[np.int8],  # act
    npt.NDArray[np.int32],  # add
    npt.NDArray[np.int8],  # sig
    npt.NDArray[np.int8],  # fired
    npt.NDArray[np.int32],  # cbuy
    npt.NDArray[np.int32],  # csell
    npt.NDArray[np.int8],  # trend
    npt.NDArray[np.int32],  # line
    npt.NDArray[np.int8],  # col direction
    npt.NDArray[np.int32],  # col low
    npt.NDArray[np.int32],  # col high
    npt.NDArray[np.int32],  # col first bar
    npt.NDArray[np.int32],  # col last bar
]


# --------------------------------------------------------------------------------------------
# scale arithmetic (must produce the same floats as BoxScale.level in pnf_scale)


@njit(cache=True, nogil=True)
def _level(kind: int, params: Any, i: int) -> float:  # pragma: no cover - numba
    if kind == 0:
        return float(i) * float(params[0])
    if kind == 1:
        return math.exp(float(i) * float(params[0]))
    if kind == 2:
        if i < 0:
            return -_INF
        nrow = int(params[0])
        s = nrow - 1
        while s > 0 and params[1 + 2 * nrow + s] > i:
            s -= 1
        return float(params[1 + s] + (float(i) - params[1 + 2 * nrow + s]) * params[1 + nrow + s])
    n = params.shape[0]
    if i < 0:
        return -_INF
    if i >= n:
        return _INF
    return float(params[i])


@njit(cache=True, nogil=True)
def _up(kind: int, params: Any, x: float) -> int:  # pragma: no cover - numba
    """max{i : L[i] <= x} (x already carries the tolerance)."""
    if kind == 3:
        lo = 0
        hi = params.shape[0]
        while lo < hi:
            mid = (lo + hi) >> 1
            if params[mid] <= x:
                lo = mid + 1
            else:
                hi = mid
        return lo - 1
    if kind == 0:
        g = math.floor(x / params[0])
    elif kind == 1:
        g = math.floor(math.log(x) / params[0])
    else:
        if x < 0.0:
            return -1
        nrow = int(params[0])
        s = nrow - 1
        while s > 0 and params[1 + s] > x:
            s -= 1
        g = params[1 + 2 * nrow + s] + math.floor((x - params[1 + s]) / params[1 + nrow + s])
    i = int(g)
    while _level(kind, params, i + 1) <= x:
        i += 1
    while _level(kind, params, i) > x:
        i -= 1
    return i


@njit(cache=True, nogil=True)
def _dn(kind: int, params: Any, x: float) -> int:  # pragma: no cover - numba
    """min{i : L[i] >= x} (x already carries the tolerance)."""
    if kind == 3:
        lo = 0
        hi = params.shape[0]
        while lo < hi:
            mid = (lo + hi) >> 1
            if params[mid] < x:
                lo = mid + 1
            else:
                hi = mid
        return lo
    if kind == 0:
        g = math.ceil(x / params[0])
    elif kind == 1:
        g = math.ceil(math.log(x) / params[0])
    else:
        if x <= 0.0:
            return 0
        nrow = int(params[0])
        s = nrow - 1
        while s > 0 and params[1 + s] > x:
            s -= 1
        g = params[1 + 2 * nrow + s] + math.ceil((x - params[1 + s]) / params[1 + nrow + s])
    i = int(g)
    while _level(kind, params, i - 1) >= x:
        i -= 1
    while _level(kind, params, i) < x:
        i += 1
    return i


@njit(cache=True, nogil=True)
def _lev(box: float, tab: Any, off: int, i: int) -> float:  # pragma: no cover - numba
    """Level ``i``: ``i * box`` on a fixed grid (empty table), else a clamped table lookup."""
    nt = tab.shape[0]
    if nt == 0:
        return float(i) * box
    j = i - off
    if j < 0:
        j = 0
    elif j >= nt:
        j = nt - 1
    return float(tab[j])


@njit(cache=True, nogil=True)
def _find_up(box: float, tab: Any, off: int, x: float) -> int:  # pragma: no cover - numba
    """max{i : L[i] <= x} by formula (fixed grid) or binary search of the table."""
    nt = tab.shape[0]
    if nt == 0:
        i = int(math.floor(x / box))  # noqa: RUF046 (numba)
        while _lev(box, tab, off, i + 1) <= x:
            i += 1
        while _lev(box, tab, off, i) > x:
            i -= 1
        return i
    lo = 0
    hi = nt
    while lo < hi:
        mid = (lo + hi) >> 1
        if tab[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1 + off


@njit(cache=True, nogil=True)
def _find_dn(box: float, tab: Any, off: int, x: float) -> int:  # pragma: no cover - numba
    """min{i : L[i] >= x}."""
    nt = tab.shape[0]
    if nt == 0:
        i = int(math.ceil(x / box))  # noqa: RUF046 (numba)
        while _lev(box, tab, off, i - 1) >= x:
            i -= 1
        while _lev(box, tab, off, i) < x:
            i += 1
        return i
    lo = 0
    hi = nt
    while lo < hi:
        mid = (lo + hi) >> 1
        if tab[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo + off


@njit(cache=True, nogil=True)
def _walk_up(box: float, tab: Any, off: int, x: float, i: int) -> int:  # pragma: no cover
    """max{j : L[j] <= x} given L[i] <= x: walk a few boxes, then search."""
    steps = 0
    while _lev(box, tab, off, i + 1) <= x:
        i += 1
        steps += 1
        if steps == 8:
            return max(i, _find_up(box, tab, off, x))
    return i


@njit(cache=True, nogil=True)
def _walk_dn(box: float, tab: Any, off: int, x: float, i: int) -> int:  # pragma: no cover
    """min{j : L[j] >= x} given L[i] >= x."""
    steps = 0
    while _lev(box, tab, off, i - 1) >= x:
        i -= 1
        steps += 1
        if steps == 8:
            return min(i, _find_dn(box, tab, off, x))
    return i


@njit(cache=True, nogil=True)
def _indices_of(
    prices: Any, kind: int, params: Any, up: bool, eps: float
) -> Any:  # pragma: no cover
    out = np.empty(prices.shape[0], dtype=np.int64)
    for t in range(prices.shape[0]):
        p = prices[t]
        if up:
            out[t] = _up(kind, params, p + eps * abs(p))
        else:
            out[t] = _dn(kind, params, p - eps * abs(p))
    return out


@njit(cache=True, nogil=True)
def _levels_of(idx: Any, kind: int, params: Any) -> Any:  # pragma: no cover - numba
    out = np.empty(idx.shape[0], dtype=np.float64)
    for t in range(idx.shape[0]):
        out[t] = _level(kind, params, idx[t])
    return out


def indices_of(
    prices: npt.NDArray[np.float64],
    kind: int,
    params: npt.NDArray[np.float64],
    up: bool,
    eps: float,
) -> npt.NDArray[np.int64]:
    """Box index of each (finite) price: ``up`` or ``dn`` fill with relative tolerance ``eps``."""
    out: npt.NDArray[np.int64] = _indices_of(prices, kind, params, up, eps)
    return out


def levels_of(
    idx: npt.NDArray[np.int64], kind: int, params: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Price level of each box index."""
    out: npt.NDArray[np.float64] = _levels_of(idx, kind, params)
    return out


PERCENT_PRICE_RANGE: Final = (1e-6, 1e9)
"""Prices a percentage-grid chart accepts (its level table covers them)."""
TRADITIONAL_PRICE_MAX: Final = 1e6
"""Highest price a traditional-scale chart accepts."""


def grid_bounds(kind: int, params: npt.NDArray[np.float64]) -> tuple[float, float]:
    """Return the closed price range a scale's kernel grid supports."""
    if kind == 1:
        return PERCENT_PRICE_RANGE
    if kind == 2:
        return (0.0, TRADITIONAL_PRICE_MAX)
    if kind == 3:
        return (float(params[0]), float(params[-1]))
    return (-math.inf, math.inf)


@lru_cache(maxsize=32)
def _table_cached(
    kind: int, key: bytes, reversal: int
) -> tuple[float, npt.NDArray[np.float64], int]:
    params = np.frombuffer(key, dtype=np.float64)
    pad = reversal + 2
    if kind == 0:
        return float(params[0]), np.empty(0, np.float64), 0
    if kind == 3:
        lo, hi = -pad, params.shape[0] - 1 + pad
    else:
        p_lo, p_hi = grid_bounds(kind, params)
        lo = (int(_dn(kind, params, p_lo)) if kind == 1 else 0) - pad
        hi = int(_up(kind, params, p_hi)) + pad
    idx = np.arange(lo, hi + 1, dtype=np.int64)
    tab = levels_of(idx, kind, params)
    tab.setflags(write=False)
    return 0.0, tab, lo


def level_table(
    kind: int, params: npt.NDArray[np.float64], reversal: int
) -> tuple[float, npt.NDArray[np.float64], int]:
    """Grid of the chart kernel: ``(box, table, offset)``.

    A fixed grid is ``L[i] = i * box`` (empty table). Any other grid is a table of its levels,
    ``table[j] = L[j + offset]``, computed by the scale's own formula (so the same floats) over
    the prices the grid supports (:func:`grid_bounds`) plus ``reversal + 2`` boxes each side;
    lookups beyond the table clamp to its ends (``-inf``/``+inf`` outside a finite grid).
    """
    p = np.ascontiguousarray(params, dtype=np.float64)
    return _table_cached(int(kind), p.tobytes(), int(reversal))


# --------------------------------------------------------------------------------------------
# the chart state machine


@njit(cache=True, nogil=True)
def _build_one(  # noqa: PLR0917  # pragma: no cover - numba
    hi: Any,
    lo: Any,
    ref: Any,
    t_start: int,
    box: float,
    tab: Any,
    off: int,
    rev_boxes: int,
    eps: float,
    o_col: Any,
    o_dir: Any,
    o_box: Any,
    o_act: Any,
    o_add: Any,
    o_sig: Any,
    o_fired: Any,
    o_cbuy: Any,
    o_csell: Any,
    o_trend: Any,
    o_line: Any,
    c_dir: Any,
    c_low: Any,
    c_high: Any,
    c_first: Any,
    c_last: Any,
) -> int:
    n = hi.shape[0]
    ncols = 0
    d = 0  # direction of the current column
    k = 0  # extreme box of the current column
    have_ref = False
    nxt = 0.0  # level that extends the column (init: level that starts an X column)
    rev = 0.0  # level that reverses the column (init: level that starts an O column)
    ref_up = 0
    ref_dn = 0
    sig = 0
    cbuy = 0
    csell = 0
    trend = 0
    la = 0  # trend line anchor column
    lb = 0  # trend line level at the anchor column
    r = rev_boxes
    for t in range(n):
        act = 0
        add = 0
        fired = 0
        if t >= t_start:
            h = hi[t]
            lw = lo[t]
            if (h - h) == 0.0 and (lw - lw) == 0.0:  # both finite
                hu = h + eps * abs(h)
                ld = lw - eps * abs(lw)
                old = 0
                if d == 1:
                    if hu >= nxt:
                        old = k
                        k = _walk_up(box, tab, off, hu, k + 1)
                        add = k - old
                        act = 1
                        c_high[ncols - 1] = k
                        c_last[ncols - 1] = t
                    elif ld <= rev:
                        old = k - 1
                        k = _walk_dn(box, tab, off, ld, k - r)
                        add = old - k + 1
                        act = 4
                        d = -1
                        c_dir[ncols] = -1
                        c_high[ncols] = old
                        c_low[ncols] = k
                        c_first[ncols] = t
                        c_last[ncols] = t
                        ncols += 1
                        old = 2147483647
                elif d == -1:
                    if ld <= nxt:
                        old = k
                        k = _walk_dn(box, tab, off, ld, k - 1)
                        add = old - k
                        act = 2
                        c_low[ncols - 1] = k
                        c_last[ncols - 1] = t
                    elif hu >= rev:
                        old = k + 1
                        k = _walk_up(box, tab, off, hu, k + r)
                        add = k - old + 1
                        act = 3
                        d = 1
                        c_dir[ncols] = 1
                        c_low[ncols] = old
                        c_high[ncols] = k
                        c_first[ncols] = t
                        c_last[ncols] = t
                        ncols += 1
                        old = -2147483647
                elif not have_ref:
                    c0 = ref[t]
                    if (c0 - c0) != 0.0:
                        c0 = 0.5 * (h + lw)
                    ref_up = _find_up(box, tab, off, c0 + eps * abs(c0))
                    ref_dn = _find_dn(box, tab, off, c0 - eps * abs(c0))
                    nxt = _lev(box, tab, off, ref_up + 1)
                    rev = _lev(box, tab, off, ref_dn - 1)
                    have_ref = True
                elif hu >= nxt:
                    k = _walk_up(box, tab, off, hu, ref_up + 1)
                    add = k - ref_up
                    act = 1
                    d = 1
                    c_dir[0] = 1
                    c_low[0] = ref_up + 1
                    c_high[0] = k
                    c_first[0] = t
                    c_last[0] = t
                    ncols = 1
                    old = -2147483647
                elif ld <= rev:
                    k = _walk_dn(box, tab, off, ld, ref_dn - 1)
                    add = ref_dn - k
                    act = 2
                    d = -1
                    c_dir[0] = -1
                    c_high[0] = ref_dn - 1
                    c_low[0] = k
                    c_first[0] = t
                    c_last[0] = t
                    ncols = 1
                    old = 2147483647
                if act != 0:
                    j = ncols - 1
                    if d == 1:
                        nxt = _lev(box, tab, off, k + 1)
                        rev = _lev(box, tab, off, k - r)
                        if j >= 2:
                            pt = c_high[j - 2]
                            if k > pt and old <= pt:
                                fired = 1
                        if trend == -1 and k >= lb - (j - la):
                            # BRL penetrated: POS, BSL from the lowest O column of the decline
                            best = 2147483647
                            bc = -1
                            for c in range(la + 1, j):
                                if c_dir[c] == -1 and c_low[c] <= best:
                                    best = c_low[c]
                                    bc = c
                            trend = 1
                            if bc >= 0:
                                la = bc
                                lb = best - 1
                            else:
                                la = j
                                lb = k - 1
                    else:
                        nxt = _lev(box, tab, off, k - 1)
                        rev = _lev(box, tab, off, k + r)
                        if j >= 2:
                            pb = c_low[j - 2]
                            if k < pb and old >= pb:
                                fired = -1
                        if trend == 1 and k <= lb + (j - la):
                            # BSL penetrated: NEG, BRL from the highest X column of the rise
                            best = -2147483647
                            bc = -1
                            for c in range(la + 1, j):
                                if c_dir[c] == 1 and c_high[c] >= best:
                                    best = c_high[c]
                                    bc = c
                            trend = -1
                            if bc >= 0:
                                la = bc
                                lb = best + 1
                            else:
                                la = j
                                lb = k + 1
                    if fired == 1:
                        sig = 1
                        cbuy += 1
                        csell = 0
                        if trend == 0:
                            best = 2147483647
                            bc = -1
                            for c in range(1, j):
                                if c_dir[c] == -1 and c_low[c] <= best:
                                    best = c_low[c]
                                    bc = c
                            trend = 1
                            la = bc
                            lb = best - 1
                    elif fired == -1:
                        sig = -1
                        csell += 1
                        cbuy = 0
                        if trend == 0:
                            best = -2147483647
                            bc = -1
                            for c in range(1, j):
                                if c_dir[c] == 1 and c_high[c] >= best:
                                    best = c_high[c]
                                    bc = c
                            trend = -1
                            la = bc
                            lb = best + 1
        o_col[t] = ncols - 1
        o_dir[t] = d
        o_box[t] = k if d != 0 else _I32_MIN
        o_act[t] = act
        o_add[t] = add
        o_sig[t] = sig
        o_fired[t] = fired
        o_cbuy[t] = cbuy
        o_csell[t] = csell
        o_trend[t] = trend
        if trend == 1:
            o_line[t] = lb + (ncols - 1 - la)
        elif trend == -1:
            o_line[t] = lb - (ncols - 1 - la)
        else:
            o_line[t] = _I32_MIN
    return ncols


def _alloc_bars(n: int) -> list[npt.NDArray[Any]]:
    i32, i8 = np.int32, np.int8
    return [
        np.empty(n, i32),
        np.empty(n, i8),
        np.empty(n, i32),
        np.empty(n, i8),
        np.empty(n, i32),
        np.empty(n, i8),
        np.empty(n, i8),
        np.empty(n, i32),
        np.empty(n, i32),
        np.empty(n, i8),
        np.empty(n, i32),
    ]


def build_series(
    high: npt.NDArray[np.float64],
    low: npt.NDArray[np.float64],
    ref: npt.NDArray[np.float64],
    *,
    kind: int,
    params: npt.NDArray[np.float64],
    reversal: int,
    eps: float,
    start: int = 0,
) -> SeriesResult:
    """Build one chart with its per-bar event log.

    Parameters
    ----------
    high, low
        Prices that fill boxes up / down (the close twice for the close method); NaN bars skip.
    ref
        Prices whose first finite value (at or after ``start``) sets the initial box (the close).
    kind, params
        Scale description (``BoxScale.kind``, ``BoxScale.params()``).
    reversal
        Reversal in boxes.
    eps
        Relative tolerance of the box mapping.
    start
        Bars before this position are ignored.

    Returns
    -------
    SeriesResult
        11 per-bar arrays then 5 per-column arrays (see the module docstring).
    """
    hi = np.ascontiguousarray(high, dtype=np.float64)
    lo = np.ascontiguousarray(low, dtype=np.float64)
    rf = np.ascontiguousarray(ref, dtype=np.float64)
    n = hi.shape[0]
    bars = _alloc_bars(n)
    m = max(n, 1)
    cols = [
        np.empty(m, np.int8),
        np.empty(m, np.int32),
        np.empty(m, np.int32),
        np.empty(m, np.int32),
        np.empty(m, np.int32),
    ]
    box, tab, off = level_table(kind, params, reversal)
    ncols = int(
        _build_one(
            hi,
            lo,
            rf,
            start,
            box,
            tab,
            off,
            reversal,
            eps,
            *bars,
            *cols,
        )
    )
    trimmed = [c[:ncols].copy() for c in cols]
    return (*bars, *trimmed)  # type: ignore[return-value]


# --------------------------------------------------------------------------------------------
# many series


@njit(cache=True, nogil=True)
def _panel_range(  # noqa: PLR0917  # pragma: no cover - numba
    hi: Any,
    lo: Any,
    ref: Any,
    starts: Any,
    boxes: Any,
    tab: Any,
    off: int,
    rev_boxes: int,
    eps: float,
    s0: int,
    s1: int,
    o_col: Any,
    o_dir: Any,
    o_box: Any,
    o_act: Any,
    o_add: Any,
    o_sig: Any,
    o_fired: Any,
    o_cbuy: Any,
    o_csell: Any,
    o_trend: Any,
    o_line: Any,
) -> None:
    n = hi.shape[1]
    c_dir = np.empty(n, np.int8)
    c_low = np.empty(n, np.int32)
    c_high = np.empty(n, np.int32)
    c_first = np.empty(n, np.int32)
    c_last = np.empty(n, np.int32)
    for s in range(s0, s1):
        _build_one(
            hi[s],
            lo[s],
            ref[s],
            starts[s],
            boxes[s],
            tab,
            off,
            rev_boxes,
            eps,
            o_col[s],
            o_dir[s],
            o_box[s],
            o_act[s],
            o_add[s],
            o_sig[s],
            o_fired[s],
            o_cbuy[s],
            o_csell[s],
            o_trend[s],
            o_line[s],
            c_dir,
            c_low,
            c_high,
            c_first,
            c_last,
        )


@njit(cache=True, nogil=True, parallel=True)
def _panel_prange(  # noqa: PLR0917  # pragma: no cover - numba
    hi: Any,
    lo: Any,
    ref: Any,
    starts: Any,
    boxes: Any,
    tab: Any,
    off: int,
    rev_boxes: int,
    eps: float,
    nchunks: int,
    o_col: Any,
    o_dir: Any,
    o_box: Any,
    o_act: Any,
    o_add: Any,
    o_sig: Any,
    o_fired: Any,
    o_cbuy: Any,
    o_csell: Any,
    o_trend: Any,
    o_line: Any,
) -> None:
    m = hi.shape[0]
    for c in prange(nchunks):
        s0 = (m * c) // nchunks
        s1 = (m * (c + 1)) // nchunks
        _panel_range(
            hi,
            lo,
            ref,
            starts,
            boxes,
            tab,
            off,
            rev_boxes,
            eps,
            s0,
            s1,
            o_col,
            o_dir,
            o_box,
            o_act,
            o_add,
            o_sig,
            o_fired,
            o_cbuy,
            o_csell,
            o_trend,
            o_line,
        )


PanelResult = list[npt.NDArray[Any]]


def build_panel(
    high: npt.NDArray[np.float64],
    low: npt.NDArray[np.float64],
    ref: npt.NDArray[np.float64],
    starts: npt.NDArray[np.int64],
    *,
    kind: int,
    params: npt.NDArray[np.float64],
    reversal: int,
    eps: float,
    threads: int | None = None,
    backend: str = "pool",
) -> PanelResult:
    """Build many charts at once.

    Parameters
    ----------
    high, low, ref
        ``(symbols, bars)`` C-contiguous float arrays (one row per symbol; NaN = no bar).
        Pass the transpose of a ``(bars, symbols)`` Fortran-ordered array (what a pandas wide
        frame's ``to_numpy()`` returns) to avoid a copy.
    starts
        Per-symbol first bar position.
    kind, params
        Scale; ``params`` is 1-D (shared) or ``(symbols, 1)`` fixed boxes (one per symbol).
    reversal, eps
        As in :func:`build_series`.
    threads
        Number of threads (default: numba's thread count).
    backend
        ``"pool"`` (a thread pool over chunks of symbols, each a nogil kernel call) or
        ``"prange"`` (numba ``parallel=True``).

    Returns
    -------
    list of numpy.ndarray
        The 11 per-bar arrays of the module docstring, each ``(symbols, bars)`` C-contiguous.
    """
    hi = np.ascontiguousarray(high, dtype=np.float64)
    lo = np.ascontiguousarray(low, dtype=np.float64)
    rf = np.ascontiguousarray(ref, dtype=np.float64)
    m, n = hi.shape
    p = np.ascontiguousarray(params, dtype=np.float64)
    if p.ndim == 1:
        box, tab, off = level_table(kind, p, reversal)
        boxes = np.full(m, box)
    elif kind == 0 and p.shape == (m, 1):
        boxes, tab, off = np.ascontiguousarray(p[:, 0]), np.empty(0, np.float64), 0
    else:
        raise ValueError("per-symbol scale parameters are supported for fixed boxes only")
    st = np.ascontiguousarray(starts, dtype=np.int64)
    i32, i8 = np.int32, np.int8
    outs: PanelResult = [
        np.empty((m, n), dt) for dt in (i32, i8, i32, i8, i32, i8, i8, i32, i32, i8, i32)
    ]
    nthreads = int(threads) if threads else _MAX_THREADS
    nthreads = max(1, min(nthreads, max(m, 1)))
    if m == 0:
        return outs
    if backend == "prange":
        previous = nb.get_num_threads()
        nb.set_num_threads(min(nthreads, _MAX_THREADS))
        try:
            _panel_prange(hi, lo, rf, st, boxes, tab, off, reversal, eps, nthreads, *outs)
        finally:
            nb.set_num_threads(previous)
        return outs
    if nthreads == 1:
        _panel_range(hi, lo, rf, st, boxes, tab, off, reversal, eps, 0, m, *outs)
        return outs
    bounds = [(m * c) // nthreads for c in range(nthreads + 1)]
    with ThreadPoolExecutor(max_workers=nthreads) as pool:
        futures = [
            pool.submit(
                _panel_range,
                hi,
                lo,
                rf,
                st,
                boxes,
                tab,
                off,
                reversal,
                eps,
                bounds[c],
                bounds[c + 1],
                *outs,
            )
            for c in range(nthreads)
        ]
        for f in futures:
            f.result()
    return outs
