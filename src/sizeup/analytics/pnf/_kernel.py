"""Numba kernels of the point-and-figure engine (one series, and many series on threads).

The kernels work in box-index space on a scale described by ``(kind, params)`` (see
:mod:`sizeup.analytics.pnf._scale`), turned into a table of levels (:func:`kernel_grid`) that
covers every price the scale supports (fixed grids: the data's range) plus the reversal. A bar
is compared with two cached thresholds (the level that extends the column and the level that
reverses it); a price is mapped to a box index only when it fills one.
The rules are those of METHODS.md §1.3 (columns), §1.4 (signals) and §1.6 (trend);
:mod:`sizeup.analytics.pnf._reference` is an independent slow implementation of the same rules
used by the tests.

Packed per-bar state (what the chart kernel writes, 5 bytes per bar)::

    box      int32  current column's extreme box (top of X, bottom of O); NO_BOX before
    flag     uint8  bits 0-2 action, bits 3-4 signal fired, bits 5-6 trend (2-bit two's
                    complement: 0 -> 0, 1 -> +1, 3 -> -1)

plus per series the starting boxes ``up(C0)`` / ``dn(C0)`` (``ref``). Everything else is a
function of these and is replayed on demand by :func:`derive_fields` /
:meth:`PackedPanel.fields` (one sequential pass that rebuilds the columns from the box changes,
counts signals and recomputes the trend-line anchors with the same helper the chart kernel
uses). The event-log fields (arrays of length ``n``)::

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
    status   int8   1 bull confirmed, 2 bull correction, 3 bear confirmed, 4 bear correction

Per-column outputs (single series): direction, low box, high box, first bar, last bar that
added a box.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

import numba as nb
import numpy as np
import numpy.typing as npt
from numba import njit, prange

from sizeup.analytics.pnf._scale import (
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
    "FIELD_CODES",
    "FIELD_DTYPES",
    "NO_BOX",
    "NO_LINE",
    "PANEL_DTYPES",
    "Grid",
    "PackedPanel",
    "SeriesResult",
    "build_panel",
    "build_panel_packed",
    "build_series",
    "derive_fields",
    "grid_bounds",
    "indices_of",
    "kernel_grid",
    "levels_of",
    "packed_outputs",
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

FIELD_CODES: Final = {
    "column": 0,
    "direction": 1,
    "box": 2,
    "action": 3,
    "boxes_added": 4,
    "signal": 5,
    "signal_fired": 6,
    "consec_buys": 7,
    "consec_sells": 8,
    "trend": 9,
    "trend_line": 10,
    "status": 11,
}
"""Codes of the derivable per-bar fields (the order of :data:`PANEL_DTYPES`, then status)."""
FIELD_DTYPES: Final = {
    "column": np.int32,
    "direction": np.int8,
    "box": np.int32,
    "action": np.int8,
    "boxes_added": np.int32,
    "signal": np.int8,
    "signal_fired": np.int8,
    "consec_buys": np.int32,
    "consec_sells": np.int32,
    "trend": np.int8,
    "trend_line": np.int32,
    "status": np.int8,
}
"""dtype of each derivable per-bar field."""

_I32_MIN = np.int32(NO_BOX)
_I32_HI = 2147483647
_MAX_THREADS: Final = int(nb.config.NUMBA_NUM_THREADS)  # type: ignore[attr-defined]
_INF = math.inf
_TASKS_PER_THREAD: Final = 8  # symbol chunks per thread (load balance on a shared machine)

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


@njit(cache=True, nogil=True, inline="always")  # inlined: +8 % on the chart kernel
def _walk_up(tab: Any, off: int, x: float, i: int) -> int:  # pragma: no cover - numba
    """max{j : L[j] <= x} given L[i] <= x: walk a few boxes, then search."""
    steps = 0
    while tab[i + 1 - off] <= x:
        i += 1
        steps += 1
        if steps == 8:
            return _find_up(tab, off, x)
    return i


@njit(cache=True, nogil=True, inline="always")  # inlined: +8 % on the chart kernel
def _walk_dn(tab: Any, off: int, x: float, i: int) -> int:  # pragma: no cover - numba
    """min{j : L[j] >= x} given L[i] >= x."""
    steps = 0
    while tab[i - 1 - off] >= x:
        i -= 1
        steps += 1
        if steps == 8:
            return _find_dn(tab, off, x)
    return i


@njit(cache=True, nogil=True)
def _new_line(  # noqa: PLR0917  # pragma: no cover - numba
    c_dir: Any,
    c_low: Any,
    c_high: Any,
    old: int,
    new: int,
    la: int,
    j: int,
    k: int,
) -> tuple[int, int]:
    """Anchor column and level of the trend line that starts when the trend turns ``old -> new``.

    First signal (``old == 0``): from the lowest O (POS) / highest X (NEG) column of 1..j-1.
    Penetration: from the lowest O / highest X column after the old anchor ``la`` (or the
    current column ``j`` at box ``k`` when there is none). Ties pick the most recent column.
    """
    c0 = 1 if old == 0 else la + 1
    if new == 1:
        best = _I32_HI
        bc = -1
        for c in range(c0, j):
            if c_dir[c] == -1 and c_low[c] <= best:
                best = c_low[c]
                bc = c
        if bc >= 0 or old == 0:
            return bc, best - 1
        return j, k - 1
    best = -_I32_HI
    bc = -1
    for c in range(c0, j):
        if c_dir[c] == 1 and c_high[c] >= best:
            best = c_high[c]
            bc = c
    if bc >= 0 or old == 0:
        return bc, best + 1
    return j, k + 1


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
    o_box: Any,
    o_flag: Any,
    c_dir: Any,
    c_low: Any,
    c_high: Any,
    c_first: Any,
    c_last: Any,
) -> tuple[int, int, int]:
    """Build one chart into the packed per-bar state; return (columns, up(C0), dn(C0))."""
    n = hi.shape[0]
    ncols = 0
    d = 0  # direction of the current column
    k = 0  # extreme box of the current column
    have_ref = False
    up_at = -_INF  # price that fills a box upward (any price until the start box is set)
    dn_at = _INF  # price that fills a box downward
    o_box_v = NO_BOX
    idle = 0  # flag of a bar without action: the trend bits only
    ref_up = 0
    ref_dn = 0
    trend = 0
    la = 0  # trend line anchor column
    lb = 0  # trend line level at the anchor column
    r = rev_boxes
    t0 = min(max(t_start, 0), n)
    for t in range(t0):
        o_box[t] = _I32_MIN
        o_flag[t] = 0
    for t in range(t0, n):
        h = hi[t]
        lw = lo[t]
        hu = h + eps * abs(h)
        ld = lw - eps * abs(lw)
        # a threshold is reached (False for NaN) and the bar is inside the table's range
        if (hu >= up_at or ld <= dn_at) and h <= pmax and lw >= pmin:
            act = 0
            fired = 0
            old = 0
            if d == 1:
                if hu >= up_at:
                    old = k
                    k = _walk_up(tab, off, hu, k + 1)
                    act = 1
                    c_high[ncols - 1] = k
                    c_last[ncols - 1] = t
                elif ld <= dn_at:
                    old = k - 1
                    k = _walk_dn(tab, off, ld, k - r)
                    act = 4
                    d = -1
                    c_dir[ncols] = -1
                    c_high[ncols] = old
                    c_low[ncols] = k
                    c_first[ncols] = t
                    c_last[ncols] = t
                    ncols += 1
                    old = _I32_HI
            elif d == -1:
                if ld <= dn_at:
                    old = k
                    k = _walk_dn(tab, off, ld, k - 1)
                    act = 2
                    c_low[ncols - 1] = k
                    c_last[ncols - 1] = t
                elif hu >= up_at:
                    old = k + 1
                    k = _walk_up(tab, off, hu, k + r)
                    act = 3
                    d = 1
                    c_dir[ncols] = 1
                    c_low[ncols] = old
                    c_high[ncols] = k
                    c_first[ncols] = t
                    c_last[ncols] = t
                    ncols += 1
                    old = -_I32_HI
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
                act = 1
                d = 1
                c_dir[0] = 1
                c_low[0] = ref_up + 1
                c_high[0] = k
                c_first[0] = t
                c_last[0] = t
                ncols = 1
                old = -_I32_HI
            elif ld <= dn_at:
                k = _walk_dn(tab, off, ld, ref_dn - 1)
                act = 2
                d = -1
                c_dir[0] = -1
                c_high[0] = ref_dn - 1
                c_low[0] = k
                c_first[0] = t
                c_last[0] = t
                ncols = 1
                old = _I32_HI
            if act != 0:
                j = ncols - 1
                new_trend = trend
                if d == 1:
                    up_at = tab[k + 1 - off]
                    dn_at = tab[k - r - off]
                    if j >= 2:
                        pt = c_high[j - 2]
                        if k > pt and old <= pt:
                            fired = 1
                    if trend == -1 and k >= lb - (j - la):
                        new_trend = 1  # BRL penetrated
                    elif fired == 1 and trend == 0:
                        new_trend = 1  # first signal: buy
                else:
                    dn_at = tab[k - 1 - off]
                    up_at = tab[k + r - off]
                    if j >= 2:
                        pb = c_low[j - 2]
                        if k < pb and old >= pb:
                            fired = -1
                    if trend == 1 and k <= lb + (j - la):
                        new_trend = -1  # BSL penetrated
                    elif fired == -1 and trend == 0:
                        new_trend = -1  # first signal: sell
                if new_trend != trend:
                    la, lb = _new_line(c_dir, c_low, c_high, trend, new_trend, la, j, k)
                    trend = new_trend
                    idle = (trend & 3) << 5
                o_box_v = k
                o_box[t] = k
                o_flag[t] = act | ((fired & 3) << 3) | idle
                continue
        o_box[t] = o_box_v
        o_flag[t] = idle
    return ncols, ref_up, ref_dn


@njit(cache=True, nogil=True)
def _replay(  # noqa: PLR0917  # pragma: no cover - numba
    box: Any,
    flag: Any,
    ref_up: int,
    ref_dn: int,
    w0: int,
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
    o_status: Any,
    c_dir: Any,
    c_low: Any,
    c_high: Any,
) -> None:
    """Replay one series' packed state and write the event-log fields of bars ``t >= w0``.

    Bar ``t`` goes to position ``t - w0`` of each output (order of :data:`FIELD_CODES`); an
    output of length 0 is not wanted and skipped. ``c_*`` are per-column scratch arrays.
    """
    n = box.shape[0]
    w_col = o_col.shape[0] > 0
    w_dir = o_dir.shape[0] > 0
    w_box = o_box.shape[0] > 0
    w_act = o_act.shape[0] > 0
    w_add = o_add.shape[0] > 0
    w_sig = o_sig.shape[0] > 0
    w_fired = o_fired.shape[0] > 0
    w_cbuy = o_cbuy.shape[0] > 0
    w_csell = o_csell.shape[0] > 0
    w_trend = o_trend.shape[0] > 0
    w_line = o_line.shape[0] > 0
    w_status = o_status.shape[0] > 0
    j = -1
    d = 0
    pk = 0
    sig = 0
    cbuy = 0
    csell = 0
    trend = 0
    la = 0
    lb = 0
    line = NO_LINE
    status = 0
    for t in range(n):
        f = int(flag[t])
        a = f & 7
        k = box[t]
        add = 0
        fired = 0
        if a != 0:
            if j < 0:
                j = 0
                if a == 1:
                    d = 1
                    add = k - ref_up
                    c_low[0] = ref_up + 1
                    c_high[0] = k
                else:
                    d = -1
                    add = ref_dn - k
                    c_high[0] = ref_dn - 1
                    c_low[0] = k
                c_dir[0] = d
            elif a == 1:
                add = k - pk
                c_high[j] = k
            elif a == 2:
                add = pk - k
                c_low[j] = k
            elif a == 3:
                j += 1
                d = 1
                add = k - pk
                c_dir[j] = 1
                c_low[j] = pk + 1
                c_high[j] = k
            else:
                j += 1
                d = -1
                add = pk - k
                c_dir[j] = -1
                c_high[j] = pk - 1
                c_low[j] = k
            pk = k
            fc = (f >> 3) & 3
            fired = fc - 4 * (fc >> 1)
            if fired == 1:
                sig = 1
                cbuy += 1
                csell = 0
            elif fired == -1:
                sig = -1
                csell += 1
                cbuy = 0
            tc = (f >> 5) & 3
            tr = tc - 4 * (tc >> 1)
            if tr != trend:
                la, lb = _new_line(c_dir, c_low, c_high, trend, tr, la, j, k)
                trend = tr
            if trend == 1:
                line = lb + (j - la)
            elif trend == -1:
                line = lb - (j - la)
            if sig == 1:
                status = 1 if d == 1 else 2
            elif sig == -1:
                status = 3 if d == -1 else 4
        if t >= w0:
            i = t - w0
            if w_col:
                o_col[i] = j
            if w_dir:
                o_dir[i] = d
            if w_box:
                o_box[i] = k
            if w_act:
                o_act[i] = a
            if w_add:
                o_add[i] = add
            if w_sig:
                o_sig[i] = sig
            if w_fired:
                o_fired[i] = fired
            if w_cbuy:
                o_cbuy[i] = cbuy
            if w_csell:
                o_csell[i] = csell
            if w_trend:
                o_trend[i] = trend
            if w_line:
                o_line[i] = line
            if w_status:
                o_status[i] = status


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


def _data_grid(
    kind: int,
    params: npt.NDArray[np.float64],
    reversal: int,
    *,
    hi: npt.NDArray[np.float64],
    lo: npt.NDArray[np.float64],
    rf: npt.NDArray[np.float64],
) -> Grid:
    """:func:`kernel_grid` whose price range is that of the finite prices in the data."""
    return kernel_grid(
        kind,
        params,
        reversal,
        price_min=_finite_min(lo, rf),
        price_max=_finite_max(hi, rf),
    )


def _code(field: str) -> int:
    try:
        return FIELD_CODES[field]
    except KeyError:
        raise ValueError(f"unknown P&F field {field!r}; valid: {list(FIELD_CODES)}") from None


def _alloc_fields(
    names: Sequence[str], lead: tuple[int, ...], width: int
) -> tuple[list[npt.NDArray[Any]], dict[str, npt.NDArray[Any]]]:
    """Allocate outputs in :data:`FIELD_CODES` order: wanted ``lead + (width,)``, others empty."""
    wanted = {name: np.empty((*lead, width), FIELD_DTYPES[name]) for name in names}
    outs = [wanted.get(f, np.empty((*lead, 0), dt)) for f, dt in FIELD_DTYPES.items()]
    return outs, wanted


def derive_fields(
    box: npt.NDArray[np.int32],
    flag: npt.NDArray[np.uint8],
    ref_up: int,
    ref_dn: int,
    names: Sequence[str],
) -> dict[str, npt.NDArray[Any]]:
    """Event-log fields of one series from its packed state (see the module docstring).

    Parameters
    ----------
    box, flag
        Packed per-bar state of the series (from the chart kernel).
    ref_up, ref_dn
        The series' starting boxes ``up(C0)`` and ``dn(C0)``.
    names
        Names of :data:`FIELD_CODES`.

    Returns
    -------
    dict
        Name -> array of length ``n`` and dtype :data:`FIELD_DTYPES` ``[name]``.
    """
    for name in names:
        _code(name)
    n = box.shape[0]
    outs, wanted = _alloc_fields(names, (), n)
    if n:
        m = max(n, 1)
        scratch = (np.empty(m, np.int8), np.empty(m, np.int32), np.empty(m, np.int32))
        _replay(box, flag, ref_up, ref_dn, 0, *outs, *scratch)  # type: ignore[call-arg]
    return wanted


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
    box = np.empty(n, np.int32)
    flag = np.empty(n, np.uint8)
    m = max(n, 1)
    cols = [
        np.empty(m, np.int8),
        np.empty(m, np.int32),
        np.empty(m, np.int32),
        np.empty(m, np.int32),
        np.empty(m, np.int32),
    ]
    if grid is None:
        grid = _data_grid(kind, params, reversal, hi=hi, lo=lo, rf=rf)
    tab, off, pmin, pmax = grid
    ncols, ref_up, ref_dn = _build_one(
        hi, lo, rf, start, tab, off, pmin, pmax, reversal, eps, box, flag, *cols
    )
    names = list(FIELD_CODES)[:11]
    fields = derive_fields(box, flag, ref_up, ref_dn, [f for f in names if f != "box"])
    bars = [box if name == "box" else fields[name] for name in names]
    trimmed = [c[: int(ncols)].copy() for c in cols]
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
    o_box: Any,
    o_flag: Any,
    o_ref: Any,
) -> None:
    n = hi.shape[1]
    m = max(n, 1)
    c_dir = np.empty(m, np.int8)
    c_low = np.empty(m, np.int32)
    c_high = np.empty(m, np.int32)
    c_first = np.empty(m, np.int32)
    c_last = np.empty(m, np.int32)
    for s in range(s0, s1):
        _, ref_up, ref_dn = _build_one(
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
            o_box[s],
            o_flag[s],
            c_dir,
            c_low,
            c_high,
            c_first,
            c_last,
        )
        o_ref[s, 0] = ref_up
        o_ref[s, 1] = ref_dn


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
    o_box: Any,
    o_flag: Any,
    o_ref: Any,
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
            o_box,
            o_flag,
            o_ref,
        )


@njit(cache=True, nogil=True)
def _derive_range(  # noqa: PLR0917  # pragma: no cover - numba
    box: Any,
    flag: Any,
    ref: Any,
    s0: int,
    s1: int,
    w0: int,
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
    o_status: Any,
) -> None:
    n = box.shape[1]
    m = max(n, 1)
    c_dir = np.empty(m, np.int8)
    c_low = np.empty(m, np.int32)
    c_high = np.empty(m, np.int32)
    for s in range(s0, s1):
        _replay(
            box[s],
            flag[s],
            ref[s, 0],
            ref[s, 1],
            w0,
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
            o_status[s],
            c_dir,
            c_low,
            c_high,
        )


def _threads(threads: int | None, m: int) -> int:
    nthreads = int(threads) if threads else _MAX_THREADS
    return max(1, min(nthreads, max(m, 1)))


def _run_chunks(run: Callable[[int, int], None], m: int, nthreads: int) -> None:
    """Call ``run(s0, s1)`` over chunks of the ``m`` symbols on ``nthreads`` threads.

    With more than one thread the symbols are cut into ``_TASKS_PER_THREAD`` chunks per thread
    that the pool hands out as threads free up, so a thread that the OS slows down does not
    hold up the rest.
    """
    if nthreads <= 1 or m <= 1:
        run(0, m)
        return
    nchunks = min(m, nthreads * _TASKS_PER_THREAD)
    bounds = [(m * c) // nchunks for c in range(nchunks + 1)]
    with ThreadPoolExecutor(max_workers=nthreads) as pool:
        futures = [pool.submit(run, bounds[c], bounds[c + 1]) for c in range(nchunks)]
        for f in futures:
            f.result()


@dataclass(frozen=True, eq=False)
class PackedPanel:
    """Packed per-bar state of many charts (see the module docstring).

    Attributes
    ----------
    box
        ``(symbols, bars)`` int32: current column's extreme box, :data:`NO_BOX` before.
    flag
        ``(symbols, bars)`` uint8: action, signal fired and trend bits.
    ref
        ``(symbols, 2)`` int32: starting boxes ``up(C0)``, ``dn(C0)`` of each series.
    """

    box: npt.NDArray[np.int32]
    flag: npt.NDArray[np.uint8]
    ref: npt.NDArray[np.int32]

    @property
    def shape(self) -> tuple[int, int]:
        """``(symbols, bars)``."""
        m, n = self.box.shape
        return int(m), int(n)

    def fields(
        self,
        names: Sequence[str],
        *,
        start: int = 0,
        threads: int | None = None,
        out: dict[str, npt.NDArray[Any]] | None = None,
    ) -> dict[str, npt.NDArray[Any]]:
        """Derive event-log fields for bars ``start..`` of every symbol in one replay.

        Parameters
        ----------
        names
            Names of :data:`FIELD_CODES`.
        start
            First bar position written (earlier bars are replayed, not written).
        threads
            Threads to use (default: numba's thread count).
        out
            Name -> C-contiguous ``(symbols, bars - start)`` array of dtype
            :data:`FIELD_DTYPES` ``[name]`` to fill instead of allocating (for some or all of
            ``names``).

        Returns
        -------
        dict
            Name -> ``(symbols, bars - start)`` C-contiguous array.
        """
        for name in names:
            _code(name)
        m, n = self.shape
        w0 = min(max(int(start), 0), n)
        outs, wanted = _alloc_fields([f for f in names if f not in (out or {})], (m,), n - w0)
        for name, arr in (out or {}).items():
            _code(name)
            shape, dtype = (m, n - w0), FIELD_DTYPES[name]
            if arr.shape != shape or arr.dtype != dtype or not arr.flags.c_contiguous:
                raise ValueError(
                    f"out[{name!r}] must be a C-contiguous {shape} {np.dtype(dtype)} array, "
                    f"got {arr.shape} {arr.dtype}"
                )
            outs[FIELD_CODES[name]] = arr
            wanted[name] = arr
        if m and n - w0:
            box, flag, ref = self.box, self.flag, self.ref
            _run_chunks(
                lambda s0, s1: _derive_range(box, flag, ref, s0, s1, w0, *outs),
                m,
                _threads(threads, m),
            )
        return {name: wanted[name] for name in names}

    def field(self, name: str, *, start: int = 0, threads: int | None = None) -> Any:
        """Derive one event-log field (see :meth:`fields`); ``(symbols, bars - start)``."""
        return self.fields([name], start=start, threads=threads)[name]

    def last(self, *, threads: int | None = None) -> dict[str, npt.NDArray[Any]]:
        """Every field's value on the last bar, per symbol (one replay, nothing per bar kept).

        Returns
        -------
        dict
            Field name -> ``(symbols,)`` array of the field's dtype (empty without bars).
        """
        m, n = self.shape
        if n == 0:
            return {f: np.empty(m, dt) for f, dt in FIELD_DTYPES.items()}
        got = self.fields(list(FIELD_CODES), start=n - 1, threads=threads)
        return {f: a[:, 0] for f, a in got.items()}


def packed_outputs(m: int, n: int) -> PackedPanel:
    """Allocate the packed outputs of ``m`` series of ``n`` bars (reusable through ``out=``)."""
    return PackedPanel(
        np.empty((m, n), np.int32), np.empty((m, n), np.uint8), np.zeros((m, 2), np.int32)
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
"""dtypes of the 11 per-bar outputs of :func:`build_panel`, in order (see the module docstring)."""


def panel_outputs(m: int, n: int) -> PanelResult:
    """Allocate the 11 ``(symbols, bars)`` output arrays (reusable through ``out=``)."""
    return [np.empty((m, n), dt) for dt in PANEL_DTYPES]


def build_panel_packed(
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
    out: PackedPanel | None = None,
) -> PackedPanel:
    """Build many charts at once into their packed per-bar state.

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
        Preallocated outputs from :func:`packed_outputs` to fill instead of allocating.

    Returns
    -------
    PackedPanel
        The packed state; :meth:`PackedPanel.field` derives any event-log field.
    """
    hi = np.ascontiguousarray(high, dtype=np.float64)
    lo = np.ascontiguousarray(low, dtype=np.float64)
    rf = np.ascontiguousarray(ref, dtype=np.float64)
    m, n = hi.shape
    if grids is None:
        if kind == 0:
            shared = _data_grid(kind, params, reversal, hi=hi, lo=lo, rf=rf)
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
    res = out if out is not None else packed_outputs(m, n)
    if (
        res.box.shape != (m, n)
        or res.box.dtype != np.int32
        or res.flag.shape != (m, n)
        or res.flag.dtype != np.uint8
        or res.ref.shape != (m, 2)
        or res.ref.dtype != np.int32
        or not (res.box.flags.c_contiguous and res.flag.flags.c_contiguous)
    ):
        raise ValueError("out must be packed_outputs(symbols, bars)")
    if m == 0 or n == 0:
        return res
    nthreads = _threads(threads, m)
    args = (hi, lo, rf, st, tabs, tab_lo, tab_hi, offs, pmins, pmaxs, reversal, eps)
    o_box, o_flag, o_ref = res.box, res.flag, res.ref
    if backend == "prange":
        previous = nb.get_num_threads()
        nb.set_num_threads(min(nthreads, _MAX_THREADS))
        try:
            _panel_prange(*args, nthreads, o_box, o_flag, o_ref)
        finally:
            nb.set_num_threads(previous)
        return res
    _run_chunks(
        lambda s0, s1: _panel_range(*args, s0, s1, o_box, o_flag, o_ref),
        m,
        nthreads,
    )
    return res


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
    """Build many charts at once and expand all 11 event-log fields.

    :func:`build_panel_packed` followed by :meth:`PackedPanel.field` for every field; prefer
    the packed form when only some fields are needed.

    Parameters
    ----------
    high, low, ref, starts, kind, params, reversal, eps, threads, backend, grids
        As in :func:`build_panel_packed`.
    out
        Preallocated outputs from :func:`panel_outputs` to fill instead of allocating.

    Returns
    -------
    list of numpy.ndarray
        The 11 per-bar arrays of the module docstring (col .. line), each ``(symbols, bars)``
        C-contiguous.
    """
    m, n = np.shape(high)
    outs = out if out is not None else panel_outputs(m, n)
    if len(outs) != len(PANEL_DTYPES) or any(
        o.shape != (m, n) or o.dtype != dt or not o.flags.c_contiguous
        for o, dt in zip(outs, PANEL_DTYPES, strict=True)
    ):
        raise ValueError("out must be the arrays of panel_outputs(symbols, bars)")
    packed = build_panel_packed(
        high,
        low,
        ref,
        starts,
        kind=kind,
        params=params,
        reversal=reversal,
        eps=eps,
        threads=threads,
        backend=backend,
        grids=grids,
        out=PackedPanel(outs[2], np.empty((m, n), np.uint8), np.zeros((m, 2), np.int32)),
    )
    names = [f for f in list(FIELD_CODES)[:11] if f != "box"]
    packed.fields(
        names,
        threads=threads,
        out={f: o for f, o in zip(FIELD_CODES, outs, strict=False) if f != "box"},
    )
    return outs
