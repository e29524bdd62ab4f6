"""Point-and-figure chart patterns (docs/methods.md §P6) detected as dated events.

All rules work in box-index space on the column arrays of a chart, so they apply unchanged to
every box scale (traditional, percentage, fixed). Each bullish rule is written once; its bearish
mirror is found by running the same rule on the chart flipped upside down (box index ``i`` ->
``-i``, X <-> O), see :meth:`ColumnArrays.mirrored`.

Every event fires on the bar on which the box that completes the pattern is filled (for a
breakout: the first box above the resistance), found from the per-bar ``bar_column`` and
``bar_box`` arrays. Only information available on that bar is used (earlier columns are
complete; the current column is read through its bar-by-bar extreme), so the event list of a
chart truncated at any date is the prefix of the full list up to that date.

Notes
-----
Column indices follow docs/methods.md §P6: ``j`` is the current column, ``top(c)``/``bot(c)`` the
highest/lowest box of column ``c`` and X columns sit at even offsets from an X column ``j``.
The first column of a chart is used as a reference like any other (the high-pole golden test of
docs/methods.md §P6 measures the pole against it).

Breakouts are classified once: a double-top buy when ``top(j-2) != top(j-4)``, a triple-top buy
when exactly two equal prior tops are broken and a quadruple-top buy when three or more are.
The compound patterns (ascending/spread triple top, catapult, signal reversed, triangle,
shakeout) are reported *in addition* to that breakout on the same bar, so one bar can carry
several events.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Protocol

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sizeup.errors import DataError

__all__ = [
    "ColumnArrays",
    "Pattern",
    "PatternEvent",
    "PnfChartLike",
    "column_arrays",
    "detect_patterns",
    "find_pattern_events",
    "signal_columns",
]

log = logging.getLogger(__name__)

IntArray = NDArray[np.int64]


class PnfChartLike(Protocol):
    """What this module reads from a point-and-figure chart (``sizeup.analytics.pnf.PnfChart``)."""

    @property
    def dates(self) -> pd.DatetimeIndex:
        """Bar dates."""

    @property
    def scale(self) -> Any:
        """Box scale; ``scale.level(i)`` is the price of box ``i``."""

    @property
    def reversal(self) -> int:
        """Reversal in boxes."""

    @property
    def col_direction(self) -> NDArray[Any]:
        """Per column: +1 X, -1 O."""

    @property
    def col_low(self) -> NDArray[Any]:
        """Per column: lowest box index."""

    @property
    def col_high(self) -> NDArray[Any]:
        """Per column: highest box index."""

    @property
    def col_first_bar(self) -> NDArray[Any]:
        """Per column: bar that opened it."""

    @property
    def col_last_bar(self) -> NDArray[Any]:
        """Per column: last bar that belongs to it."""

    @property
    def bar_column(self) -> NDArray[Any]:
        """Per bar: current column (-1 before the first one)."""

    @property
    def bar_box(self) -> NDArray[Any]:
        """Per bar: current column's extreme box (top of X, bottom of O)."""

    @property
    def bar_trend(self) -> NDArray[Any]:
        """Per bar: +1 positive trend, -1 negative, 0 undefined."""


class Pattern(StrEnum):
    """Named P&F patterns; :attr:`direction` is +1 for bullish events and -1 for bearish ones.

    The reversal-of-signal patterns carry the signal they end in: ``SIGNAL_REVERSED_TO_BUY``
    is DWA's "bearish signal reversed" (a *bullish* event), ``SIGNAL_REVERSED_TO_SELL`` its
    mirror. ``HIGH_POLE`` and ``BULL_TRAP`` are bearish warnings; ``LOW_POLE``, ``BEAR_TRAP``
    and ``LONG_TAIL_DOWN`` bullish ones.
    """

    DOUBLE_TOP_BUY = "double_top_buy"
    TRIPLE_TOP_BUY = "triple_top_buy"
    QUADRUPLE_TOP_BUY = "quadruple_top_buy"
    ASCENDING_TRIPLE_TOP = "ascending_triple_top"
    SPREAD_TRIPLE_TOP = "spread_triple_top"
    BULLISH_CATAPULT = "bullish_catapult"
    SIGNAL_REVERSED_TO_BUY = "signal_reversed_to_buy"
    BULLISH_TRIANGLE = "bullish_triangle"
    BULLISH_SHAKEOUT = "bullish_shakeout"
    LOW_POLE = "low_pole"
    BEAR_TRAP = "bear_trap"
    LONG_TAIL_DOWN = "long_tail_down"
    DOUBLE_BOTTOM_SELL = "double_bottom_sell"
    TRIPLE_BOTTOM_SELL = "triple_bottom_sell"
    QUADRUPLE_BOTTOM_SELL = "quadruple_bottom_sell"
    DESCENDING_TRIPLE_BOTTOM = "descending_triple_bottom"
    SPREAD_TRIPLE_BOTTOM = "spread_triple_bottom"
    BEARISH_CATAPULT = "bearish_catapult"
    SIGNAL_REVERSED_TO_SELL = "signal_reversed_to_sell"
    BEARISH_TRIANGLE = "bearish_triangle"
    HIGH_POLE = "high_pole"
    BULL_TRAP = "bull_trap"

    @property
    def direction(self) -> int:
        """+1 for a bullish event, -1 for a bearish one."""
        return -1 if self in _BEARISH else 1


_BEARISH = frozenset(
    {
        Pattern.DOUBLE_BOTTOM_SELL,
        Pattern.TRIPLE_BOTTOM_SELL,
        Pattern.QUADRUPLE_BOTTOM_SELL,
        Pattern.DESCENDING_TRIPLE_BOTTOM,
        Pattern.SPREAD_TRIPLE_BOTTOM,
        Pattern.BEARISH_CATAPULT,
        Pattern.SIGNAL_REVERSED_TO_SELL,
        Pattern.BEARISH_TRIANGLE,
        Pattern.HIGH_POLE,
        Pattern.BULL_TRAP,
    }
)

# Rule name in upright orientation -> (pattern on the upright chart, pattern on the mirror).
_ORIENTED: dict[str, tuple[Pattern, Pattern | None]] = {
    "double": (Pattern.DOUBLE_TOP_BUY, Pattern.DOUBLE_BOTTOM_SELL),
    "triple": (Pattern.TRIPLE_TOP_BUY, Pattern.TRIPLE_BOTTOM_SELL),
    "quadruple": (Pattern.QUADRUPLE_TOP_BUY, Pattern.QUADRUPLE_BOTTOM_SELL),
    "ascending": (Pattern.ASCENDING_TRIPLE_TOP, Pattern.DESCENDING_TRIPLE_BOTTOM),
    "spread": (Pattern.SPREAD_TRIPLE_TOP, Pattern.SPREAD_TRIPLE_BOTTOM),
    "catapult": (Pattern.BULLISH_CATAPULT, Pattern.BEARISH_CATAPULT),
    "reversed": (Pattern.SIGNAL_REVERSED_TO_BUY, Pattern.SIGNAL_REVERSED_TO_SELL),
    "triangle": (Pattern.BULLISH_TRIANGLE, Pattern.BEARISH_TRIANGLE),
    "shakeout": (Pattern.BULLISH_SHAKEOUT, None),
    "pole": (Pattern.HIGH_POLE, Pattern.LOW_POLE),
    "trap": (Pattern.BULL_TRAP, Pattern.BEAR_TRAP),
    "long_tail": (Pattern.LONG_TAIL_DOWN, None),
}

_ORDER = {p: i for i, p in enumerate(Pattern)}


@dataclass(frozen=True)
class PatternEvent:
    """One pattern occurrence.

    Parameters
    ----------
    bar
        Position of the firing bar (0-based, in the chart's bars).
    column
        Column in which the completing box was filled.
    pattern
        What was found.
    box
        Box index of the event level: the breakout box for breakouts, the box reached by the
        retracing column for poles, the reversal column's first extreme for traps and tails.
    """

    bar: int
    column: int
    pattern: Pattern
    box: int

    @property
    def direction(self) -> int:
        """+1 bullish, -1 bearish."""
        return self.pattern.direction


@dataclass(frozen=True)
class ColumnArrays:
    """The column and per-bar arrays of a P&F chart that the pattern, count and render code read.

    Parameters
    ----------
    direction
        Per column: +1 X, -1 O.
    low, high
        Per column: lowest and highest box index (inclusive).
    first_bar, last_bar
        Per column: first and last bar position belonging to the column.
    bar_column
        Per bar: column index, -1 before the first column.
    bar_box
        Per bar: the current column's extreme box (top for X, bottom for O).
    bar_trend
        Per bar: +1 positive trend, -1 negative, 0 undefined; ``None`` when not known
        (the shakeout, which needs a positive trend, is then not detected).
    """

    direction: IntArray
    low: IntArray
    high: IntArray
    first_bar: IntArray
    last_bar: IntArray
    bar_column: IntArray
    bar_box: IntArray
    bar_trend: IntArray | None = None

    def __post_init__(self) -> None:
        n_col = len(self.direction)
        for name in ("low", "high", "first_bar", "last_bar"):
            if len(getattr(self, name)) != n_col:
                raise DataError(
                    f"column array {name!r} has {len(getattr(self, name))} entries, "
                    f"expected {n_col} (one per column, like 'direction')"
                )
        n_bar = len(self.bar_column)
        if len(self.bar_box) != n_bar:
            raise DataError(
                f"'bar_box' has {len(self.bar_box)} entries, expected {n_bar} (one per bar)"
            )
        if self.bar_trend is not None and len(self.bar_trend) != n_bar:
            raise DataError(
                f"'bar_trend' has {len(self.bar_trend)} entries, expected {n_bar} (one per bar)"
            )
        if n_col and not np.all(np.isin(self.direction, (-1, 1))):
            raise DataError("column 'direction' must hold only +1 (X) and -1 (O)")
        if n_col and np.any(self.low > self.high):
            bad = int(np.flatnonzero(self.low > self.high)[0])
            raise DataError(
                f"column {bad}: low box {self.low[bad]} is above high box {self.high[bad]}"
            )

    @classmethod
    def from_arrays(  # noqa: PLR0917 - the eight arrays of a chart, in contract order
        cls,
        direction: Any,
        low: Any,
        high: Any,
        first_bar: Any,
        last_bar: Any,
        bar_column: Any,
        bar_box: Any,
        bar_trend: Any = None,
    ) -> ColumnArrays:
        """Build from any array-likes (converted to int64)."""

        def arr(x: Any) -> IntArray:
            return np.asarray(x, dtype=np.int64)

        return cls(
            arr(direction),
            arr(low),
            arr(high),
            arr(first_bar),
            arr(last_bar),
            arr(bar_column),
            arr(bar_box),
            None if bar_trend is None else arr(bar_trend),
        )

    @property
    def n_columns(self) -> int:
        """Number of columns."""
        return len(self.direction)

    @property
    def n_bars(self) -> int:
        """Number of bars."""
        return len(self.bar_column)

    @property
    def n_boxes(self) -> IntArray:
        """Per column: number of boxes."""
        return self.high - self.low + 1

    def mirrored(self) -> ColumnArrays:
        """Return the chart flipped upside down: box ``i`` -> ``-i``, X <-> O, trend negated."""
        return ColumnArrays(
            -self.direction,
            -self.high,
            -self.low,
            self.first_bar,
            self.last_bar,
            self.bar_column,
            -self.bar_box,
            None if self.bar_trend is None else -self.bar_trend,
        )

    def asof_bar(self, bar: int) -> ColumnArrays:
        """Return the chart as it stood after bar ``bar`` (0-based; negative counts from the end).

        Later bars are dropped; the column current on that bar ends there with its extreme as
        of that bar.
        """
        if self.n_bars == 0:
            return self
        if bar < 0:
            bar += self.n_bars
        if not 0 <= bar < self.n_bars:
            raise DataError(f"bar {bar} is outside the chart's 0..{self.n_bars - 1} bars")
        cur = int(self.bar_column[bar])
        n = cur + 1
        low, high = self.low[:n].copy(), self.high[:n].copy()
        last = self.last_bar[:n].copy()
        if n:
            last[cur] = bar
            if self.direction[cur] > 0:
                high[cur] = self.bar_box[bar]
            else:
                low[cur] = self.bar_box[bar]
        sl = slice(0, bar + 1)
        return replace(
            self,
            direction=self.direction[:n],
            low=low,
            high=high,
            first_bar=self.first_bar[:n],
            last_bar=last,
            bar_column=self.bar_column[sl],
            bar_box=self.bar_box[sl],
            bar_trend=None if self.bar_trend is None else self.bar_trend[sl],
        )


def column_arrays(chart: PnfChartLike) -> ColumnArrays:
    """Extract the :class:`ColumnArrays` of a chart object."""
    trend = getattr(chart, "bar_trend", None)
    return ColumnArrays.from_arrays(
        chart.col_direction,
        chart.col_low,
        chart.col_high,
        chart.col_first_bar,
        chart.col_last_bar,
        chart.bar_column,
        chart.bar_box,
        trend,
    )


def _first_bar_reaching(cols: ColumnArrays, c: int, box: int) -> int | None:
    """First bar of column ``c`` whose extreme reaches ``box`` (>= for X, <= for O)."""
    lo, hi = int(cols.first_bar[c]), int(cols.last_bar[c])
    seg_col = cols.bar_column[lo : hi + 1]
    seg_box = cols.bar_box[lo : hi + 1]
    hit = seg_box >= box if cols.direction[c] > 0 else seg_box <= box
    idx = np.flatnonzero((seg_col == c) & hit)
    return lo + int(idx[0]) if idx.size else None


def signal_columns(cols: ColumnArrays) -> IntArray:
    """Per column: +1 if it gave a buy signal, -1 a sell signal, 0 neither (docs/methods.md §P4).

    An X column gives a buy signal when its top exceeds the top of the X column two columns
    back; an O column a sell signal when its bottom falls below the prior O bottom.
    """
    out = np.zeros(cols.n_columns, dtype=np.int64)
    for j in range(2, cols.n_columns):
        if cols.direction[j] > 0 and cols.high[j] > cols.high[j - 2]:
            out[j] = 1
        elif cols.direction[j] < 0 and cols.low[j] < cols.low[j - 2]:
            out[j] = -1
    return out


Emit = Callable[[str, int, int, int], None]


def _breakout_rules(cols: ColumnArrays, j: int, emit: Emit, *, upright: bool) -> None:
    """Rules that fire when X column ``j`` exceeds the prior X top (bullish orientation)."""
    top, bot = cols.high, cols.low
    if j < 2:
        return
    resistance = int(top[j - 2])
    if top[j] <= resistance:
        return
    bar = _first_bar_reaching(cols, j, resistance + 1)
    if bar is None:  # pragma: no cover - column arrays and bar arrays disagree
        log.warning("column %d reaches box %d but no bar does", j, resistance + 1)
        return
    box = resistance + 1

    # Double / triple / quadruple top: count equal prior X tops.
    equal = 1
    m = j - 4
    while m >= 0 and top[m] == resistance:
        equal += 1
        m -= 2
    emit("double" if equal == 1 else "triple" if equal == 2 else "quadruple", bar, j, box)

    if j >= 4 and top[j - 2] > top[j - 4]:
        emit("ascending", bar, j, box)

    # Spread triple top: equal tops at j-2 and an earlier X column, lower X tops in between.
    if j >= 6 and top[j - 4] < resistance:
        m = j - 4
        while m >= 0 and top[m] < resistance:
            m -= 2
        if m >= 0 and top[m] == resistance:
            emit("spread", bar, j, box)

    # Catapult: triple (or higher multiple) top buy at t=j-2, higher O bottom at j-1, then j
    # breaks the triple-top column's top.
    if j >= 6:
        t = j - 2
        if top[t] > top[t - 2] and top[t - 2] == top[t - 4] and bot[j - 1] >= bot[j - 3]:
            emit("catapult", bar, j, box)

    # Signal reversed: lower tops and lower bottoms over j-6..j-1, then a double-top buy.
    if j >= 6 and top[j - 6] > top[j - 4] > top[j - 2] and bot[j - 5] > bot[j - 3] > bot[j - 1]:
        emit("reversed", bar, j, box)

    # Triangle: lower tops and higher bottoms over j-4..j-1, resolved by a double-top buy.
    if j >= 4 and top[j - 4] > top[j - 2] and bot[j - 3] < bot[j - 1]:
        emit("triangle", bar, j, box)

    # Shakeout (bullish only): equal tops j-4, j-2 in a positive trend, O column j-1 breaks
    # the prior O bottom, X column j exceeds the equal tops.
    if (
        upright
        and cols.bar_trend is not None
        and j >= 4
        and top[j - 4] == resistance
        and bot[j - 1] < bot[j - 3]
        and cols.bar_trend[int(cols.last_bar[j - 2])] > 0
    ):
        emit("shakeout", bar, j, box)


def _pole_rule(cols: ColumnArrays, p: int, emit: Emit, *, strict: bool, min_boxes: int) -> None:
    """High pole on X column ``p`` retraced by O column ``p+1`` (bullish orientation)."""
    top, bot = cols.high, cols.low
    if p < 2 or p + 1 >= cols.n_columns or top[p] - top[p - 2] < min_boxes:
        return
    n = int(top[p] - bot[p] + 1)
    need = n // 2 + 1 if strict else (n + 1) // 2
    target = int(top[p]) - need  # O box reached after ``need`` boxes down from top-1
    if bot[p + 1] > target:
        return
    bar = _first_bar_reaching(cols, p + 1, target)
    if bar is not None:
        emit("pole", bar, p + 1, target)


def _trap_rule(cols: ColumnArrays, j: int, emit: Emit) -> None:
    """Bull trap: multiple-top breakout by exactly one box, then a reversal into O's."""
    top = cols.high
    if j < 4 or j + 1 >= cols.n_columns:
        return
    resistance = int(top[j - 2])
    if top[j] != resistance + 1 or top[j - 4] != resistance:
        return
    bar = int(cols.first_bar[j + 1])
    emit("trap", bar, j + 1, int(cols.bar_box[bar]))


def _long_tail_rule(cols: ColumnArrays, c: int, emit: Emit, *, min_boxes: int) -> None:
    """Long tail down: an O column of at least ``min_boxes`` boxes, then a reversal up."""
    if c + 1 >= cols.n_columns or cols.n_boxes[c] < min_boxes:
        return
    bar = int(cols.first_bar[c + 1])
    emit("long_tail", bar, c + 1, int(cols.bar_box[bar]))


def find_pattern_events(
    cols: ColumnArrays,
    *,
    pole_retrace_strict: bool = True,
    pole_min_boxes: int = 3,
    long_tail_boxes: int = 20,
) -> list[PatternEvent]:
    """Find every docs/methods.md §P6 pattern in a chart given as column arrays.

    Parameters
    ----------
    cols
        The chart's column and per-bar arrays.
    pole_retrace_strict
        Pole rule: the retracing column must cover *more than* 50 % of the pole column
        (``n >= floor(N/2) + 1``, Chartcraft); ``False`` accepts exactly 50 %
        (``2n >= N``, the nthaoan-dhl/pypnf fixture).
    pole_min_boxes
        A pole column must exceed the prior same-direction column by at least this many boxes.
    long_tail_boxes
        Minimum length of the O column of a long tail down.

    Returns
    -------
    list of PatternEvent
        Sorted by bar, then by the order of :class:`Pattern`.

    Notes
    -----
    Rules (docs/methods.md §P6, bullish form; bearish forms are mirrored):

    - breakout: X column ``j`` exceeds ``top(j-2)``; double, triple or quadruple (three or more
      equal prior tops) by the number of consecutive equal prior X tops;
    - ascending triple top: ``top(j) > top(j-2) > top(j-4)``;
    - spread triple top: ``top(j-2) == R``, scanning back over X tops lower than ``R`` one
      reaches an X top equal to ``R`` (at least one lower X top between), ``top(j) > R``;
    - catapult: ``top(j-2) > top(j-4) == top(j-6)`` (triple-top buy), ``bot(j-1) >= bot(j-3)``
      (no sell signal), ``top(j) > top(j-2)``;
    - signal reversed to buy: ``top(j-6) > top(j-4) > top(j-2)``,
      ``bot(j-5) > bot(j-3) > bot(j-1)``, then a double-top buy (seven columns);
    - triangle: ``top(j-4) > top(j-2)``, ``bot(j-3) < bot(j-1)``, then a double-top buy
      (five columns including the breakout);
    - shakeout: ``top(j-4) == top(j-2) == R`` with a positive trend on the last bar of
      column ``j-2``, ``bot(j-1) < bot(j-3)`` (double-bottom sell), ``top(j) > R``;
    - high pole: ``top(p) - top(p-2) >= pole_min_boxes``; fires when O column ``p+1`` has
      retraced the required share of column ``p``;
    - bull trap: ``top(j-2) == top(j-4) == R``, ``top(j) == R + 1``, then a reversal into O's;
      fires on the reversal bar;
    - long tail down: O column of ``>= long_tail_boxes`` boxes, fires on the bar that reverses
      it up.
    """
    if pole_min_boxes < 1 or long_tail_boxes < 1:
        raise DataError(
            f"pole_min_boxes={pole_min_boxes}, long_tail_boxes={long_tail_boxes}: "
            "both must be positive box counts"
        )
    events: list[PatternEvent] = []
    for upright, oriented in ((True, cols), (False, cols.mirrored())):
        sign = 1 if upright else -1

        def emit(rule: str, bar: int, column: int, box: int, sign: int = sign) -> None:
            pattern = _ORIENTED[rule][0 if sign > 0 else 1]
            if pattern is not None:
                events.append(PatternEvent(bar, column, pattern, sign * box))

        for j in range(oriented.n_columns):
            if oriented.direction[j] > 0:
                _breakout_rules(oriented, j, emit, upright=upright)
                _pole_rule(oriented, j, emit, strict=pole_retrace_strict, min_boxes=pole_min_boxes)
                _trap_rule(oriented, j, emit)
            elif upright:
                _long_tail_rule(oriented, j, emit, min_boxes=long_tail_boxes)
    events.sort(key=lambda e: (e.bar, _ORDER[e.pattern]))
    return events


def events_frame(
    events: list[PatternEvent],
    dates: pd.DatetimeIndex,
    level: Callable[[int], float],
) -> pd.DataFrame:
    """Tabulate events: columns date, bar, column, pattern, direction, level, box.

    ``level`` maps a box index to its price (``scale.level``).
    """
    return pd.DataFrame(
        {
            "date": pd.DatetimeIndex([dates[e.bar] for e in events], name=None),
            "bar": np.array([e.bar for e in events], dtype=np.int64),
            "column": np.array([e.column for e in events], dtype=np.int64),
            "pattern": pd.Series([str(e.pattern) for e in events], dtype=object),
            "direction": np.array([e.direction for e in events], dtype=np.int64),
            "level": np.array([float(level(e.box)) for e in events], dtype=np.float64),
            "box": np.array([e.box for e in events], dtype=np.int64),
        }
    )


def detect_patterns(
    chart: PnfChartLike,
    *,
    pole_retrace_strict: bool = True,
    pole_min_boxes: int = 3,
    long_tail_boxes: int = 20,
) -> pd.DataFrame:
    """Detect the docs/methods.md §P6 patterns of a chart as dated events.

    Parameters
    ----------
    chart
        A point-and-figure chart (``sizeup.analytics.pnf.PnfChart``).
    pole_retrace_strict, pole_min_boxes, long_tail_boxes
        See :func:`find_pattern_events`.

    Returns
    -------
    pandas.DataFrame
        One row per event, sorted by bar: ``date`` (firing bar's date), ``bar`` (its position),
        ``column``, ``pattern`` (a :class:`Pattern` value), ``direction`` (+1 bullish,
        -1 bearish), ``level`` (price of the event box) and ``box`` (its index).
    """
    events = find_pattern_events(
        column_arrays(chart),
        pole_retrace_strict=pole_retrace_strict,
        pole_min_boxes=pole_min_boxes,
        long_tail_boxes=long_tail_boxes,
    )
    return events_frame(events, chart.dates, chart.scale.level)
