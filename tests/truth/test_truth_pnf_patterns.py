"""P&F pattern rules at their edges, on hand-drawn charts ($1 boxes, box index == price).

"X 10-14" is an X column filling boxes 10..14; a column's opening bar fills three boxes (the
first column one box), every later bar one more box.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from sizeup.analytics.pnf import (
    ColumnArrays,
    FixedScale,
    Pattern,
    detect_patterns,
    find_pattern_events,
    signal_columns,
)
from sizeup.errors import DataError

P = Pattern


def _arrays(*spec: str) -> tuple[list[int], ...]:
    direction, low, high, first, last, bar_column, bar_box = [], [], [], [], [], [], []
    for c, text in enumerate(spec):
        kind, rng = text.split()
        lo, hi = sorted(int(v) for v in rng.split("-"))
        d = 1 if kind == "X" else -1
        if c > 0:  # a legal 3-box chart: columns alternate and start one box beyond
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
    return direction, low, high, first, last, bar_column, bar_box


def draw(*spec: str, trend: list[int] | None = None) -> ColumnArrays:
    return ColumnArrays.from_arrays(*_arrays(*spec), trend)


def found(cols: ColumnArrays, **kw: int) -> dict[int, set[Pattern]]:
    out: dict[int, set[Pattern]] = {}
    for e in find_pattern_events(cols, **kw):
        out.setdefault(e.column, set()).add(e.pattern)
    return out


@dataclass(frozen=True)
class Chart:
    dates: pd.DatetimeIndex
    scale: FixedScale
    reversal: int
    col_direction: np.ndarray
    col_low: np.ndarray
    col_high: np.ndarray
    col_first_bar: np.ndarray
    col_last_bar: np.ndarray
    bar_column: np.ndarray
    bar_box: np.ndarray


def chart(*spec: str) -> Chart:
    cols = draw(*spec)
    dates = pd.bdate_range("2024-01-01", periods=cols.n_bars)
    return Chart(
        dates,
        FixedScale(1.0),
        3,
        cols.direction,
        cols.low,
        cols.high,
        cols.first_bar,
        cols.last_bar,
        cols.bar_column,
        cols.bar_box,
    )


def test_event_table_types_with_and_without_events() -> None:
    none = detect_patterns(chart("X 10-14", "O 11-13", "X 12-14"))  # equal top: no event
    one = detect_patterns(chart("X 10-14", "O 11-13", "X 12-15"))  # double-top buy at 15
    assert one["pattern"].tolist() == ["double_top_buy"]
    assert one["level"].tolist() == [15.0]
    for frame in (none, one):
        assert frame["bar"].dtype == np.int64
        assert frame["column"].dtype == np.int64
        assert frame["direction"].dtype == np.int64
        assert frame["box"].dtype == np.int64
        assert frame["pattern"].dtype == object
        assert frame["level"].dtype == np.float64


def test_pole_of_exactly_the_minimum_height_and_odd_length() -> None:
    # column 2 (12..17) tops column 0 (14) by 3 boxes: a pole with the default minimum of 3;
    # 6 boxes, more than half = 4, so O column 3 must reach 17 - 4 = 13 (it does: 16..13)
    spec = ("X 10-14", "O 11-13", "X 12-17", "O 13-16")
    assert P.HIGH_POLE in found(draw(*spec))[3]
    assert P.HIGH_POLE not in found(draw(*spec), pole_min_boxes=4).get(3, set())
    assert "high_pole" in detect_patterns(chart(*spec))["pattern"].tolist()
    assert "high_pole" not in detect_patterns(chart(*spec), pole_min_boxes=4)["pattern"].tolist()
    # 7 boxes (12..18): more than half = 4 boxes, 18 - 4 = 14; O 17..14 reaches it
    events = find_pattern_events(draw("X 10-14", "O 11-13", "X 12-18", "O 14-17"))
    assert [(e.column, e.box) for e in events if e.pattern == P.HIGH_POLE] == [(3, 14)]


def test_long_tail_of_exactly_the_default_length() -> None:
    # O column 1 is 20 boxes (39..20), then X 21-23 reverses it: a long tail down
    spec = ("X 30-40", "O 20-39", "X 21-23")
    assert "long_tail_down" in detect_patterns(chart(*spec))["pattern"].tolist()
    assert (
        "long_tail_down"
        not in detect_patterns(chart(*spec), long_tail_boxes=21)["pattern"].tolist()
    )


def test_smallest_rule_parameters_and_the_error() -> None:
    cols = draw("X 10-14", "O 11-13", "X 12-15")
    assert P.DOUBLE_TOP_BUY in found(cols, pole_min_boxes=1, long_tail_boxes=1)[2]
    with pytest.raises(
        DataError, match=r"^pole_min_boxes=0, long_tail_boxes=20: both must be positive box counts$"
    ):
        find_pattern_events(cols, pole_min_boxes=0)


def test_equal_top_is_no_breakout_and_no_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="sizeup.analytics.pnf._patterns"):
        assert find_pattern_events(draw("X 10-14", "O 11-13", "X 12-14", "O 11-13")) == []
    assert caplog.records == []


def test_catapult_with_an_equal_o_bottom() -> None:
    # triple-top buy at column 4 (15 > 14 == 14); O column 5 bottoms at 11, as column 3 did
    # (no sell; column 2's X bottom 12 plays no part); column 6 tops 15: catapult
    cols = draw("X 10-14", "O 11-13", "X 12-14", "O 11-13", "X 12-15", "O 11-14", "X 12-16")
    assert P.BULLISH_CATAPULT in found(cols)[6]


@pytest.mark.parametrize(
    "spec",
    [
        # tops 20, 20, 18: not three lower tops
        ("X 10-20", "O 15-19", "X 16-20", "O 14-19", "X 15-18", "O 13-17", "X 14-19"),
        # bottoms 15, 15, 13: not three lower bottoms
        ("X 10-20", "O 15-19", "X 16-19", "O 15-18", "X 16-18", "O 13-17", "X 14-19"),
        # bottoms 15, 14, 14
        ("X 10-20", "O 15-19", "X 16-19", "O 14-18", "X 15-18", "O 14-17", "X 15-19"),
    ],
)
def test_signal_reversed_needs_strictly_lower_tops_and_bottoms(spec: tuple[str, ...]) -> None:
    events = found(draw(*spec))
    assert P.DOUBLE_TOP_BUY in events[6]
    assert P.SIGNAL_REVERSED_TO_BUY not in events[6]


def test_triangle_needs_strictly_lower_tops() -> None:
    # tops 16, 16 (equal: a triple top, not a triangle), bottoms 11 < 13
    events = found(draw("X 10-16", "O 11-15", "X 12-16", "O 13-15", "X 14-17"))
    assert P.TRIPLE_TOP_BUY in events[4]
    assert P.BULLISH_TRIANGLE not in events[4]


def test_shakeout_reads_the_trend_on_the_last_bar_of_the_second_top() -> None:
    # equal tops 14 (columns 0, 2), column 3 breaks column 1's bottom (10 < 11), column 4 tops
    spec = ("X 10-14", "O 11-13", "X 12-14", "O 10-13", "X 11-15")
    bar_column = _arrays(*spec)[5]
    pos_on_2 = [1 if c == 2 else -1 for c in bar_column]  # positive only while column 2 runs
    assert P.BULLISH_SHAKEOUT in found(draw(*spec, trend=pos_on_2))[4]
    undefined = [0] * len(bar_column)
    assert P.BULLISH_SHAKEOUT not in found(draw(*spec, trend=undefined))[4]


def test_signal_codes_are_integers() -> None:
    sig = signal_columns(draw("X 10-14", "O 11-13", "X 12-15", "O 9-14"))
    assert sig.tolist() == [0, 0, 1, -1]
    assert sig.dtype == np.int64


def test_column_array_errors_name_the_problem() -> None:
    with pytest.raises(DataError, match=r"^'bar_box' has 1 entries, expected 2 \(one per bar\)$"):
        ColumnArrays.from_arrays([1], [10], [12], [0], [1], [0, 0], [11])
    with pytest.raises(DataError, match=r"^'bar_trend' has 1 entries, expected 2 \(one per bar"):
        ColumnArrays.from_arrays([1], [10], [12], [0], [1], [0, 0], [11, 12], [1])
    with pytest.raises(DataError, match=r"^column 'direction' must hold only \+1 \(X\) and -1 \(O"):
        ColumnArrays.from_arrays([0], [10], [12], [0], [0], [0], [12])
    # column 0 is a one-box column (low == high, allowed); column 1 has low 13 above high 12
    with pytest.raises(DataError, match=r"^column 1: low box 13 is above high box 12$"):
        ColumnArrays.from_arrays([1, -1], [10, 13], [10, 12], [0, 1], [0, 1], [0, 1], [10, 13])


def test_float_inputs_become_integer_arrays() -> None:
    cols = ColumnArrays.from_arrays([1.0], [10.0], [12.0], [0.0], [2.0], [0.0] * 3, [10.0, 11, 12])
    for name in ("direction", "low", "high", "first_bar", "last_bar", "bar_column", "bar_box"):
        assert getattr(cols, name).dtype == np.int64, name


def test_asof_bar_and_mirror_keep_the_trend() -> None:
    # X 10-14 fills one box per bar (bars 0-4), O 11-13 opens with three boxes (bar 5)
    trend = [0, 0, 1, 1, 1, -1]
    cols = draw("X 10-14", "O 11-13", trend=trend)
    assert cols.n_bars == 6
    early = cols.asof_bar(2)
    assert early.n_bars == 3
    assert early.bar_box.tolist() == [10, 11, 12]
    assert early.high.tolist() == [12]
    assert early.bar_trend is not None and early.bar_trend.tolist() == [0, 0, 1]
    last = cols.asof_bar(-1)
    assert last.n_bars == 6 and last.low.tolist() == [10, 11]
    with pytest.raises(DataError, match=r"^bar 6 is outside the chart's 0\.\.5 bars$"):
        cols.asof_bar(6)
    one = draw("X 10-10")
    with pytest.raises(DataError, match=r"^bar 3 is outside the chart's 0\.\.0 bars$"):
        one.asof_bar(3)
    flipped = cols.mirrored()
    assert flipped.bar_trend is not None and flipped.bar_trend.tolist() == [0, 0, -1, -1, -1, 1]
    assert flipped.low.tolist() == [-14, -13]
