"""Numba kernels of the point-and-figure engine (one series, and many series on threads).

The kernels work in box-index space on a scale described by ``(kind, params)`` (see
:mod:`sizeup.analytics.pnf_scale`), turned into a table of levels (:func:`kernel_grid`) that
covers every price the scale supports (fixed grids: the data's range) plus the reversal. A bar
is compared with two cached thresholds (the level that extends the column and the level that
reverses it); a price is mapped to a box index only when it fills one.
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
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

import numba as nb
import numpy as np
import numpy.typing as npt
from numba import njit, prange

from sizeup.analytics.pnf_scale import (
    Grid,
    grid_bounds,
    indices_of,
    kernel_grid,
    levels_of,
)

__all__ = [
    "ACT_NONE",
    "ACT_O",
    "ACT_REV_O_TO_X",
    "ACT_REV_X_TO_O",
    "ACT_X",
    "NO_BOX",
    "NO_LINE",
    "PANEL_DTYPES",
    "Grid",
    "SeriesResult",
    "build_panel",
    "build_series",
    "grid_bounds",
    "indices_of",
    "kernel_grid",
    "levels_of",
    "panel_outputs",
    "price_range",
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


@njit(cache=True, nogil=True)
def _find_up(tab: Any, off: int, x: float) -> int:  # pragma: no cover - numba
    """max{i : L[i] <= x} by binary search of the level table."""
    lo = 0
    hi = tab.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if tab[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1 + off


@njit(cache=True, nogil=True)
def _find_dn(tab: Any, off: int, x: float) -> int:  # pragma: no cover - numba
    """min{i : L[i] >= x} by binary search of the level table."""
    lo = 0
    hi = tab.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if tab[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo + off


@njit(cache=True, nogil=True)
def _walk_up(tab: Any, off: int, x: float, i: int) -> int:  # pragma: no cover - numba
    """max{j : L[j] <= x} given L[i] <= x: walk a few boxes, then search."""
    steps = 0
    while tab[i + 1 - off] <= x:
        i += 1
        steps += 1
        if steps == 8:
            return _find_up(tab, off, x)
    return i


@njit(cache=True, nogil=True)
def _walk_dn(tab: Any, off: int, x: float, i: int) -> int:  # pragma: no cover - numba
    """min{j : L[j] >= x} given L[i] >= x."""
    steps = 0
    while tab[i - 1 - off] >= x:
        i -= 1
        steps += 1
        if steps == 8:
            return _find_dn(tab, off, x)
    return i


# --------------------------------------------------------------------------------------------
# the chart state machine


@njit(cache=True, nogil=True)
def _build_one(  # noqa: PLR0917  # pragma: no cover - numba
    hi: Any,
    lo: Any,
    ref: Any,
    t_start: int,
    tab: Any,
    off: int,
    pmin: float,
    pmax: float,
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
    up_at = -_INF  # price that fills a box upward (any price until the start box is set)
    dn_at = _INF  # price that fills a box downward
    o_col_v = -1
    o_box_v = NO_BOX
    o_line_v = NO_LINE
    ref_up = 0
    ref_dn = 0
    sig = 0
    cbuy = 0
    csell = 0
    trend = 0
    la = 0  # trend line anchor column
    lb = 0  # trend line level at the anchor column
    r = rev_boxes
    t0 = min(max(t_start, 0), n)
    for t in range(t0):
        o_col[t] = -1
        o_dir[t] = 0
        o_box[t] = _I32_MIN
        o_act[t] = 0
        o_add[t] = 0
        o_sig[t] = 0
        o_fired[t] = 0
        o_cbuy[t] = 0
        o_csell[t] = 0
        o_trend[t] = 0
        o_line[t] = _I32_MIN
    for t in range(t0, n):
        act = 0
        add = 0
        fired = 0
        h = hi[t]
        lw = lo[t]
        hu = h + eps * abs(h)
        ld = lw - eps * abs(lw)
        # a threshold is reached (False for NaN) and the bar is inside the table's range
        if (hu >= up_at or ld <= dn_at) and h <= pmax and lw >= pmin:
            old = 0
            if d == 1:
                if hu >= up_at:
                    old = k
                    k = _walk_up(tab, off, hu, k + 1)
                    add = k - old
                    act = 1
                    c_high[ncols - 1] = k
                    c_last[ncols - 1] = t
                elif ld <= dn_at:
                    old = k - 1
                    k = _walk_dn(tab, off, ld, k - r)
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
                if ld <= dn_at:
                    old = k
                    k = _walk_dn(tab, off, ld, k - 1)
                    add = old - k
                    act = 2
                    c_low[ncols - 1] = k
                    c_last[ncols - 1] = t
                elif hu >= up_at:
                    old = k + 1
                    k = _walk_up(tab, off, hu, k + r)
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
                if not (pmin <= c0 <= pmax):  # missing (NaN) close: mid of the bar
                    c0 = 0.5 * (h + lw)
                ref_up = _find_up(tab, off, c0 + eps * abs(c0))
                ref_dn = _find_dn(tab, off, c0 - eps * abs(c0))
                up_at = tab[ref_up + 1 - off]
                dn_at = tab[ref_dn - 1 - off]
                have_ref = True
            elif hu >= up_at:
                k = _walk_up(tab, off, hu, ref_up + 1)
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
            elif ld <= dn_at:
                k = _walk_dn(tab, off, ld, ref_dn - 1)
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
                    up_at = tab[k + 1 - off]
                    dn_at = tab[k - r - off]
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
                    dn_at = tab[k - 1 - off]
                    up_at = tab[k + r - off]
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
                o_col_v = ncols - 1
                o_box_v = k
                o_line_v = lb + (j - la) if trend == 1 else lb - (j - la)
        o_col[t] = o_col_v
        o_dir[t] = d
        o_box[t] = o_box_v
        o_act[t] = act
        o_add[t] = add
        o_sig[t] = sig
        o_fired[t] = fired
        o_cbuy[t] = cbuy
        o_csell[t] = csell
        o_trend[t] = trend
        o_line[t] = o_line_v if trend != 0 else _I32_MIN
    return ncols


@njit(cache=True, nogil=True)
def _scan(a: Any) -> tuple[float, float, int]:  # pragma: no cover - numba
    lo = _INF
    hi = -_INF
    ninf = 0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            x = a[i, j]
            if (x - x) == 0.0:
                lo = min(lo, x)
                hi = max(hi, x)
            elif not math.isnan(x):
                ninf += 1
    return lo, hi, ninf


def price_range(values: npt.NDArray[np.float64]) -> tuple[float, float, int]:
    """One pass over prices: smallest and largest finite value and the number of infinities.

    ``(inf, -inf, k)`` when there is no finite value. Accepts 1-D or 2-D arrays of any order.
    """
    a = np.asarray(values, dtype=np.float64)
    if a.ndim != 2:
        a = a.reshape(1, -1)
    if a.flags.f_contiguous and not a.flags.c_contiguous:
        a = a.T
    lo, hi, ninf = _scan(a)
    return float(lo), float(hi), int(ninf)


def _finite_min(*arrays: npt.NDArray[np.float64]) -> float | None:
    vals = [r[0] for r in map(price_range, arrays) if r[0] <= r[1]]
    return min(vals) if vals else None


def _finite_max(*arrays: npt.NDArray[np.float64]) -> float | None:
    vals = [r[1] for r in map(price_range, arrays) if r[0] <= r[1]]
    return max(vals) if vals else None


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
    grid: Grid | None = None,
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
    grid
        Precomputed :func:`kernel_grid` (default: built here; fixed grids from the data range).

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
    if grid is None:
        grid = kernel_grid(
            kind,
            params,
            reversal,
            price_min=_finite_min(lo, rf),
            price_max=_finite_max(hi, rf),
        )
    tab, off, pmin, pmax = grid
    ncols = int(
        _build_one(
            hi,
            lo,
            rf,
            start,
            tab,
            off,
            pmin,
            pmax,
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
    tabs: Any,
    tab_lo: Any,
    tab_hi: Any,
    offs: Any,
    pmins: Any,
    pmaxs: Any,
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
            tabs[tab_lo[s] : tab_hi[s]],
            offs[s],
            pmins[s],
            pmaxs[s],
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
    tabs: Any,
    tab_lo: Any,
    tab_hi: Any,
    offs: Any,
    pmins: Any,
    pmaxs: Any,
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
        _panel_range(
            hi,
            lo,
            ref,
            starts,
            tabs,
            tab_lo,
            tab_hi,
            offs,
            pmins,
            pmaxs,
            rev_boxes,
            eps,
            (m * c) // nchunks,
            (m * (c + 1)) // nchunks,
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
PANEL_DTYPES: Final = (
    np.int32,
    np.int8,
    np.int32,
    np.int8,
    np.int32,
    np.int8,
    np.int8,
    np.int32,
    np.int32,
    np.int8,
    np.int32,
)
"""dtypes of the 11 per-bar outputs, in order (see the module docstring)."""


def panel_outputs(m: int, n: int) -> PanelResult:
    """Allocate the 11 ``(symbols, bars)`` output arrays (reusable through ``out=``)."""
    return [np.empty((m, n), dt) for dt in PANEL_DTYPES]


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
    grids: Sequence[Grid] | None = None,
    out: PanelResult | None = None,
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
        Scale shared by all symbols (ignored when ``grids`` is given).
    reversal, eps
        As in :func:`build_series`.
    threads
        Number of threads (default: numba's thread count).
    backend
        ``"pool"`` (a thread pool over chunks of symbols, each a nogil kernel call) or
        ``"prange"`` (numba ``parallel=True``).
    grids
        One :func:`kernel_grid` per symbol (e.g. per-symbol ATR boxes).
    out
        Preallocated outputs from :func:`panel_outputs` to fill instead of allocating.

    Returns
    -------
    list of numpy.ndarray
        The 11 per-bar arrays of the module docstring, each ``(symbols, bars)`` C-contiguous.
    """
    hi = np.ascontiguousarray(high, dtype=np.float64)
    lo = np.ascontiguousarray(low, dtype=np.float64)
    rf = np.ascontiguousarray(ref, dtype=np.float64)
    m, n = hi.shape
    if grids is None:
        if kind == 0:
            shared = kernel_grid(
                kind,
                params,
                reversal,
                price_min=_finite_min(lo, rf),
                price_max=_finite_max(hi, rf),
            )
        else:
            shared = kernel_grid(kind, params, reversal)
        tabs = shared[0]
        tab_lo = np.zeros(m, np.int64)
        tab_hi = np.full(m, tabs.shape[0], np.int64)
        offs = np.full(m, shared[1], np.int64)
        pmins = np.full(m, shared[2])
        pmaxs = np.full(m, shared[3])
    else:
        if len(grids) != m:
            raise ValueError(f"need one grid per symbol ({m}), got {len(grids)}")
        tabs = np.concatenate([g[0] for g in grids]) if m else np.empty(0)
        ends = np.cumsum([g[0].shape[0] for g in grids]).astype(np.int64)
        tab_hi = ends
        tab_lo = ends - np.array([g[0].shape[0] for g in grids], np.int64)
        offs = np.array([g[1] for g in grids], np.int64)
        pmins = np.array([g[2] for g in grids], np.float64)
        pmaxs = np.array([g[3] for g in grids], np.float64)
    st = np.ascontiguousarray(starts, dtype=np.int64)
    outs = out if out is not None else panel_outputs(m, n)
    if len(outs) != len(PANEL_DTYPES) or any(
        o.shape != (m, n) or o.dtype != dt or not o.flags.c_contiguous
        for o, dt in zip(outs, PANEL_DTYPES, strict=True)
    ):
        raise ValueError("out must be the arrays of panel_outputs(symbols, bars)")
    nthreads = int(threads) if threads else _MAX_THREADS
    nthreads = max(1, min(nthreads, max(m, 1)))
    if m == 0 or n == 0:
        return outs
    args = (hi, lo, rf, st, tabs, tab_lo, tab_hi, offs, pmins, pmaxs, reversal, eps)
    if backend == "prange":
        previous = nb.get_num_threads()
        nb.set_num_threads(min(nthreads, _MAX_THREADS))
        try:
            _panel_prange(*args, nthreads, *outs)
        finally:
            nb.set_num_threads(previous)
        return outs
    if nthreads == 1:
        _panel_range(*args, 0, m, *outs)
        return outs
    bounds = [(m * c) // nthreads for c in range(nthreads + 1)]
    with ThreadPoolExecutor(max_workers=nthreads) as pool:
        futures = [
            pool.submit(_panel_range, *args, bounds[c], bounds[c + 1], *outs)
            for c in range(nthreads)
        ]
        for f in futures:
            f.result()
    return outs
