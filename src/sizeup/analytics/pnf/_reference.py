"""Slow, plain-Python reference of the point-and-figure engine (used only by the tests).

Written independently of :mod:`sizeup.analytics.pnf._kernel`, straight from the text of
docs/methods.md §P3 (columns), §1.4 (signals) and §1.6 (trend): every bar maps its high and low to
box indices by the definitions ``up(P) = max{i : L[i] <= P}`` and ``dn(P) = min{i : L[i] >= P}``
(searched with :meth:`BoxScale.level` only), then applies the rules with Python lists.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from sizeup.analytics.pnf._scale import REL_EPS, BoxScale

__all__ = ["ReferenceChart", "reference_chart"]


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

    Returns
    -------
    ReferenceChart
        Per-bar and per-column results.
    """
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
                    reference = (_up(scale, r, eps), _dn(scale, r, eps))
                else:
                    u, dd = _up(scale, h, eps), _dn(scale, lo_, eps)
                    if u >= reference[0] + 1:
                        cols.append(_Column(1, reference[0] + 1, u, t, t))
                        action, added = 1, u - reference[0]
                    elif dd <= reference[1] - 1:
                        cols.append(_Column(-1, dd, reference[1] - 1, t, t))
                        action, added = 2, reference[1] - dd
            else:
                cur = cols[-1]
                u, dd = _up(scale, h, eps), _dn(scale, lo_, eps)
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
