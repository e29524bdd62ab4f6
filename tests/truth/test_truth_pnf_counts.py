"""P&F price objectives on hand-drawn charts ($1 boxes, box index == price), traced by hand.

Charts are written column by column ("X 10-14" = an X column filling boxes 10..14); the helper
turns the drawing into per-bar arrays: a column's opening bar fills ``reversal`` boxes (the first
column one box) and every later bar one more box.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sizeup.analytics.pnf import (
    ColumnArrays,
    FixedScale,
    horizontal_count,
    horizontal_count_at,
    label_box_size,
    price_objective,
    vertical_count,
    vertical_count_at,
)
from sizeup.errors import ConfigError, DataError

ONE = FixedScale(1.0)


def draw(*spec: str, reversal: int = 3) -> ColumnArrays:
    """Hand-drawn columns -> column and bar arrays (checks that columns alternate legally)."""
    direction, low, high, first, last, bar_column, bar_box = [], [], [], [], [], [], []
    for c, text in enumerate(spec):
        kind, rng = text.split()
        lo, hi = sorted(int(v) for v in rng.split("-"))
        d = 1 if kind == "X" else -1
        if c > 0:
            assert d == -direction[-1] and hi - lo + 1 >= reversal
            assert (lo == low[-1] + 1) if d > 0 else (hi == high[-1] - 1)
        opening = 1 if c == 0 else reversal
        first.append(len(bar_column))
        boxes = range(lo + opening - 1, hi + 1) if d > 0 else range(hi - opening + 1, lo - 1, -1)
        for b in boxes:
            bar_column.append(c)
            bar_box.append(b)
        last.append(len(bar_column) - 1)
        direction.append(d)
        low.append(lo)
        high.append(hi)
    return ColumnArrays.from_arrays(direction, low, high, first, last, bar_column, bar_box)


# column 3 (O 9-13) is a sell (9 < 11), column 4 (X 10-15) the buy after it (15 > 14).
# Base left of column 4: rows 12-13 are in columns 3, 2, 1 and 0 -> width 5 with column 4;
# the base's lowest box is 9, in column 3 (the column before the breakout)
H = ("X 10-14", "O 11-13", "X 12-14", "O 9-13", "X 10-15")


def test_count_texts() -> None:
    up = vertical_count(ONE, 21, 30, side="bullish")
    assert up.summary() == "bullish vertical count 51 (from 21, 10 boxes x 3, dwa_price)"
    assert up.final is True and up.target_box is None
    down = horizontal_count(ONE, 34, 8, side="bearish", final=False)
    assert down.final is False
    assert down.summary() == (
        "bearish horizontal count 18 (from 34, 8 columns x 2, dwa_price, "
        "provisional: column not yet reversed)"
    )
    assert horizontal_count(ONE, 20, 7, side="bullish").final is True


def test_smallest_counts_and_two_box_reversal() -> None:
    # one box: 21 + 1 * 3 = 24; one column wide: 20 + 1 * 3 = 23
    assert vertical_count(ONE, 21, 21, side="bullish").price == 24.0
    assert horizontal_count(ONE, 20, 1, side="bullish").price == 23.0
    # 2-box reversal: 21 + 10 * 2 = 41 up; 31 - 10 * 1 = 21 down
    two = vertical_count(ONE, 21, 30, side="bullish", reversal=2)
    assert (two.price, two.multiplier) == (41.0, 2)
    assert vertical_count(ONE, 22, 31, side="bearish", reversal=2).price == 21.0


@dataclass(frozen=True)
class Levels:
    """A finite grid: no level below box 0."""

    values: tuple[float, ...]

    def level(self, i: int) -> float:
        return self.values[i] if 0 <= i < len(self.values) else math.nan


def test_label_box_size_at_the_start_of_a_finite_grid() -> None:
    grid = Levels((20.0, 20.5, 21.5))
    assert label_box_size(grid, 0) == 0.5  # L[1] - L[0]: no L[-1]
    assert label_box_size(grid, 2) == 1.0  # L[2] - L[1]


def test_horizontal_count_with_the_low_in_the_column_before_the_breakout() -> None:
    cols = draw(*H)
    po = horizontal_count_at(cols, ONE)
    assert po is not None
    # 9 + 5 * 3 = 24; column 4 is still the current column
    assert (po.price, po.boxes, po.first_column, po.column, po.anchor_price) == (
        24.0,
        5,
        0,
        4,
        9.0,
    )
    assert po.final is False
    # 2-box reversal: 9 + 5 * 2 = 19; index space: 5 * 3 boxes above box 9 is box 24
    assert horizontal_count_at(cols, ONE, reversal=2).price == 19.0
    assert horizontal_count_at(cols, ONE, method="index_space").target_box == 24
    # once an O column (14..12, no sell: 12 > 9) follows, the count is final
    after = horizontal_count_at(draw(*H, "O 12-14"), ONE)
    assert after is not None and after.final is True and after.price == 24.0


def test_horizontal_count_side_and_bar() -> None:
    cols = draw(*H)
    # no sell after the last buy (column 4)
    assert horizontal_count_at(cols, ONE, side="bearish") is None
    # as of the last bar of column 3 the sell is in force: a bearish count of column 3
    po = horizontal_count_at(cols, ONE, bar=int(cols.last_bar[3]))
    assert po is not None and (po.side, po.column) == ("bearish", 3)


def test_base_rows_at_column_edges() -> None:
    # 2-box reversal: X 10-14, O 12-13, X 13-14, O 12-13, X 13-15 (15 > 14: buy). Row 13 is
    # the top of columns 1 and 3 and the bottom of column 2 and is in all four columns before
    # the breakout: width 5; row 12 stops at column 2. Base bottom 10: 10 + 5 * 2 = 20
    cols = draw("X 10-14", "O 12-13", "X 13-14", "O 12-13", "X 13-15", reversal=2)
    po = horizontal_count_at(cols, ONE, reversal=2)
    assert po is not None and (po.boxes, po.first_column, po.price) == (5, 0, 20.0)


def test_vertical_count_at_passes_reversal_method_and_side() -> None:
    cols = draw(*H)
    # column 4 = 10..15, 6 boxes: 10 + 6 * 2 = 22 with a 2-box reversal; 18 boxes up = box 28
    assert vertical_count_at(cols, ONE, reversal=2).price == 22.0
    assert vertical_count_at(cols, ONE, method="index_space").target_box == 28
    assert vertical_count_at(cols, ONE, side="bearish") is None  # no sell after column 4
    with pytest.raises(ConfigError, match=r"^side 'up' is not valid; use 'bullish', 'bearish'"):
        vertical_count_at(cols, ONE, side="up")  # type: ignore[arg-type]


def test_bar_outside_a_one_bar_chart() -> None:
    cols = draw("X 10-10")
    assert cols.n_bars == 1
    assert vertical_count_at(cols, ONE, bar=0) is None
    with pytest.raises(DataError, match=r"^bar 5 is outside"):
        vertical_count_at(cols, ONE, bar=5)


@dataclass(frozen=True)
class Chart:
    dates: pd.DatetimeIndex
    scale: Any
    reversal: int
    col_direction: np.ndarray
    col_low: np.ndarray
    col_high: np.ndarray
    col_first_bar: np.ndarray
    col_last_bar: np.ndarray
    bar_column: np.ndarray
    bar_box: np.ndarray


def _chart(cols: ColumnArrays, reversal: int = 3) -> Chart:
    dates = pd.bdate_range("2024-03-01", periods=cols.n_bars)
    return Chart(
        dates,
        ONE,
        reversal,
        cols.direction,
        cols.low,
        cols.high,
        cols.first_bar,
        cols.last_bar,
        cols.bar_column,
        cols.bar_box,
    )


def test_price_objective_passes_side_reversal_method_and_first_date() -> None:
    chart = _chart(draw(*H))
    assert price_objective(chart, side="bearish") is None
    assert price_objective(chart, asof=chart.dates[0]) is None  # the first bar: no signal yet
    with pytest.raises(DataError, match=r"^asof 2024-02-29 is before the chart's first bar "):
        price_objective(chart, asof="2024-02-29")
    with pytest.raises(DataError, match=r"first bar 2024-03-01$"):
        price_objective(chart, asof="2024-02-29")
    # the chart's own reversal: 10 + 6 * 2 = 22
    two = price_objective(_chart(draw(*H), reversal=2))
    assert two is not None and two.price == 22.0
    idx = price_objective(chart, method="index_space")
    assert idx is not None and idx.target_box == 28
