"""% positive P&F trend, BPI, % on RS buy and breadth ranks against hand-built universes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from truth_paths import FUND_UP, RATIO_UP, zigzag

from sizeup.analytics.breadth import bullish_percent, rs_breadth, trailing_rank

UP = zigzag(FUND_UP)  # P&F up-trend, buy signal, last column X
DOWN = 10_000.0 / UP  # mirror: down-trend, sell signal, last column O
IDX = pd.bdate_range("2015-01-02", periods=len(UP))


def _universe() -> pd.DataFrame:
    return pd.DataFrame(
        {"U1": UP, "U2": UP * 1.05, "U3": UP * 0.95, "D1": DOWN, "FLAT": np.full(len(UP), 40.0)},
        index=IDX,
    )


def test_pct_positive_trend_bpi_and_columns() -> None:
    """3 up-trends, 1 down-trend, 1 flat (never charted): 75 % everywhere, flat excluded."""
    bp = bullish_percent(_universe(), universe="hand-built")
    last = bp.frame.iloc[-1]
    assert last["pct_pos_trend"] == pytest.approx(75.0)
    assert last["bpi"] == pytest.approx(75.0)
    assert last["pct_in_x"] == pytest.approx(75.0)
    assert (last["on_buy"], last["defined"], last["present"]) == (3, 4, 5)
    assert last["coverage"] == pytest.approx(4 / 5)


def test_pct_positive_trend_with_two_down_trends() -> None:
    """Asymmetric split (1 up, 2 down) so that an inverted trend test cannot give the same 50 %."""
    frame = pd.DataFrame({"U1": UP, "D1": DOWN, "D2": DOWN * 1.1}, index=IDX)
    last = bullish_percent(frame).frame.iloc[-1]
    assert last["pct_pos_trend"] == pytest.approx(100.0 / 3)
    assert last["bpi"] == pytest.approx(100.0 / 3)


def test_membership_mask_removes_a_member() -> None:
    """U3 leaves the universe for the last 10 rows: 2 of 3 charted members are up-trends."""
    frame = _universe()
    mask = np.ones(frame.shape, dtype=bool)
    mask[-10:, 2] = False
    last = bullish_percent(frame, members=mask).frame.iloc[-1]
    assert last["pct_pos_trend"] == pytest.approx(200.0 / 3)
    assert last["bpi"] == pytest.approx(200.0 / 3)
    assert last["present"] == 4


def test_stale_member_drops_out() -> None:
    """A member without a close for 5 rows no longer counts (stale_rows=5)."""
    frame = _universe()
    frame.iloc[-5:, frame.columns.get_loc("D1")] = np.nan
    last = bullish_percent(frame).frame.iloc[-1]
    assert last["pct_pos_trend"] == pytest.approx(100.0)
    assert (last["on_buy"], last["defined"]) == (3, 3)


def test_pct_on_rs_buy() -> None:
    """Ratios to the benchmark: 3 rising in swings (RS buy, X), 1 falling (RS sell, O)."""
    ratio = zigzag(RATIO_UP)
    bench = pd.Series(np.linspace(100.0, 130.0, len(ratio)), index=IDX, name="BENCH")
    members = pd.DataFrame(
        {
            "A": ratio * bench.to_numpy() / 100.0,
            "B": ratio * bench.to_numpy() / 90.0,
            "C": ratio * bench.to_numpy() / 110.0,
            "Z": 1e4 / ratio * bench.to_numpy() / 100.0,
        },
        index=IDX,
    )
    rs = rs_breadth(members, bench)
    last = rs.frame.iloc[-1]
    assert last["pct_rs_buy"] == pytest.approx(75.0)
    assert last["pct_rs_x"] == pytest.approx(75.0)
    assert (last["defined"], last["present"]) == (4, 4)
    assert rs.benchmark == "BENCH"
    one_of_three = rs_breadth(members[["A", "Z"]].assign(Y=members["Z"] * 2), bench)
    assert one_of_three.frame.iloc[-1]["pct_rs_buy"] == pytest.approx(100.0 / 3)


def _slow_trailing_rank(values: list[float], window: int) -> list[tuple[float, bool, float]]:
    out = []
    for i, v in enumerate(values):
        prev = values[max(0, i - window) : i]
        if len(prev) < window or any(np.isnan(prev)):
            prior_max = max(prev) if len(prev) == window else float("nan")
            out.append((prior_max, False, float("nan")))
            continue
        prior_max = max(prev)
        below = sum(1 for p in prev if p < v)
        out.append((prior_max, v >= prior_max, below / window))
    return out


def test_trailing_rank_against_a_slow_loop() -> None:
    rng = np.random.default_rng(7)
    values = rng.integers(0, 20, size=200).astype(float).tolist()
    got = trailing_rank(pd.Series(values), window=15)
    want = _slow_trailing_rank(values, 15)
    for i, (pm, is_max, pct) in enumerate(want):
        row = got.iloc[i]
        if i >= 15:
            assert row["prior_max"] == pm, i
            assert bool(row["is_max"]) == is_max, i
            assert row["pct_rank"] == pytest.approx(pct), i
        else:
            assert np.isnan(row["pct_rank"]) and not row["is_max"]


def test_trailing_rank_hand_values() -> None:
    s = pd.Series([1.0, 5.0, 3.0, 5.0, 2.0, 6.0])
    got = trailing_rank(s, window=3)
    # row 3: previous 1, 5, 3 -> max 5, 5 >= 5, two values below 5
    assert got["prior_max"].iloc[3] == 5.0
    assert bool(got["is_max"].iloc[3])
    assert got["pct_rank"].iloc[3] == pytest.approx(2 / 3)
    # row 4: previous 5, 3, 5 -> 2 is below all: rank 0, not a max
    assert not bool(got["is_max"].iloc[4])
    assert got["pct_rank"].iloc[4] == 0.0
    # row 5: 6 beats 3, 5, 2
    assert bool(got["is_max"].iloc[5])
    assert got["pct_rank"].iloc[5] == 1.0


def test_trailing_rank_of_an_empty_series() -> None:
    """No observation yet (an as-of before the universe's first price): empty, not an error."""
    got = trailing_rank(pd.Series([], dtype=float), window=756)
    assert got.empty
    assert list(got.columns) == ["prior_max", "is_max", "pct_rank"]
    short = trailing_rank(pd.Series([3.0, 4.0]), window=756)
    assert short["pct_rank"].isna().all() and not short["is_max"].any()
