"""BPI and RS breadth: sub-dollar members, zero closes, empty days, RS box / reversal / scale.

Member paths are written in box indices and turned into prices by hand-chosen rules:
``1.02 * L[i]`` sits inside box ``i`` (an X column reaches ``i``, an O column stops at ``i + 1``);
``0.995 * L[i]`` sits just below level ``i``. Percentage grids: ``L[i] = (1 + pct) ** i``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sizeup.analytics.breadth import bullish_percent, rs_breadth
from sizeup.analytics.pnf import FixedScale

IDX = pd.bdate_range("2024-01-01", periods=5)


def test_sub_dollar_member_gets_its_signal() -> None:
    # the 30, 35, 33, 36 path of 1-point boxes (2-box reversal: X 31..35, O 34..33, X 34..36
    # above 35 = buy) scaled by 1/64 onto 1/64-point boxes: every close is below 1 and exact
    close = pd.DataFrame({"D": [30 / 64, 35 / 64, 33 / 64, 36 / 64]}, index=IDX[:4])
    f = bullish_percent(close, box=FixedScale(1 / 64), reversal=2).frame
    assert f["bpi"].iloc[-1] == 100.0
    assert f["present"].tolist() == [1, 1, 1, 1]
    assert f["defined"].tolist() == [0, 0, 0, 1]


def test_zero_close_is_no_observation_for_the_member_chart() -> None:
    # 30, 35, 0, 33, 36: the zero is a missing close, so the chart is the one of 30, 35, 33, 36
    # (buy on the last day with a 2-box reversal); present on the zero day (last close 1 row old)
    close = pd.DataFrame({"D": [30.0, 35.0, 0.0, 33.0, 36.0]}, index=IDX)
    f = bullish_percent(close, reversal=2).frame
    assert f["present"].tolist() == [1, 1, 1, 1, 1]
    assert f["defined"].tolist() == [0, 0, 0, 0, 1]
    assert f["bpi"].iloc[-1] == 100.0
    assert f["pct_in_x"].iloc[2] == 100.0  # still in the X column 31..35 on the zero day


def test_day_without_present_members_has_nan_coverage() -> None:
    close = pd.DataFrame({"D": [30.0, 35.0, 33.0, 36.0]}, index=IDX[:4])
    mem = np.array([[True], [False], [True], [True]])
    f = bullish_percent(close, reversal=2, members=mem).frame
    assert f["present"].tolist() == [1, 0, 1, 1]
    assert f["coverage"].dtype == np.float64
    assert np.isnan(f["coverage"].iloc[1])
    assert f["coverage"].iloc[3] == 1.0


def _rs_path(boxes: list[float], pct: float) -> tuple[pd.DataFrame, pd.Series]:
    """Closes whose ratio to a flat 100 benchmark is ``factor * (1 + pct) ** i`` per day."""
    idx = pd.bdate_range("2024-01-01", periods=len(boxes))
    close = pd.DataFrame({"M": boxes}, index=idx)
    return close, pd.Series(100.0, index=idx, name="B")


def _ratio(i: int, pct: float, factor: float = 1.02) -> float:
    return float(factor * (1.0 + pct) ** i)


def test_rs_reversal_reaches_the_charts() -> None:
    # boxes 70 -> 75 (X) -> O stops at 73 (2 boxes) -> 76: with a 2-box reversal O 74..73 and
    # then X 74..76 above 75 = RS buy; with 3 boxes one X column 71..76 and no signal
    pct = 0.065
    close, bench = _rs_path([_ratio(i, pct) for i in (70, 75, 72, 76)], pct)
    two = rs_breadth(close, bench, reversal=2).frame
    assert two["defined"].tolist() == [0, 0, 0, 1]
    assert two["pct_rs_buy"].iloc[-1] == 100.0
    assert rs_breadth(close, bench).frame["defined"].tolist() == [0, 0, 0, 0]


def test_rs_box_reaches_the_charts() -> None:
    # the same path on a 3.25 % grid with a 2-box reversal gives the RS buy; on the default
    # 6.5 % grid the prices are at 6.5 % boxes 35.9, 38.4, 36.9, 38.9 (i * 0.508 + 0.314): X to
    # 38, the dip fills only 37 (1 box), no signal
    pct = 0.0325
    close, bench = _rs_path([_ratio(i, pct) for i in (70, 75, 72, 76)], pct)
    assert rs_breadth(close, bench, box_pct=pct, reversal=2).frame["defined"].tolist() == [
        0,
        0,
        0,
        1,
    ]
    assert rs_breadth(close, bench, reversal=2).frame["defined"].tolist() == [0, 0, 0, 0]


def test_rs_ratio_is_member_over_benchmark_times_100() -> None:
    # boxes 70, 76, 72 (O stops at 73), 77 on the 6.5 % grid, 3-box reversal. Day 1 closes 0.5 %
    # below level 76: X top 75, the dip is a 2-box move (no reversal), 77 extends the X: no
    # signal. Just above level 76 instead: top 76, O 75..73, X 74..77 above 76 = RS buy.
    pct = 0.065
    below = [_ratio(70, pct), _ratio(76, pct, 0.995), _ratio(72, pct), _ratio(77, pct)]
    close, bench = _rs_path(below, pct)
    assert rs_breadth(close, bench).frame["defined"].tolist() == [0, 0, 0, 0]
    above = [_ratio(70, pct), _ratio(76, pct, 1.005), _ratio(72, pct), _ratio(77, pct)]
    close, bench = _rs_path(above, pct)
    f = rs_breadth(close, bench).frame
    assert f["defined"].tolist() == [0, 0, 0, 1]
    assert f["pct_rs_buy"].iloc[-1] == 100.0


def test_zero_benchmark_close_is_no_ratio() -> None:
    # the RS-buy path above with the benchmark at 0 on the dip day: no ratio that day, so no O
    # column, 77 extends the X column and there is no signal; the member stays present
    pct = 0.065
    above = [_ratio(70, pct), _ratio(76, pct, 1.005), _ratio(72, pct), _ratio(77, pct)]
    close, bench = _rs_path(above, pct)
    bench.iloc[2] = 0.0
    f = rs_breadth(close, bench).frame
    assert f["defined"].tolist() == [0, 0, 0, 0]
    assert f["present"].tolist() == [1, 1, 1, 1]
    assert f["pct_rs_x"].tolist()[1:] == [100.0, 100.0, 100.0]
