"""Bullish percent: hand-made members, BPI chart risk states, property test vs a slow recount."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sizeup.analytics.breadth import (
    bpi_chart,
    bpi_states,
    bullish_percent,
    field_position,
    present_mask,
    rs_breadth,
)
from sizeup.analytics.pnf import pnf_chart
from sizeup.errors import DataError


def test_bpi_three_members_hand_computed():
    # traditional scale: 20-100 has 1-point boxes
    # A: 30 -> 35 (X 31..35) -> 32 (O 34..32) -> 36 (X 33..36 > 35: buy on day 3)
    # B: 30 -> 25 (O 29..25) -> 28 (X 26..28) -> 24 (O 27..24 < 25: sell on day 3)
    # C: moves less than a box: no column, no signal
    idx = pd.bdate_range("2024-01-01", periods=4)
    close = pd.DataFrame(
        {
            "A": [30.0, 35.0, 32.0, 36.0],
            "B": [30.0, 25.0, 28.0, 24.0],
            "C": [30.0, 30.5, 30.2, 30.8],
        },
        index=idx,
    )
    res = bullish_percent(close, universe="toy")
    f = res.frame
    assert f["defined"].tolist() == [0, 0, 0, 2]
    assert np.isnan(f["bpi"].iloc[2])
    assert f["bpi"].iloc[3] == 50.0
    assert f["on_buy"].iloc[3] == 1 and f["present"].iloc[3] == 3
    assert f["coverage"].iloc[3] == pytest.approx(2 / 3)
    assert f["pct_in_x"].iloc[3] == pytest.approx(50.0)  # A in X, B in O, C has no column
    assert "toy" in res.summary()


def test_bpi_membership_and_stale_members():
    close = np.array([[10.0, 10.0], [np.nan, 11.0], [np.nan, 12.0], [np.nan, 13.0]])
    pres = present_mask(close, stale_rows=2)
    assert pres[:, 0].tolist() == [True, True, False, False]
    mem = np.array([[True, False]] * 4)
    assert present_mask(close, members=mem, stale_rows=2)[:, 1].tolist() == [False] * 4
    with pytest.raises(DataError):
        present_mask(close, stale_rows=0)


def test_bpi_chart_reversal_golden_values():
    # METHODS §9.6: X top 62 -> reversal into O only at <= 56 (2-point boxes, 3-box reversal)
    s = pd.Series([40.0, 62.0, 57.0], index=pd.bdate_range("2024-01-01", periods=3))
    assert bpi_chart(s).bar_direction[-1] == 1
    s2 = pd.Series([40.0, 62.0, 56.0], index=s.index)
    assert bpi_chart(s2).bar_direction[-1] == -1
    # O bottom 22 -> reversal up only at >= 28
    s3 = pd.Series([40.0, 22.0, 27.9], index=s.index)
    assert bpi_chart(s3).bar_direction[-1] == -1
    s4 = pd.Series([40.0, 22.0, 28.0], index=s.index)
    assert bpi_chart(s4).bar_direction[-1] == 1
    with pytest.raises(DataError, match=r"\[0, 100\]"):
        bpi_chart(pd.Series([50.0, 120.0], index=s.index[:2]))


def test_six_risk_states_hand_traced():
    # Traced on the 2-point grid (box index = level / 2):
    # 40 start; 50 X 42..50; 44 O 48..44; 72 X 46..72 (> 50: buy); 64 O 70..64 after a top
    # >= 70 (BEAR_ALERT); 40 O extends below 44 (sell: BEAR_CONFIRMED); 48 X 42..48 with the
    # prior O bottom 40 > 30 (BEAR_CORRECTION); 28 O 46..28 (< 40: BEAR_CONFIRMED); 36 X 30..36
    # after a bottom <= 30 (BULL_ALERT); 50 X extends above 48 (buy: BULL_CONFIRMED); 44 O with
    # the prior X top 50 < 70 (BULL_CORRECTION)
    levels = [40, 50, 44, 72, 64, 40, 48, 28, 36, 50, 44]
    s = pd.Series(levels, index=pd.bdate_range("2024-01-01", periods=len(levels)), dtype=float)
    st_ = bpi_states(bpi_chart(s))
    assert st_["state"].tolist() == [
        "NONE",
        "NONE",
        "NONE",
        "BULL_CONFIRMED",
        "BEAR_ALERT",
        "BEAR_CONFIRMED",
        "BEAR_CORRECTION",
        "BEAR_CONFIRMED",
        "BULL_ALERT",
        "BULL_CONFIRMED",
        "BULL_CORRECTION",
    ]
    assert st_["column"].tolist()[3:5] == ["X", "O"]


def test_field_position_buckets():
    out = field_position([25, 30, 50, 70, 70.5, np.nan, 58], [1, -1, 1, -1, 1, 1, 0])
    assert out.tolist() == ["<30 X", "30-50 O", "50-70 X", "50-70 O", ">70 X", "", ""]


def _random_panel(seed: int, n_days: int = 160, n_members: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    steps = rng.normal(0, 0.03, size=(n_days, n_members))
    px = 30.0 * np.exp(np.cumsum(steps, axis=0))
    # some members list late, one has a gap
    px[: rng.integers(0, 60), 0] = np.nan
    px[40:45, 1] = np.nan
    return pd.DataFrame(
        px,
        index=pd.bdate_range("2015-01-01", periods=n_days),
        columns=[f"M{i}" for i in range(n_members)],
    )


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.integers(60, 159))
def test_bpi_in_range_and_equals_slow_recount(seed, day):
    close = _random_panel(seed)
    res = bullish_percent(close, stale_rows=1)
    bpi = res.frame["bpi"].dropna()
    assert ((bpi >= 0) & (bpi <= 100)).all()
    # slow recount on one day: one independent chart per member as of that day
    t = close.index[day]
    buys = defined = 0
    for sym in close.columns:
        s = close[sym].loc[:t]
        if s.dropna().empty or np.isnan(s.iloc[-1]):
            continue  # no close on that day: not present
        chart = pnf_chart(s.dropna(), box="traditional", method="close")
        sig = int(chart.bar_signal[-1]) if len(chart.dates) else 0
        if sig != 0:
            defined += 1
            buys += sig == 1
    row = res.frame.loc[t]
    assert int(row["defined"]) == defined
    if defined:
        assert row["bpi"] == pytest.approx(100.0 * buys / defined)
    else:
        assert np.isnan(row["bpi"])


def test_bpi_high_low_method_used_when_given():
    close = _random_panel(3)
    high, low = close * 1.02, close * 0.98
    res = bullish_percent(close, high=high, low=low)
    assert "high/low" in res.method
    assert bullish_percent(close, high=high, low=low, method="close").method.endswith(
        "close method"
    )


def test_rs_breadth_two_members():
    idx = pd.bdate_range("2024-01-01", periods=6)
    bench = pd.Series(100.0, index=idx, name="BENCH")
    # ratio on the 6.5 % log grid L[i] = 1.065**i: 100 fills up 73 / down 74, 80 fills down 70,
    # 130 fills up 77, 60 fills down 66.
    # W: O 73..70, X 71..73, O 72..70, X 71..77 (> 73: RS buy), stays in X
    # L: O 73..70, X 71..73, O 72..66 (< 70: RS sell), stays in O
    close = pd.DataFrame(
        {
            "W": [100.0, 80.0, 100.0, 80.0, 130.0, 140.0],
            "L": [100.0, 80.0, 100.0, 60.0, 55.0, 50.0],
        },
        index=idx,
    )
    rb = rs_breadth(close, bench)
    last = rb.frame.iloc[-1]
    assert last["pct_rs_x"] == 50.0
    assert last["defined"] == 2 and last["pct_rs_buy"] == 50.0
    assert "RS buy" in rb.summary()
