"""Bullish percent and RS breadth parameters, traced by hand on one- and two-member panels.

Traditional grid between 20 and 100: 1-point boxes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sizeup.analytics.breadth import bullish_percent, rs_breadth
from sizeup.analytics.breadth._bpi import RsBreadth
from sizeup.analytics.pnf import FixedScale
from sizeup.errors import DataError

IDX = pd.bdate_range("2024-01-01", periods=5)


def _two_box_buy() -> pd.DataFrame:
    # 30 -> 35: X 31..35; 33 is a 2-box reversal (O 34..33) only with reversal 2; 36 then is a
    # new X column above 35: a buy. With 3-box reversal 33 and 36 stay in the first column.
    return pd.DataFrame({"D": [30.0, 35.0, 33.0, 36.0]}, index=IDX[:4])


def test_reversal_and_box_reach_the_member_charts() -> None:
    res = bullish_percent(_two_box_buy(), reversal=2)
    assert res.frame["bpi"].iloc[-1] == 100.0
    assert res.frame["coverage"].iloc[-1] == 1.0  # one member present, one defined
    assert res.method == "traditional boxes, 2-box reversal, close method"
    with pytest.raises(DataError, match=r"^no member of universe has a P&F signal"):
        bullish_percent(_two_box_buy())
    # 2-point boxes: 30 -> 35 fills 32 and 34, 33 is no reversal, 36 extends the X: no signal
    with pytest.raises(DataError, match=r"^no member of universe has a P&F signal"):
        bullish_percent(_two_box_buy(), reversal=2, box=FixedScale(2.0))


def _hl_bars() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    # closes never move; highs and lows: days 0-1 nothing; day 2 high 56 -> X 51..56; day 3
    # low 50 (<= 53) -> O 55..50; day 4 nothing; day 5 high 57 (>= 53) -> X 51..57 above 56:
    # a buy
    idx = pd.bdate_range("2024-01-01", periods=6)
    close = pd.DataFrame({"A": 50.0}, index=idx)
    high = pd.DataFrame({"A": [50.0, 50.0, 56.0, 50.0, 50.0, 57.0]}, index=idx)
    low = pd.DataFrame({"A": 50.0}, index=idx)
    return close, high, low


def test_high_low_bars_and_their_price_cap() -> None:
    close, high, low = _hl_bars()
    res = bullish_percent(close, high=high, low=low, universe="hl")
    assert res.frame["bpi"].iloc[-1] == 100.0
    assert res.method.endswith("high/low method")
    with pytest.raises(DataError, match=r"^no member of hl has a P&F signal"):
        bullish_percent(close, high=high, low=low, universe="hl", method="close")
    # the 57 high is above the cap, so it is no observation: no second X column, no signal
    with pytest.raises(DataError, match=r"^no member of hl has a P&F signal"):
        bullish_percent(close, high=high, low=low, universe="hl", max_price=56.5)


def test_start_and_asof_cut_the_member_charts() -> None:
    close, high, low = _hl_bars()
    idx = close.index
    res = bullish_percent(close, high=high, low=low, start=idx[1], asof=idx[5])
    assert list(res.frame.index) == list(idx[1:])
    assert res.frame["bpi"].iloc[-1] == 100.0
    with pytest.raises(DataError, match=r"P&F signal"):
        bullish_percent(close, high=high, low=low, asof=idx[4])  # before the buy


def test_price_cap_is_inclusive_and_reported() -> None:
    close = pd.DataFrame(
        {"A": [30.0, 35.0, 32.0, 36.0, 36.0], "B": [1e6, 1e6, 1e6, 1e6, 1e6]}, index=IDX
    )
    assert bullish_percent(close).note == ""  # 1e6 itself is allowed
    close.loc[IDX[0], "B"] = 1_000_000.5
    assert bullish_percent(close).note == "1 closes above 1e+06 treated as missing"


def test_summary_coverage_of_all_present_members() -> None:
    close = pd.DataFrame(
        {"A": [30.0, 35.0, 32.0, 36.0], "B": [30.0, 25.0, 28.0, 24.0]}, index=IDX[:4]
    )
    s = bullish_percent(close, universe="two").summary()
    late = close.copy()
    late.loc[late.index[3], "B"] = np.nan  # B's last close is on day 2
    assert bullish_percent(late).frame["present"].tolist() == [2, 2, 2, 2]
    assert bullish_percent(late, stale_rows=1).frame["present"].tolist() == [2, 2, 2, 1]
    assert s.startswith(
        "Bullish percent of two on 2024-01-04: 50.0% (1 of 2 on buy; coverage 100% of 2); "
    )


def _rs_panel() -> tuple[pd.DataFrame, pd.Series]:
    # ratio on the 6.5 % log grid (see tests/monitor/test_bpi.py): W ends on an RS buy in X,
    # L on an RS sell in O
    idx = pd.bdate_range("2024-01-01", periods=6)
    close = pd.DataFrame(
        {
            "W": [100.0, 80.0, 100.0, 80.0, 130.0, 140.0],
            "L": [100.0, 80.0, 100.0, 60.0, 55.0, 50.0],
        },
        index=idx,
    )
    return close, pd.Series(100.0, index=idx, name="BENCH")


def test_rs_breadth_dates_members_and_staleness() -> None:
    close, bench = _rs_panel()
    rb = rs_breadth(close, bench)
    assert list(rb.frame.index) == list(close.index)
    assert rb.frame["present"].tolist() == [2] * 6
    # extra benchmark days (a weekend) are not bars
    wide = bench.reindex(pd.date_range(close.index[0], close.index[-1]), fill_value=100.0)
    assert list(rs_breadth(close, wide).frame.index) == list(close.index)
    # point-in-time members: L is not a member on the last two days
    mem = np.ones((6, 2), dtype=bool)
    mem[4:, 1] = False
    f = rs_breadth(close, bench, members=mem).frame
    assert f["present"].tolist() == [2, 2, 2, 2, 1, 1]
    assert f["pct_rs_buy"].iloc[-1] == 100.0  # only W, on a buy
    assert f["pct_rs_x"].iloc[-1] == 100.0  # W in X
    assert f["defined"].tolist()[-2:] == [1, 1]
    # L stops trading after day 0: present while its last close is fewer than 5 rows old
    gap = close.copy()
    gap.loc[gap.index[1] :, "L"] = np.nan
    assert rs_breadth(gap, bench).frame["present"].tolist() == [2, 2, 2, 2, 2, 1]
    assert rs_breadth(gap, bench, stale_rows=2).frame["present"].tolist() == [2, 2, 1, 1, 1, 1]
    # a benchmark level of 1.0 is a valid close
    assert rs_breadth(close, bench / 100.0).frame["present"].tolist() == [2] * 6


def test_rs_breadth_start_asof_and_cap() -> None:
    close, bench = _rs_panel()
    rb = rs_breadth(close, bench, start=close.index[1], asof=close.index[4])
    assert list(rb.frame.index) == list(close.index[1:5])
    big = close * 1e4  # 1.3e6 and 1.4e6 are above the default cap: no close for W then
    f = rs_breadth(big, bench).frame
    assert f["present"].tolist() == [2, 2, 2, 2, 2, 2]  # W's last close is < 5 rows old
    f = rs_breadth(big, bench, stale_rows=1).frame
    assert f["present"].tolist() == [2, 2, 2, 2, 1, 1]


def test_rs_summary_reads_the_last_row() -> None:
    frame = pd.DataFrame(
        {"pct_rs_buy": [10.0, 40.0], "pct_rs_x": [20.0, 60.0], "defined": [3, 5], "present": [5, 5]}
    )
    rb = RsBreadth(frame, "RSP", 0.0325)
    assert rb.summary() == (
        "40.0% of members on an RS buy signal vs RSP (3.25% boxes), 60.0% in RS X columns, "
        "5 with a signal"
    )


def test_no_chart_dates_is_a_clear_error() -> None:
    with pytest.raises(DataError, match=r"^no member of late has a P&F signal"):
        bullish_percent(_two_box_buy(), reversal=2, start="2030-01-01", universe="late")


def test_rs_cap_default_is_one_million() -> None:
    close, bench = _rs_panel()
    close.loc[close.index[4], "W"] = 1_000_000.5
    f = rs_breadth(close, bench, stale_rows=1).frame
    assert f["present"].tolist() == [2, 2, 2, 2, 1, 2]


def _staggered() -> pd.DataFrame:
    # nine members, each flat at 30 and then running a 4-day pattern that ends on a signal
    # day: 30 35 32 36 = buy, 30 25 28 24 = sell (1-point boxes); flat after it
    buy, sell = [30.0, 35.0, 32.0, 36.0], [30.0, 25.0, 28.0, 24.0]
    plan = [(3, buy), (4, buy), (5, sell), (6, sell), (7, sell), (8, buy), (9, buy), (10, buy)]
    plan.append((11, buy))
    idx = pd.bdate_range("2024-01-01", periods=12)
    cols = {}
    for k, (day, pat) in enumerate(plan):
        path = [30.0] * (day - 3) + pat
        cols[f"M{k}"] = path + [pat[-1]] * (12 - len(path))
    return pd.DataFrame(cols, index=idx)


def test_bpi_chart_columns_states_and_field_by_hand() -> None:
    res = bullish_percent(_staggered())
    f = res.frame
    # buys / members with a signal: 1/1, 2/2, 2/3, 2/4, 2/5, 3/6, 4/7, 5/8, 6/9
    want = [np.nan] * 3 + [100.0, 100.0, 200 / 3, 50.0, 40.0, 50.0, 400 / 7, 62.5, 200 / 3]
    np.testing.assert_allclose(f["bpi"].to_numpy(), want)
    # BPI chart (2-point boxes, 3-box reversal): starts at 100; O 98..68 on day 5, down to 50
    # and 40; X 42..50 on day 8 (>= 46), up to 56, 62, 66. No signal yet.
    assert f["bpi_column"].tolist() == [""] * 5 + ["O"] * 3 + ["X"] * 4
    assert f["bpi_signal"].tolist() == [0] * 12
    assert f["bpi_signal"].dtype == np.int64
    assert f["state"].tolist() == ["NONE"] * 12
    assert f["field"].tolist() == [""] * 5 + ["50-70 O", "50-70 O", "30-50 O"] + ["50-70 X"] * 4
    assert list(res.chart.dates) == list(f.index[3:])
    assert res.chart.bar_direction.tolist() == [0, 0, -1, -1, -1, 1, 1, 1, 1]
