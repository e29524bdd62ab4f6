"""OpenFundScore on funds with missing days, high/low bars and the 1 % chart, traced by hand.

Box positions on the 1 % grid ``L[i] = 1.01 ** i`` are worked out in the comments from
``i = ln(p) / ln(1.01)`` (ln 1.01 = 0.0099503).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sizeup.analytics.performance import open_fund_score, peer_percentile


def _gappy() -> pd.DataFrame:
    # 300 sessions; the fund rises 40 -> 70 and has no close on session 10; the market falls
    # 200 -> 100 (the fund/market ratio rises); peer A is flat at 100
    n = 300
    idx = pd.bdate_range("2020-01-01", periods=n)
    fund = pd.Series(np.linspace(40.0, 70.0, n), index=idx)
    fund.iloc[10] = np.nan
    return pd.DataFrame({"F": fund, "M": np.linspace(200.0, 100.0, n), "A": 100.0}, index=idx)


def test_lookbacks_count_the_funds_rows_not_calendar_sessions() -> None:
    px = _gappy()
    f = open_fund_score(px, "F", market="M", peers=["F", "A"]).frame
    assert len(f) == 299 and px.index[10] not in f.index
    # session 136 is the fund's row 135: 126 rows back is row 9 (session 9), which has a close;
    # ratio up, and F (up) above A (flat) over six months
    day = px.index[136]
    assert f.loc[day, "rs_up_126"] == 1.0
    assert f["missing"].dtype == np.int64  # a count of inputs
    assert f.loc[day, "pct_6m"] == 1.0
    # session 262 = row 261: 252 rows back is row 9, 21 rows back row 240: both have closes
    day = px.index[262]
    assert f.loc[day, "rs_up_252"] == 1.0
    assert f.loc[day, "pct_12_1m"] == 1.0
    assert f.loc[day, "rs_up_126"] == 1.0


def test_high_low_bars_only_on_the_funds_dates() -> None:
    # 1-point boxes. Fund closes on sessions 0, 1, 2, 4 (none on 3). Highs/lows: session 2
    # high 56 -> X 51..56; session 3 (no fund close: not a bar) low 44 would reverse into O;
    # session 4 at 58 extends the X column to 58 -- one column, no signal yet
    idx = pd.bdate_range("2024-01-01", periods=5)
    close = pd.Series([50.0, 50.0, 50.0, np.nan, 58.0], index=idx)
    high = pd.Series([50.0, 50.0, 56.0, 50.0, 58.0], index=idx)
    low = pd.Series([50.0, 50.0, 50.0, 44.0, 58.0], index=idx)
    px = pd.DataFrame({"F": close, "M": 100.0, "P2": 30.0}, index=idx)
    f = open_fund_score(px, "F", market="M", peers=["F", "P2"], high=high, low=low).frame
    assert list(f.index) == [idx[0], idx[1], idx[2], idx[4]]
    np.testing.assert_array_equal(f["pf_col_x"].to_numpy(), [np.nan, np.nan, 1.0, 1.0])
    assert f["pf_buy"].isna().all()


def test_high_low_chart_starts_from_the_first_close() -> None:
    # 1-point boxes. The first close 50 sets the start (the bar's high 60 / low 50 do not
    # fill); session 1 high 52 fills 51..52 above it: an X column. (Starting from the first
    # bar's mid-point 55 instead, the low 51 would fill an O column 54..51.)
    idx = pd.bdate_range("2024-01-01", periods=2)
    close = pd.Series([50.0, 51.5], index=idx)
    high = pd.Series([60.0, 52.0], index=idx)
    low = pd.Series([50.0, 51.0], index=idx)
    px = pd.DataFrame({"F": close, "M": 100.0, "P2": 30.0}, index=idx)
    f = open_fund_score(px, "F", market="M", peers=["F", "P2"], high=high, low=low).frame
    np.testing.assert_array_equal(f["pf_col_x"].to_numpy(), [np.nan, 1.0])


def test_one_percent_chart_trend_differs_from_the_traditional_chart() -> None:
    # closes 50, 52, 50.3, 53.3. 1 % grid: 50 is box 393.2 (start 394), 52 is 397.1 -> X
    # 395..397; 50.3 is 393.8 -> O 396..394 (3 boxes, a reversal); 53.3 is 399.6 -> X 395..399
    # above 397: buy, trend POS. Traditional 1-point grid: X 51..52, 50.3 does not reach 49,
    # 53.3 extends the X: no signal, trend undefined.
    idx = pd.bdate_range("2024-01-01", periods=4)
    px = pd.DataFrame({"F": [50.0, 52.0, 50.3, 53.3], "M": 100.0, "P2": 30.0}, index=idx)
    f = open_fund_score(px, "F", market="M", peers=["F", "P2"]).frame
    np.testing.assert_array_equal(f["pfs_trend_pos"].to_numpy(), [np.nan, np.nan, np.nan, 1.0])
    assert f["pf_trend_pos"].isna().all()


def test_peer_percentile_of_a_missing_return_is_nan_among_defined_peers() -> None:
    # one row, three defined returns 0.1, 0.2, 0.1 (n = 3): 0.1 has none below and one tie,
    # (0 + 0.5) / 2 = 0.25; 0.2 has two below, 2 / 2 = 1; the missing return has no rank
    r = pd.DataFrame([[np.nan, 0.1, 0.2, 0.1]], columns=["F", "A", "B", "C"])
    np.testing.assert_array_equal(peer_percentile(r).to_numpy()[0], [np.nan, 0.25, 1.0, 0.25])
