"""One chart end to end: the chart kernel, then the replay of its per-bar event log."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from sizeup.analytics.pnf._replay import derive_fields
from sizeup.analytics.pnf._scale import Grid

__all__ = ["SeriesResult", "build_series"]


class SeriesResult(NamedTuple):
    """One chart: 11 per-bar arrays (length ``n``) then 5 per-column arrays (one per column).

    The per-bar fields are the event-log fields of :mod:`sizeup.analytics.pnf._replay` (all but
    ``status``), with the same names and dtypes.
    """

    column: npt.NDArray[np.int32]
    direction: npt.NDArray[np.int8]
    box: npt.NDArray[np.int32]
    action: npt.NDArray[np.int8]
    boxes_added: npt.NDArray[np.int32]
    signal: npt.NDArray[np.int8]
    signal_fired: npt.NDArray[np.int8]
    consec_buys: npt.NDArray[np.int32]
    consec_sells: npt.NDArray[np.int32]
    trend: npt.NDArray[np.int8]
    trend_line: npt.NDArray[np.int32]
    col_direction: npt.NDArray[np.int8]
    """+1 X, -1 O."""
    col_low: npt.NDArray[np.int32]
    """Lowest box of the column."""
    col_high: npt.NDArray[np.int32]
    """Highest box of the column."""
    col_first_bar: npt.NDArray[np.int32]
    """Bar that started the column."""
    col_last_bar: npt.NDArray[np.int32]
    """Last bar that added a box to the column."""


_DERIVED = (
    "column",
    "direction",
    "action",
    "boxes_added",
    "signal",
    "signal_fired",
    "consec_buys",
    "consec_sells",
    "trend",
    "trend_line",
)


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
        11 per-bar arrays then 5 per-column arrays, by name.
    """
    from sizeup.analytics.pnf._kernel import chart_kernel, data_grid

    hi = np.ascontiguousarray(high, dtype=np.float64)
    lo = np.ascontiguousarray(low, dtype=np.float64)
    rf = np.ascontiguousarray(ref, dtype=np.float64)
    n = hi.shape[0]
    box = np.empty(n, np.int32)
    flag = np.empty(n, np.uint8)
    m = max(n, 1)
    c_dir = np.empty(m, np.int8)
    c_low = np.empty(m, np.int32)
    c_high = np.empty(m, np.int32)
    c_first = np.empty(m, np.int32)
    c_last = np.empty(m, np.int32)
    if grid is None:
        grid = data_grid(kind, params, reversal, hi=hi, lo=lo, rf=rf)
    tab, off, pmin, pmax = grid
    built = chart_kernel(
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
        box,
        flag,
        c_dir,
        c_low,
        c_high,
        c_first,
        c_last,
    )
    bar = derive_fields(box, flag, built.ref_up, built.ref_dn, _DERIVED)
    k = int(built.columns)
    return SeriesResult(
        column=bar["column"],
        direction=bar["direction"],
        box=box,
        action=bar["action"],
        boxes_added=bar["boxes_added"],
        signal=bar["signal"],
        signal_fired=bar["signal_fired"],
        consec_buys=bar["consec_buys"],
        consec_sells=bar["consec_sells"],
        trend=bar["trend"],
        trend_line=bar["trend_line"],
        col_direction=c_dir[:k].copy(),
        col_low=c_low[:k].copy(),
        col_high=c_high[:k].copy(),
        col_first_bar=c_first[:k].copy(),
        col_last_bar=c_last[:k].copy(),
    )
