"""Plain-Python point-and-figure engine: the tests' reference and the single-chart engine.

Written independently of :mod:`sizeup.analytics.pnf._kernel`, straight from the text of
docs/methods.md §P3 (columns), §1.4 (signals) and §1.6 (trend): every bar maps its high and low to
box indices by the definitions ``up(P) = max{i : L[i] <= P}`` and ``dn(P) = min{i : L[i] >= P}``
then applies the rules with Python lists.

:func:`reference_chart` searches the box indices with :meth:`BoxScale.level` only (bisection:
the slow, independent definition the tests compare the numba kernel with).
:func:`reference_series` runs the same rules with the scale's closed-form mapping
(``_scale._up_py`` / ``_dn_py``, the numba kernel's arithmetic in Python) and returns a
:class:`~sizeup.analytics.pnf.SeriesResult`: ``pnf_chart(..., engine="python")`` uses it to draw
one chart without loading numba (about 10 µs a bar; the kernel wins on panels and long loops).
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from sizeup.analytics.pnf._codes import NO_BOX, NO_LINE
from sizeup.analytics.pnf._replay import FIELD_DTYPES
from sizeup.analytics.pnf._scale import REL_EPS, BoxScale, _dn_py, _levels_np, _up_py
from sizeup.analytics.pnf._series import SeriesResult

__all__ = ["ReferenceChart", "reference_chart", "reference_series"]

BoxMap = Callable[[float], int]
"""Price -> box index, tolerance included (``up`` or ``dn`` fill)."""


@dataclass
class _Column:
    direction: int
    low: int
    high: int
    first: int
    last: int


@dataclass
class ReferenceChart:
    """Per-bar lists and per-column lists, same meaning as the kernel outputs (None = sentinel)."""

    col: list[int] = field(default_factory=list)
    direction: list[int] = field(default_factory=list)
    box: list[int | None] = field(default_factory=list)
    action: list[int] = field(default_factory=list)
    added: list[int] = field(default_factory=list)
    signal: list[int] = field(default_factory=list)
    fired: list[int] = field(default_factory=list)
    consec_buys: list[int] = field(default_factory=list)
    consec_sells: list[int] = field(default_factory=list)
    trend: list[int] = field(default_factory=list)
    trend_line: list[int | None] = field(default_factory=list)
    columns: list[tuple[int, int, int, int, int]] = field(default_factory=list)


def _up(scale: BoxScale, price: float, eps: float) -> int:
    """max{i : L[i] <= price(1+eps)} by bracketing and bisection on ``scale.level``."""
    x = price + eps * abs(price)
    lo, hi = -1, 1
    while scale.level(lo) > x:
        lo *= 2
    while scale.level(hi) <= x:
        hi *= 2
    # invariant: level(lo) <= x < level(hi)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if scale.level(mid) <= x:
            lo = mid
        else:
            hi = mid
    return lo


def _dn(scale: BoxScale, price: float, eps: float) -> int:
    """min{i : L[i] >= price(1-eps)}."""
    x = price - eps * abs(price)
    lo, hi = -1, 1
    while scale.level(lo) >= x:
        lo *= 2
    while scale.level(hi) < x:
        hi *= 2
    # invariant: level(lo) < x <= level(hi)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if scale.level(mid) >= x:
            hi = mid
        else:
            lo = mid
    return hi


def reference_chart(
    high: Sequence[float],
    low: Sequence[float],
    close: Sequence[float],
    scale: BoxScale,
    *,
    reversal: int = 3,
    start: int = 0,
    eps: float = REL_EPS,
    mapping: tuple[BoxMap, BoxMap] | None = None,
) -> ReferenceChart:
    """Build a chart bar by bar with plain Python (see the module docstring).

    Parameters
    ----------
    high, low, close
        Bar prices (pass the closes three times for the close method). NaN bars are skipped.
    scale
        Box scale.
    reversal
        Reversal in boxes.
    start
        Bars before this position are ignored.
    eps
        Relative tolerance of the box mapping.
    mapping
        ``(up, dn)`` price -> box index functions (tolerance included); default: bisection on
        :meth:`BoxScale.level` with ``eps``.

    Returns
    -------
    ReferenceChart
        Per-bar and per-column results.
    """
    up: BoxMap
    dn: BoxMap
    if mapping is None:
        up = functools.partial(_up, scale, eps=eps)
        dn = functools.partial(_dn, scale, eps=eps)
    else:
        up, dn = mapping
    out = ReferenceChart()
    cols: list[_Column] = []
    reference: tuple[int, int] | None = None
    signal = 0
    buys = 0
    sells = 0
    trend = 0
    line_anchor = 0  # column of the active trend line
    line_base = 0  # the line's box index at its anchor column
    for t in range(len(high)):
        action = 0
        added = 0
        fired = 0
        h, lo_, c = float(high[t]), float(low[t]), float(close[t])
        valid = t >= start and math.isfinite(h) and math.isfinite(lo_)
        extended_from: int | None = None  # previous extreme when the bar extends a column
        if valid:
            if not cols:
                if reference is None:
                    # the first close sets the starting box
                    r = c if math.isfinite(c) else (h + lo_) / 2
                    reference = (up(r), dn(r))
                else:
                    u, dd = up(h), dn(lo_)
                    if u >= reference[0] + 1:
                        cols.append(_Column(1, reference[0] + 1, u, t, t))
                        action, added = 1, u - reference[0]
                    elif dd <= reference[1] - 1:
                        cols.append(_Column(-1, dd, reference[1] - 1, t, t))
                        action, added = 2, reference[1] - dd
            else:
                cur = cols[-1]
                u, dd = up(h), dn(lo_)
                if cur.direction == 1:
                    if u > cur.high:  # continuation first: the low is ignored
                        extended_from = cur.high
                        added = u - cur.high
                        cur.high, cur.last, action = u, t, 1
                    elif dd <= cur.high - reversal:
                        cols.append(_Column(-1, dd, cur.high - 1, t, t))
                        added = cur.high - dd
                        action = 4
                elif dd < cur.low:
                    extended_from = cur.low
                    added = cur.low - dd
                    cur.low, cur.last, action = dd, t, 2
                elif u >= cur.low + reversal:
                    cols.append(_Column(1, cur.low + 1, u, t, t))
                    added = u - cur.low
                    action = 3
        if action:
            j = len(cols) - 1
            cur = cols[j]
            # trend: penetration of the active line by the boxes just filled
            if cur.direction == 1 and trend == -1:
                brl = line_base - (j - line_anchor)
                if cur.high >= brl:
                    trend = 1
                    decline = [c for c in range(line_anchor + 1, j) if cols[c].direction == -1]
                    lowest = min(cols[c].low for c in decline)
                    line_anchor = max(c for c in decline if cols[c].low == lowest)
                    line_base = lowest - 1
            elif cur.direction == -1 and trend == 1:
                bsl = line_base + (j - line_anchor)
                if cur.low <= bsl:
                    trend = -1
                    rise = [c for c in range(line_anchor + 1, j) if cols[c].direction == 1]
                    highest = max(cols[c].high for c in rise)
                    line_anchor = max(c for c in rise if cols[c].high == highest)
                    line_base = highest + 1
            # signals: compare with the previous column of the same kind (two columns back)
            if j >= 2:
                prev = cols[j - 2]
                broke_up = cur.direction == 1 and cur.high > prev.high
                broke_dn = cur.direction == -1 and cur.low < prev.low
                # fires once: on the bar the column first passes the previous extreme
                if broke_up and (extended_from is None or extended_from <= prev.high):
                    fired = 1
                if broke_dn and (extended_from is None or extended_from >= prev.low):
                    fired = -1
            if fired == 1:
                signal, buys, sells = 1, buys + 1, 0
                if trend == 0:
                    candidates = [c for c in range(1, j) if cols[c].direction == -1]
                    lowest = min(cols[c].low for c in candidates)
                    line_anchor = max(c for c in candidates if cols[c].low == lowest)
                    line_base = lowest - 1
                    trend = 1
            elif fired == -1:
                signal, sells, buys = -1, sells + 1, 0
                if trend == 0:
                    candidates = [c for c in range(1, j) if cols[c].direction == 1]
                    highest = max(cols[c].high for c in candidates)
                    line_anchor = max(c for c in candidates if cols[c].high == highest)
                    line_base = highest + 1
                    trend = -1
        j = len(cols) - 1
        out.col.append(j)
        out.direction.append(cols[-1].direction if cols else 0)
        if cols:
            out.box.append(cols[-1].high if cols[-1].direction == 1 else cols[-1].low)
        else:
            out.box.append(None)
        out.action.append(action)
        out.added.append(added)
        out.signal.append(signal)
        out.fired.append(fired)
        out.consec_buys.append(buys)
        out.consec_sells.append(sells)
        out.trend.append(trend)
        if trend == 1:
            out.trend_line.append(line_base + (j - line_anchor))
        elif trend == -1:
            out.trend_line.append(line_base - (j - line_anchor))
        else:
            out.trend_line.append(None)
    out.columns = [(c.direction, c.low, c.high, c.first, c.last) for c in cols]
    return out


def _int32(values: Sequence[int | None], sentinel: int) -> npt.NDArray[np.int32]:
    return np.fromiter(
        (sentinel if v is None else v for v in values), dtype=np.int32, count=len(values)
    )


_TABLE_MAX = 1 << 20
"""Most levels :func:`_box_maps` tabulates; finer grids map prices by formula."""


def _box_maps(
    scale: BoxScale, eps: float, *prices: npt.NDArray[np.float64]
) -> tuple[BoxMap, BoxMap]:
    """``up`` / ``dn`` maps for prices within the data's range.

    A table of the levels around the data's range (the scale's own floats, as the kernel's
    table) is searched with :mod:`bisect`; grids too fine to tabulate use the closed form.
    """
    kind = scale.kind
    params = tuple(float(v) for v in scale.params())

    def up_formula(price: float) -> int:
        return _up_py(kind, params, price + eps * abs(price))

    def dn_formula(price: float) -> int:
        return _dn_py(kind, params, price - eps * abs(price))

    finite = [a[np.isfinite(a)] for a in (np.asarray(p, dtype=np.float64) for p in prices)]
    finite = [a for a in finite if a.size]
    if not finite:
        return up_formula, dn_formula
    p_lo = min(float(a.min()) for a in finite)
    p_hi = max(float(a.max()) for a in finite)
    first = dn_formula(p_lo) - 2  # L[first] < every mapped price <= L[last]
    last = up_formula(p_hi) + 2
    if last - first + 1 > _TABLE_MAX:
        return up_formula, dn_formula
    table = _levels_np(np.arange(first, last + 1, dtype=np.int64), kind, scale.params()).tolist()

    def up_table(price: float) -> int:
        return first + bisect.bisect_right(table, price + eps * abs(price)) - 1

    def dn_table(price: float) -> int:
        return first + bisect.bisect_left(table, price - eps * abs(price))

    return up_table, dn_table


def reference_series(
    high: npt.NDArray[np.float64],
    low: npt.NDArray[np.float64],
    ref: npt.NDArray[np.float64],
    scale: BoxScale,
    *,
    reversal: int,
    eps: float = REL_EPS,
    start: int = 0,
) -> SeriesResult:
    """One chart by the plain-Python engine, as :func:`~sizeup.analytics.pnf.build_series`.

    Parameters
    ----------
    high, low
        Prices that fill boxes up / down (the close twice for the close method); NaN bars skip.
    ref
        Prices whose first finite value (at or after ``start``) sets the initial box.
    scale
        Box scale (prices must lie in the range its grid supports, as ``pnf_chart`` checks).
    reversal
        Reversal in boxes.
    eps
        Relative tolerance of the box mapping.
    start
        Bars before this position are ignored.

    Returns
    -------
    SeriesResult
        The same arrays, dtypes and sentinels as the numba kernel's result.
    """
    up, dn = _box_maps(scale, eps, high, low, ref)
    r = reference_chart(
        np.asarray(high, dtype=np.float64).tolist(),
        np.asarray(low, dtype=np.float64).tolist(),
        np.asarray(ref, dtype=np.float64).tolist(),
        scale,
        reversal=reversal,
        start=start,
        eps=eps,
        mapping=(up, dn),
    )
    dt = FIELD_DTYPES
    per_col = list(zip(*r.columns, strict=True)) if r.columns else [(), (), (), (), ()]
    return SeriesResult(
        column=np.asarray(r.col, dtype=dt["column"]),
        direction=np.asarray(r.direction, dtype=dt["direction"]),
        box=_int32(r.box, NO_BOX),
        action=np.asarray(r.action, dtype=dt["action"]),
        boxes_added=np.asarray(r.added, dtype=dt["boxes_added"]),
        signal=np.asarray(r.signal, dtype=dt["signal"]),
        signal_fired=np.asarray(r.fired, dtype=dt["signal_fired"]),
        consec_buys=np.asarray(r.consec_buys, dtype=dt["consec_buys"]),
        consec_sells=np.asarray(r.consec_sells, dtype=dt["consec_sells"]),
        trend=np.asarray(r.trend, dtype=dt["trend"]),
        trend_line=_int32(r.trend_line, NO_LINE),
        col_direction=np.asarray(per_col[0], dtype=np.int8),
        col_low=np.asarray(per_col[1], dtype=np.int32),
        col_high=np.asarray(per_col[2], dtype=np.int32),
        col_first_bar=np.asarray(per_col[3], dtype=np.int32),
        col_last_bar=np.asarray(per_col[4], dtype=np.int32),
    )
