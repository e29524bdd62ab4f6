"""The numba kernels of the point-and-figure engine, with their codes and named results.

Sections: the chart kernel (one series into its packed state), the replay (every event-log field
from the packed state) and the panel loops (the chart kernel over rows of a panel). The Python
entry points live beside: :mod:`sizeup.analytics.pnf._series` (one chart),
:mod:`sizeup.analytics.pnf._replay` (field names, dtypes, :func:`derive_fields`) and
:mod:`sizeup.analytics.pnf._panel` (many charts on threads). Every njit function stays in this
one file on purpose: numba's on-disk cache (``cache=True``) is keyed on the source of the
function's own file, so a cached caller in another file would keep running a stale copy of a
callee edited here.

The chart kernel works in box-index space on a scale described by ``(kind, params)`` (see
:mod:`sizeup.analytics.pnf._scale`), turned into a table of levels (:func:`kernel_grid`) that
covers every price the scale supports (fixed grids: the data's range) plus the reversal. A bar
is compared with two cached thresholds (the level that extends the column and the level that
reverses it); a price is mapped to a box index only when it fills one.
The rules are those of docs/methods.md §P3 (columns), §1.4 (signals) and §1.6 (trend);
:mod:`sizeup.analytics.pnf._reference` is an independent slow implementation of the same rules
used by the tests.

Packed per-bar state (what the chart kernel writes, 5 bytes per bar)::

    box      int32  current column's extreme box (top of X, bottom of O); NO_BOX before
    flag     uint8  bits 0-2 action (:class:`Action`), bits 3-4 signal fired, bits 5-6 trend
                    (2-bit two's complement: 0 -> 0, 1 -> +1, 3 -> -1)

plus per series the starting boxes ``up(C0)`` / ``dn(C0)`` (``ref``) and, in per-column
scratch arrays, each column's direction, low box, high box, first bar and last bar that added a
box. The replay's outputs are the event-log fields of :mod:`sizeup.analytics.pnf._replay`, in
its ``FIELD_CODES`` order.

Codes, sentinels and named results live in :mod:`sizeup.analytics.pnf._codes` (no numba) and
are re-exported here: the kernels use the plain ``int`` constants (``ACT_*``, ``STATUS_*``),
which numba folds like literals, and return named tuples (:class:`KernelResult`,
:class:`TrendLine`), which numba builds and reads in nopython mode like plain tuples.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
from numba import njit, prange

from sizeup.analytics.pnf._codes import (
    ACT_NONE,
    ACT_O,
    ACT_REV_O_TO_X,
    ACT_REV_X_TO_O,
    ACT_X,
    NO_BOX,
    NO_LINE,
    STATUS_BEAR_CONFIRMED,
    STATUS_BEAR_CORRECTION,
    STATUS_BULL_CONFIRMED,
    STATUS_BULL_CORRECTION,
    STATUS_NONE,
    Action,
    KernelResult,
    PriceRange,
    Status,
    TrendLine,
    price_range,
)
from sizeup.analytics.pnf._scale import Grid, kernel_grid

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
    "chart_kernel",
    "data_grid",
    "new_trend_line",
    "panel_prange",
    "panel_range",
    "price_range",
    "replay_range",
    "replay_series",
]

_I32_MIN = np.int32(NO_BOX)
_I32_HI = 2147483647
_INF = math.inf


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
def new_trend_line(  # noqa: PLR0917  # pragma: no cover - numba
    c_dir: Any,
    c_low: Any,
    c_high: Any,
    old: int,
    new: int,
    la: int,
    j: int,
    k: int,
) -> TrendLine:
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
            return TrendLine(bc, best - 1)
        return TrendLine(j, k - 1)
    best = -_I32_HI
    bc = -1
    for c in range(c0, j):
        if c_dir[c] == 1 and c_high[c] >= best:
            best = c_high[c]
            bc = c
    if bc >= 0 or old == 0:
        return TrendLine(bc, best + 1)
    return TrendLine(j, k + 1)


# --------------------------------------------------------------------------------------------
# the chart state machine


@njit(cache=True, nogil=True)
def chart_kernel(  # noqa: PLR0917  # pragma: no cover - numba
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
) -> KernelResult:
    """Build one chart into the packed per-bar state and the per-column arrays ``c_*``."""
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
            act = ACT_NONE
            fired = 0
            old = 0
            if d == 1:
                if hu >= up_at:
                    old = k
                    k = _walk_up(tab, off, hu, k + 1)
                    act = ACT_X
                    c_high[ncols - 1] = k
                    c_last[ncols - 1] = t
                elif ld <= dn_at:
                    old = k - 1
                    k = _walk_dn(tab, off, ld, k - r)
                    act = ACT_REV_X_TO_O
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
                    act = ACT_O
                    c_low[ncols - 1] = k
                    c_last[ncols - 1] = t
                elif hu >= up_at:
                    old = k + 1
                    k = _walk_up(tab, off, hu, k + r)
                    act = ACT_REV_O_TO_X
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
                act = ACT_X
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
                act = ACT_O
                d = -1
                c_dir[0] = -1
                c_high[0] = ref_dn - 1
                c_low[0] = k
                c_first[0] = t
                c_last[0] = t
                ncols = 1
                old = _I32_HI
            if act != ACT_NONE:
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
                    line = new_trend_line(c_dir, c_low, c_high, trend, new_trend, la, j, k)
                    la = line.column
                    lb = line.level
                    trend = new_trend
                    idle = (trend & 3) << 5
                o_box_v = k
                o_box[t] = k
                o_flag[t] = act | ((fired & 3) << 3) | idle
                continue
        o_box[t] = o_box_v
        o_flag[t] = idle
    return KernelResult(ncols, ref_up, ref_dn)


# --------------------------------------------------------------------------------------------
# price range of the data (fixed grids)


def _finite_min(*arrays: npt.NDArray[np.float64]) -> float | None:
    vals = [r.low for r in map(price_range, arrays) if r.low <= r.high]
    return min(vals) if vals else None


def _finite_max(*arrays: npt.NDArray[np.float64]) -> float | None:
    vals = [r.high for r in map(price_range, arrays) if r.low <= r.high]
    return max(vals) if vals else None


def data_grid(
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


# --------------------------------------------------------------------------------------------
# the replay: event-log fields from the packed state


@njit(cache=True, nogil=True)
def replay_series(  # noqa: PLR0917  # pragma: no cover - numba
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

    Bar ``t`` goes to position ``t - w0`` of each output (order of ``_replay.FIELD_CODES``); an
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
    status = STATUS_NONE
    for t in range(n):
        f = int(flag[t])
        a = f & 7
        k = box[t]
        add = 0
        fired = 0
        if a != ACT_NONE:
            if j < 0:
                j = 0
                if a == ACT_X:
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
            elif a == ACT_X:
                add = k - pk
                c_high[j] = k
            elif a == ACT_O:
                add = pk - k
                c_low[j] = k
            elif a == ACT_REV_O_TO_X:
                j += 1
                d = 1
                add = k - pk
                c_dir[j] = 1
                c_low[j] = pk + 1
                c_high[j] = k
            else:  # ACT_REV_X_TO_O
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
                anchor = new_trend_line(c_dir, c_low, c_high, trend, tr, la, j, k)
                la = anchor.column
                lb = anchor.level
                trend = tr
            if trend == 1:
                line = lb + (j - la)
            elif trend == -1:
                line = lb - (j - la)
            if sig == 1:
                status = STATUS_BULL_CONFIRMED if d == 1 else STATUS_BULL_CORRECTION
            elif sig == -1:
                status = STATUS_BEAR_CONFIRMED if d == -1 else STATUS_BEAR_CORRECTION
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
def replay_range(  # noqa: PLR0917  # pragma: no cover - numba
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
    """Replay rows ``s0..s1`` of a panel's packed state (:func:`replay_series` per row)."""
    n = box.shape[1]
    m = max(n, 1)
    c_dir = np.empty(m, np.int8)
    c_low = np.empty(m, np.int32)
    c_high = np.empty(m, np.int32)
    for s in range(s0, s1):
        replay_series(
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


# --------------------------------------------------------------------------------------------
# many series: the chart kernel over rows of a panel


@njit(cache=True, nogil=True)
def panel_range(  # noqa: PLR0917  # pragma: no cover - numba
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
        built = chart_kernel(
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
        o_ref[s, 0] = built.ref_up
        o_ref[s, 1] = built.ref_dn


@njit(cache=True, nogil=True, parallel=True)
def panel_prange(  # noqa: PLR0917  # pragma: no cover - numba
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
        panel_range(
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
