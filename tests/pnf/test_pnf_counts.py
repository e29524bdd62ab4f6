"""Golden tests for P&F price objectives (METHODS.md §1.7, §9 items 2-3).

Published examples (DWA University Lesson 2, index2_6 .. index2_11) and hand-drawn charts on a
$1 grid (box index == price).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sizeup.analytics.pnf import (
    ColumnArrays,
    FixedScale,
    TraditionalScale,
    horizontal_count,
    horizontal_count_at,
    label_box_size,
    price_objective,
    vertical_count,
    vertical_count_at,
)
from sizeup.errors import ConfigError, DataError


def index_of(scale: Any, price: float) -> int:
    """Box index of a price that sits exactly on a grid level (test-side search)."""
    for i in range(0, 100_000):
        if scale.level(i) == price:
            return i
    raise AssertionError(price)


# ----------------------------------------------------------------------------- §9 item 2


@pytest.mark.parametrize(
    ("box", "bottom", "expected"),
    [(1.0, 21.0, 51.0), (0.25, 1.25, 8.75), (0.5, 12.5, 27.5), (2.0, 102.0, 162.0)],
)
def test_bullish_vertical_count_dwa_examples_fixed_box(
    box: float, bottom: float, expected: float
) -> None:
    # 10 X's: PO = bottom + 10 * 3 * box
    scale = FixedScale(box)
    low = index_of(scale, bottom)
    po = vertical_count(scale, low, low + 9, side="bullish")
    assert po.price == pytest.approx(expected, abs=1e-12)
    assert (po.boxes, po.multiplier, po.anchor_price) == (10, 3, bottom)
    assert po.direction == 1 and po.kind == "vertical" and po.method == "dwa_price"


@pytest.mark.parametrize("table", ["dwa", "stockcharts"])
@pytest.mark.parametrize(
    ("bottom", "expected"), [(21.0, 51.0), (1.25, 8.75), (12.5, 27.5), (102.0, 162.0)]
)
def test_bullish_vertical_count_dwa_examples_traditional(
    table: Any, bottom: float, expected: float
) -> None:
    # the four examples each sit inside one range of the traditional table
    scale = TraditionalScale(table)
    low = index_of(scale, bottom)
    assert vertical_count(scale, low, low + 9, side="bullish").price == pytest.approx(expected)


def test_bearish_vertical_count_dwa_example() -> None:
    # 10 O's of $1 from 31 down to 22: PO = 31 - 10 * 2 * 1 = 11
    scale = FixedScale(1.0)
    po = vertical_count(scale, 22, 31, side="bearish")
    assert po.price == 11.0
    assert (po.anchor_box, po.anchor_price, po.multiplier, po.direction) == (31, 31.0, 2, -1)


@pytest.mark.parametrize("table", ["dwa", "stockcharts"])
def test_mixed_box_vertical_count(table: Any) -> None:
    # DWA index2_11: bottom 18.50; boxes 18.5, 19, 19.5, 20 are 0.50 boxes (4), 21..26 are
    # 1.00 boxes (6): 4*0.5*3 + 6*1*3 = 6 + 18 = 24 -> 18.50 + 24 = 42.50
    scale = TraditionalScale(table)
    low, high = index_of(scale, 18.5), index_of(scale, 26.0)
    assert high - low + 1 == 10
    assert [label_box_size(scale, i) for i in range(low, high + 1)] == [0.5] * 4 + [1.0] * 6
    assert vertical_count(scale, low, high, side="bullish").price == pytest.approx(42.5)


def test_index_space_counts() -> None:
    one = FixedScale(1.0)
    # pypnf arithmetic: 30 boxes up from 21 -> 51; 30 boxes down from 31 -> 1 (not DWA's 11)
    up = vertical_count(one, 21, 30, side="bullish", method="index_space")
    assert (up.price, up.target_box) == (51.0, 51)
    down = vertical_count(one, 22, 31, side="bearish", method="index_space")
    assert (down.price, down.target_box, down.multiplier) == (1.0, 1, 3)
    # mixed grid, 30 boxes up from 18.50: 19, 19.5, 20 (3 half boxes) then 27 $1 boxes -> 47
    trad = TraditionalScale("dwa")
    low = index_of(trad, 18.5)
    assert vertical_count(trad, low, low + 9, side="bullish", method="index_space").price == 47.0


# ----------------------------------------------------------------------------- §9 item 3


def test_horizontal_counts_dwa_examples() -> None:
    one = FixedScale(1.0)
    bull = horizontal_count(one, 20, 7, side="bullish")  # 20 + 7*3*1
    assert (bull.price, bull.kind, bull.boxes) == (41.0, "horizontal", 7)
    bear = horizontal_count(one, 34, 8, side="bearish")  # 34 - 8*2*1
    assert (bear.price, bear.multiplier) == (18.0, 2)
    idx = horizontal_count(one, 34, 8, side="bearish", method="index_space")
    assert idx.price == 34.0 - 24.0


def test_count_validation() -> None:
    one = FixedScale(1.0)
    with pytest.raises(ConfigError, match="po method 'pypnf'"):
        vertical_count(one, 1, 5, side="bullish", method="pypnf")
    with pytest.raises(ConfigError, match="reversal=1"):
        vertical_count(one, 1, 5, side="bullish", reversal=1)
    with pytest.raises(DataError, match="below low box"):
        vertical_count(one, 5, 1, side="bullish")
    with pytest.raises(DataError, match="width must be >= 1"):
        horizontal_count(one, 5, 0, side="bullish")


# ----------------------------------------------------------------------------- from charts


def draw(*spec: str) -> ColumnArrays:
    """Hand-drawn columns -> arrays; opening bar fills min(3, n) boxes, then one box per bar."""
    direction, low, high, first, last, bar_column, bar_box = [], [], [], [], [], [], []
    for c, text in enumerate(spec):
        kind, rng = text.split()
        lo, hi = sorted(int(v) for v in rng.split("-"))
        d = 1 if kind == "X" else -1
        if c > 0:
            assert d == -direction[-1] and hi - lo + 1 >= 3
            assert (lo == low[-1] + 1) if d > 0 else (hi == high[-1] - 1)
        opening = 1 if c == 0 else 3
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


ONE = FixedScale(1.0)


def test_vertical_count_from_chart_waits_for_the_reversal() -> None:
    # X 10-14, O 11-13, X 12-16 (buy at column 2: 15 > 14), O 13-15
    cols = draw("X 10-14", "O 11-13", "X 12-16", "O 13-15")
    po = vertical_count_at(cols, ONE)
    assert po is not None
    # column 2 = 12..16, 5 boxes: 12 + 5*3 = 27, final once column 3 exists
    assert (po.price, po.column, po.final, po.side) == (27.0, 2, True, "bullish")
    # as of the last bar of column 2 the count is provisional: 12 + 5*3 = 27 as well
    mid = vertical_count_at(cols, ONE, bar=int(cols.last_bar[2]))
    assert mid is not None and (mid.price, mid.final) == (27.0, False)
    # as of the bar that filled 15 (the buy), column 2 is 12..15: 12 + 4*3 = 24, provisional
    buy_bar = int(np.flatnonzero((cols.bar_column == 2) & (cols.bar_box == 15))[0])
    early = vertical_count_at(cols, ONE, bar=buy_bar)
    assert early is not None and (early.price, early.final) == (24.0, False)
    # before any signal: no count
    assert vertical_count_at(cols, ONE, bar=buy_bar - 1) is None


def test_vertical_count_uses_first_buy_after_last_sell() -> None:
    # buys at columns 2 (15 > 14) and 4 (17 > 15): the count stays on column 2 = 12..15,
    # 4 boxes: 12 + 4*3 = 24
    cols = draw("X 10-14", "O 11-13", "X 12-15", "O 12-14", "X 13-17", "O 14-16")
    po = vertical_count_at(cols, ONE)
    assert po is not None and (po.price, po.column) == (24.0, 2)
    # a sell at column 5 (11 < 12): bearish count of column 5 = 11..16, 6 boxes:
    # 16 - 6*2 = 4, provisional (still the current column)
    sold = draw("X 10-14", "O 11-13", "X 12-15", "O 12-14", "X 13-17", "O 11-16")
    bear = vertical_count_at(sold, ONE)
    assert bear is not None
    assert (bear.side, bear.price, bear.column, bear.final) == ("bearish", 4.0, 5, False)
    # the bullish count can still be asked for: there is no buy after the last sell
    assert vertical_count_at(sold, ONE, side="bullish") is None


def test_horizontal_count_from_chart_bullish_base() -> None:
    #  30 X
    #  29 X O
    #  ..   (column 1 comes down from 29 to 12: the left wall)
    #  17 X O . . . . X   <- triple-top buy at column 6
    #  16 X O X . X . X
    #  15 X O X O X O X
    #  14 X O X O X O X
    #  13 X O X O X O X
    #  12 . O . O . O
    # rows 13-15 run unbroken across columns 1..6 -> width 6 (row 12 only 2); base bottom 12
    # PO = 12 + 6*3*1 = 30
    cols = draw("X 20-30", "O 12-29", "X 13-16", "O 12-15", "X 13-16", "O 12-15", "X 13-17")
    po = horizontal_count_at(cols, ONE)
    assert po is not None
    assert (po.price, po.boxes, po.first_column, po.column, po.anchor_price) == (
        30.0,
        6,
        1,
        6,
        12.0,
    )


def test_horizontal_count_from_chart_bearish_base() -> None:
    # mirror-like base: column 1 rallies 11..28 (wall), then O 25-27 / X 26-28 / O 25-27 /
    # X 26-28 and column 6 breaks 25 at 24 (triple-bottom sell). Rows 26-27 run across
    # columns 1..6 -> width 6; top of base 28; PO = 28 - 6*2*1 = 16
    cols = draw("O 10-20", "X 11-28", "O 25-27", "X 26-28", "O 25-27", "X 26-28", "O 24-27")
    po = horizontal_count_at(cols, ONE)
    assert po is not None
    assert (po.side, po.price, po.boxes, po.first_column, po.anchor_price) == (
        "bearish",
        16.0,
        6,
        1,
        28.0,
    )
    vert = vertical_count_at(cols, ONE)  # column 6 = 24..27: 27 - 4*2 = 19, provisional
    assert vert is not None and (vert.price, vert.final) == (19.0, False)


@dataclass(frozen=True)
class FakeChart:
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


def test_price_objective_on_a_chart_object_and_asof() -> None:
    cols = draw("X 10-14", "O 11-13", "X 12-16", "O 13-15")
    dates = pd.bdate_range("2024-03-01", periods=cols.n_bars)
    chart = FakeChart(
        dates,
        FixedScale(0.5),
        3,
        cols.direction,
        cols.low,
        cols.high,
        cols.first_bar,
        cols.last_bar,
        cols.bar_column,
        cols.bar_box,
    )
    po = price_objective(chart)
    # column 2 = boxes 12..16 on a $0.50 grid = 6.00 .. 8.00: 6 + 5*3*0.5 = 13.5
    assert po is not None and po.price == 13.5 and po.final
    assert "bullish vertical count 13.5" in po.summary()
    # as of the date of the bar that filled box 15 (the buy): 6 + 4*3*0.5 = 12, provisional
    buy_bar = int(np.flatnonzero((cols.bar_column == 2) & (cols.bar_box == 15))[0])
    early = price_objective(chart, asof=dates[buy_bar])
    assert early is not None and (early.price, early.final) == (12.0, False)
    assert "provisional" in early.summary()
    with pytest.raises(DataError, match="before the chart's first bar"):
        price_objective(chart, asof="2020-01-01")
    with pytest.raises(ConfigError, match="count kind"):
        price_objective(chart, kind="diagonal")
    horiz = price_objective(chart, kind="horizontal")
    # rows 12-13 of column 1 (11..13): row 12 in columns 1 and 0 (10..14) -> width 3 with the
    # breakout column; base bottom 10 -> 5.00 + 3*3*0.5 = 9.5
    assert horiz is not None and (horiz.price, horiz.boxes) == (9.5, 3)
