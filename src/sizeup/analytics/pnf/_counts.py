"""Point-and-figure price objectives: vertical and horizontal counts (docs/methods.md §P7).

Two arithmetics are offered:

- ``"dwa_price"`` (default) -- DWA University Lesson 2. Bullish vertical count
  ``PO = bottom + R * sum(box sizes of the column)``; bearish ``PO = top - (R-1) * sum(...)``
  ("multiply by 2", for the usual R = 3). Box sizes are summed in price space, so a column
  that spans two box sizes counts each box at its own size ("do the calculation for each box
  size and add"). Horizontal counts use the box size at the base's anchor:
  ``bottom + width * R * box`` and ``top - width * (R-1) * box``.
- ``"index_space"`` -- the pypnf arithmetic: move ``n * R`` boxes up (bullish) or down
  (bearish) the grid from the anchor and read that level.

Box sizes follow DWA's labelling: the box labelled with level ``L[i]`` has size
``L[i] - L[i-1]`` (on the traditional grid 20 is a ½-point box, 21 a 1-point box, 102 a
2-point box), which is what reproduces the published mixed-box example (4 boxes at 0.50 plus
6 at 1.00 from 18.50 -> 42.50).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
import pandas as pd

from sizeup.analytics.pnf._patterns import (
    ColumnArrays,
    PnfChartLike,
    column_arrays,
    signal_columns,
)
from sizeup.errors import ConfigError, DataError
from sizeup.types import DateLike

__all__ = [
    "CountKind",
    "PoMethod",
    "PriceObjective",
    "Side",
    "horizontal_count",
    "horizontal_count_at",
    "label_box_size",
    "price_objective",
    "vertical_count",
    "vertical_count_at",
]

PoMethod = Literal["dwa_price", "index_space"]
Side = Literal["bullish", "bearish"]
CountKind = Literal["vertical", "horizontal"]


class LevelSource(Protocol):
    """Anything that maps a box index to its price (a ``BoxScale``)."""

    def level(self, i: int) -> float:
        """Price of box ``i``."""
        ...


@dataclass(frozen=True)
class PriceObjective:
    """A price objective from a P&F count.

    Parameters
    ----------
    price
        The objective.
    side
        ``"bullish"`` (upside target) or ``"bearish"`` (downside target).
    kind
        ``"vertical"`` or ``"horizontal"``.
    method
        ``"dwa_price"`` or ``"index_space"``.
    anchor_box, anchor_price
        Where the count is measured from: bottom of the X column / base (bullish), top of the
        O column / base (bearish).
    boxes
        Boxes in the counted column (vertical) or columns across the base (horizontal).
    multiplier
        Factor applied (``R`` bullish; ``R - 1`` bearish with ``"dwa_price"``).
    column
        The counted column (vertical) or the breakout column (horizontal), when from a chart.
    first_column
        First column of the base (horizontal counts from a chart).
    final
        ``False`` while the counted column is still the current column (DWA waits for the
        reversal that terminates it before using the count).
    target_box
        Box index of the objective (``"index_space"`` only).
    """

    price: float
    side: Side
    kind: CountKind
    method: PoMethod
    anchor_box: int
    anchor_price: float
    boxes: int
    multiplier: int
    column: int | None = None
    first_column: int | None = None
    final: bool = True
    target_box: int | None = None

    @property
    def direction(self) -> int:
        """+1 for a bullish objective, -1 for a bearish one."""
        return 1 if self.side == "bullish" else -1

    def summary(self) -> str:
        """One line, e.g. ``bullish vertical count 51 (from 21, 10 boxes x 3, dwa_price)``."""
        what = "boxes" if self.kind == "vertical" else "columns"
        state = "" if self.final else ", provisional: column not yet reversed"
        return (
            f"{self.side} {self.kind} count {self.price:.6g} (from {self.anchor_price:.6g}, "
            f"{self.boxes} {what} x {self.multiplier}, {self.method}{state})"
        )


def _check(reversal: int, method: str) -> None:
    if reversal < 2:
        raise ConfigError(f"reversal={reversal}: counts need a reversal of at least 2 boxes")
    if method not in ("dwa_price", "index_space"):
        raise ConfigError(f"po method {method!r} is not valid; use 'dwa_price' or 'index_space'")


def label_box_size(scale: LevelSource, i: int) -> float:
    """Return the size of the box labelled ``L[i]``: ``L[i] - L[i-1]``.

    At the start of a finite grid (``L[i-1]`` not finite) ``L[i+1] - L[i]`` is used.
    """
    below = scale.level(i - 1)
    here = scale.level(i)
    if math.isfinite(below):
        return here - below
    return scale.level(i + 1) - here


def vertical_count(
    scale: LevelSource,
    low_box: int,
    high_box: int,
    *,
    side: Side,
    reversal: int = 3,
    method: PoMethod = "dwa_price",
    column: int | None = None,
    final: bool = True,
) -> PriceObjective:
    """Vertical count of one column spanning boxes ``low_box..high_box``.

    Parameters
    ----------
    scale
        Box scale (``level(i)`` -> price).
    low_box, high_box
        Inclusive box range of the counted column.
    side
        ``"bullish"`` counts up from the bottom, ``"bearish"`` down from the top.
    reversal
        Reversal in boxes (R).
    method
        ``"dwa_price"``: ``bottom + R * sum(box sizes)`` / ``top - (R-1) * sum(box sizes)``;
        ``"index_space"``: the level ``n * R`` boxes above the bottom / below the top.
    column, final
        Recorded in the result.

    Returns
    -------
    PriceObjective

    Notes
    -----
    docs/methods.md §P7, DWA University Lesson 2: 10 X's of $1 from 21 -> 51; 10 O's of $1 from
    31 -> 11; 4 boxes at 0.50 + 6 at 1.00 from 18.50 -> 42.50.
    """
    _check(reversal, method)
    if high_box < low_box:
        raise DataError(f"vertical count: high box {high_box} is below low box {low_box}")
    return _objective(
        scale,
        low_box if side == "bullish" else high_box,
        high_box - low_box + 1,
        lambda mult: (
            mult * float(sum(label_box_size(scale, i) for i in range(low_box, high_box + 1)))
        ),
        side=side,
        kind="vertical",
        reversal=reversal,
        method=method,
        column=column,
        first_column=None,
        final=final,
    )


def horizontal_count(
    scale: LevelSource,
    anchor_box: int,
    width: int,
    *,
    side: Side,
    reversal: int = 3,
    method: PoMethod = "dwa_price",
    column: int | None = None,
    first_column: int | None = None,
    final: bool = True,
) -> PriceObjective:
    """Horizontal count across a base ``width`` columns wide.

    Parameters
    ----------
    scale
        Box scale.
    anchor_box
        Bottom of the base (bullish) or top of the base (bearish).
    width
        Number of columns across the widest part of the base.
    side, reversal, method
        As in :func:`vertical_count`; ``"dwa_price"`` uses the size of the anchor box.
    column, first_column, final
        Recorded in the result.

    Notes
    -----
    docs/methods.md §P7: width 7, $1, base bottom 20 -> 41; bearish width 8, top 34 -> 18.
    """
    _check(reversal, method)
    if width < 1:
        raise DataError(f"horizontal count: base width must be >= 1 column, got {width}")
    return _objective(
        scale,
        anchor_box,
        width,
        lambda mult: width * mult * label_box_size(scale, anchor_box),
        side=side,
        kind="horizontal",
        reversal=reversal,
        method=method,
        column=column,
        first_column=first_column,
        final=final,
    )


def _objective(
    scale: LevelSource,
    anchor: int,
    boxes: int,
    span: Callable[[int], float],
    *,
    side: Side,
    kind: CountKind,
    reversal: int,
    method: PoMethod,
    column: int | None,
    first_column: int | None,
    final: bool,
) -> PriceObjective:
    """Price objective of ``boxes`` counted from ``anchor`` (vertical and horizontal counts).

    ``span(multiplier)`` is the ``"dwa_price"`` distance from the anchor's price; with
    ``"index_space"`` the objective is the level ``boxes * reversal`` boxes from the anchor.
    """
    target = None
    if method == "dwa_price":
        if side == "bullish":
            mult = reversal
            price = scale.level(anchor) + span(mult)
        else:
            mult = reversal - 1
            price = scale.level(anchor) - span(mult)
    else:
        mult = reversal
        step = boxes * reversal
        target = anchor + step if side == "bullish" else anchor - step
        price = scale.level(target)
    return PriceObjective(
        price=float(price),
        side=side,
        kind=kind,
        method=method,
        anchor_box=anchor,
        anchor_price=float(scale.level(anchor)),
        boxes=boxes,
        multiplier=mult,
        column=column,
        first_column=first_column,
        final=final,
        target_box=target,
    )


def _side_now(signals: np.ndarray, side: Side | None) -> Side | None:
    if side is not None:
        if side not in ("bullish", "bearish"):
            raise ConfigError(f"side {side!r} is not valid; use 'bullish', 'bearish' or None")
        return side
    fired = signals[signals != 0]
    if fired.size == 0:
        return None
    return "bullish" if fired[-1] > 0 else "bearish"


def _count_column(signals: np.ndarray, side: Side) -> int | None:
    """First signal column of ``side`` after the last opposite signal."""
    want = 1 if side == "bullish" else -1
    opposite = np.flatnonzero(signals == -want)
    start = int(opposite[-1]) + 1 if opposite.size else 0
    hits = np.flatnonzero(signals[start:] == want)
    return start + int(hits[0]) if hits.size else None


def _asof(cols: ColumnArrays, bar: int | None) -> ColumnArrays:
    return cols if bar is None or cols.n_bars == 0 else cols.asof_bar(bar)


def vertical_count_at(
    cols: ColumnArrays,
    scale: LevelSource,
    *,
    bar: int | None = None,
    side: Side | None = None,
    reversal: int = 3,
    method: PoMethod = "dwa_price",
) -> PriceObjective | None:
    """Return the vertical count in force on a chart as of a bar.

    Parameters
    ----------
    cols
        The chart's column arrays.
    scale
        Its box scale.
    bar
        As-of bar position (default: last bar); later bars are ignored.
    side
        ``"bullish"``, ``"bearish"`` or ``None`` (the side of the signal in effect).
    reversal, method
        See :func:`vertical_count`.

    Returns
    -------
    PriceObjective | None
        ``None`` when there is no signal (of the requested side) to count from.

    Notes
    -----
    DWA: count the X column that gave the *first buy signal after the last sell signal*
    (bearish: the O column of the first sell after the last buy). While that column is still
    the current column the count is returned with ``final=False``.
    """
    now = _asof(cols, bar)
    signals = signal_columns(now)
    chosen = _side_now(signals, side)
    if chosen is None:
        return None
    c = _count_column(signals, chosen)
    if c is None:
        return None
    return vertical_count(
        scale,
        int(now.low[c]),
        int(now.high[c]),
        side=chosen,
        reversal=reversal,
        method=method,
        column=c,
        final=c < now.n_columns - 1,
    )


def _widest_row(cols: ColumnArrays, b: int) -> tuple[int, int]:
    """(width, first column) of the widest row of the base left of bullish breakout column b."""
    prev = b - 1
    best_width, best_first = 0, b
    for row in range(int(cols.low[prev]), int(cols.high[prev]) + 1):
        c = prev
        while c >= 0 and cols.low[c] <= row <= cols.high[c]:
            c -= 1
        width = b - c  # columns c+1 .. b, the breakout column included
        if width > best_width:  # strict: ties keep the lowest row
            best_width, best_first = width, c + 1
    return best_width, best_first


def horizontal_count_at(
    cols: ColumnArrays,
    scale: LevelSource,
    *,
    bar: int | None = None,
    side: Side | None = None,
    reversal: int = 3,
    method: PoMethod = "dwa_price",
) -> PriceObjective | None:
    """Return the horizontal count of the base under the signal in force, as of a bar.

    Parameters
    ----------
    cols, scale, bar, side, reversal, method
        As in :func:`vertical_count_at`.

    Returns
    -------
    PriceObjective | None
        ``None`` without a signal of the requested side or a base before it.

    Notes
    -----
    **[PROP]** operational base (DWA only says "the widest unbroken part of the base"): the
    breakout column ``b`` is the count column of :func:`vertical_count_at`. For every row of
    the column before it, walk left while each column contains that row; the width is the
    number of those columns plus the breakout column. The widest row wins (ties: the row
    nearest the base's far side, i.e. the lowest row for a bullish base). The anchor is the
    lowest box (bullish) / highest box (bearish) of the base's columns.
    """
    now = _asof(cols, bar)
    signals = signal_columns(now)
    chosen = _side_now(signals, side)
    if chosen is None:
        return None
    b = _count_column(signals, chosen)
    if b is None or b < 1:
        return None
    oriented = now if chosen == "bullish" else now.mirrored()
    width, first = _widest_row(oriented, b)
    anchor = int(oriented.low[first : b + 1].min())
    if chosen == "bearish":
        anchor = -anchor
    return horizontal_count(
        scale,
        anchor,
        width,
        side=chosen,
        reversal=reversal,
        method=method,
        column=b,
        first_column=first,
        final=b < now.n_columns - 1,
    )


def price_objective(
    chart: PnfChartLike,
    *,
    kind: CountKind = "vertical",
    asof: DateLike | None = None,
    side: Side | None = None,
    method: PoMethod = "dwa_price",
) -> PriceObjective | None:
    """Price objective of a chart object (``sizeup.analytics.pnf.PnfChart``).

    Parameters
    ----------
    chart
        The chart; its ``scale`` and ``reversal`` are used.
    kind
        ``"vertical"`` or ``"horizontal"``.
    asof
        Date (anything :class:`pandas.Timestamp` accepts); the last bar on or before it is used.
        Default: the chart's last bar.
    side
        ``"bullish"``, ``"bearish"`` or ``None`` (the side of the signal in effect).
    method
        ``"dwa_price"`` or ``"index_space"``.
    """
    cols = column_arrays(chart)
    bar: int | None = None
    if asof is not None:
        stamp = pd.Timestamp(asof)
        pos = int(chart.dates.searchsorted(stamp, side="right")) - 1
        if pos < 0:
            raise DataError(
                f"asof {stamp.date()} is before the chart's first bar {chart.dates[0].date()}"
            )
        bar = pos
    if kind == "vertical":
        fn = vertical_count_at
    elif kind == "horizontal":
        fn = horizontal_count_at
    else:
        raise ConfigError(f"count kind {kind!r} is not valid; use 'vertical' or 'horizontal'")
    return fn(cols, chart.scale, bar=bar, side=side, reversal=int(chart.reversal), method=method)
