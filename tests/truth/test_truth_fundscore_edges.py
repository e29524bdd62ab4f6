"""OpenFundScore texts, ranges, errors and the high/low charts, from hand-built inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from truth_paths import FUND_UP, RATIO_UP, zigzag

from sizeup.analytics.performance import (
    OFS_LABEL,
    FundScore,
    fund_score_gap,
    open_fund_score,
    peer_index,
)
from sizeup.errors import DataError


def _hand_score(name: str, ofs: list[float]) -> FundScore:
    idx = pd.bdate_range("2024-01-01", periods=len(ofs))
    n = len(ofs)
    frame = pd.DataFrame(
        {
            "ofs": ofs,
            "T": [1.5] * n,
            "M": [0.25] * n,
            "P": [1.0] * n,
            "dir_126": [-0.5] * n,
            "missing": [3] * n,
        },
        index=idx,
    )
    return FundScore(name, "RSP", (name, "X"), frame)


def test_summary_and_latest() -> None:
    fs = _hand_score("IWM", [2.0, 2.75])
    assert fs.summary() == (
        f"IWM {OFS_LABEL}: 2.75 / 6 on 2024-01-02 (trend 1.50, market RS vs RSP 0.25, "
        "peer RS 1.00; 126-day direction -0.50; 3 inputs missing)"
    )
    assert repr(fs) == fs.summary()
    assert fs.latest("2024-01-01")["ofs"] == 2.0
    with pytest.raises(DataError, match=r"^no OpenFundScore for IWM on or before 2023-12-31$"):
        fs.latest("2023-12-31")


def test_gap_summary_smallest_since_a_date() -> None:
    a = _hand_score("IWM", [3.0, 3.5, 3.0, 3.2])
    b = _hand_score("IVV", [5.0, 4.5, 5.0, 4.6])
    g = fund_score_gap(a, b)
    # gaps 2.0, 1.0, 2.0, 1.4: the last day's 1.4 was last matched or beaten on day 1 (1.0)
    assert g.summary() == f"{OFS_LABEL}: IVV - IWM = 1.40 on 2024-01-04 (smallest since 2024-01-02)"
    assert repr(g) == g.summary()
    assert pd.isna(g.frame["smallest_since"].iloc[0])
    assert np.isnan(g.frame["days_since"].iloc[0])
    # day 2 (2.0): the last earlier gap <= 2.0 is day 1's 1.0, one session earlier
    assert g.frame["smallest_since"].iloc[2] == g.frame.index[1]
    assert np.isnan(g.frame["days_since"].iloc[1])  # 1.0 is the smallest so far
    assert g.frame["days_since"].tolist()[2:] == [1.0, 2.0]


def _strong() -> pd.DataFrame:
    f = zigzag(FUND_UP)
    r = zigzag(RATIO_UP)
    idx = pd.bdate_range("2015-01-02", periods=len(f))
    m = f / r * 100.0
    return pd.DataFrame({"F": f, "M": m, "P2": m, "P3": m * 1.01}, index=idx)


def test_start_and_asof_cut_the_range() -> None:
    px = _strong()
    start, asof = px.index[20], px.index[400]
    f = open_fund_score(px, "F", market="M", peers=["F", "P2", "P3"], start=start, asof=asof)
    assert f.frame.index[0] == start
    assert f.frame.index[-1] == asof
    # the 50-day average needs 50 closes from the chart start
    assert np.isnan(f.frame["c_gt_sma50"].iloc[48])
    assert not np.isnan(f.frame["c_gt_sma50"].iloc[49])
    # the 21-day direction is the change of the score over 21 rows
    d = f.frame
    ofs = d["ofs"].to_numpy()
    for i in range(len(d)):
        want = ofs[i] - ofs[i - 21] if i >= 21 else np.nan
        np.testing.assert_allclose(d["dir_21"].iloc[i], want, err_msg=str(i))
        want = ofs[i] - ofs[i - 126] if i >= 126 else np.nan
        np.testing.assert_allclose(d["dir_126"].iloc[i], want, err_msg=str(i))
    assert (f.fund, f.market, f.peers) == ("F", "M", ("F", "P2", "P3"))


def test_errors_name_the_columns_and_the_fund() -> None:
    px = _strong()
    with pytest.raises(
        DataError,
        match=r"^open_fund_score needs columns \['NOPE'\]; prices has \['F', 'M', 'P2', 'P3'\]$",
    ):
        open_fund_score(px, "F", market="NOPE", peers=["F"])
    zero = px.copy()
    zero["F"] = 0.0
    with pytest.raises(DataError, match=r"^fund 'F' has no positive closes in the range$"):
        open_fund_score(zero, "F", market="M", peers=["F", "P2"])


def test_fund_outside_its_peer_group_has_no_percentiles() -> None:
    px = _strong()
    last = open_fund_score(px, "F", market="M", peers=["P2", "P3"]).frame.iloc[-1]
    assert np.isnan(last["pct_6m"]) and np.isnan(last["pct_12_1m"])
    assert last["missing"] == 2


def test_high_low_charts_see_intraday_moves() -> None:
    # closes never move, so the close-method chart has no column. On 1-point boxes the highs
    # and lows trace: day 2 high 56 -> X 51..56; day 3 low 50 (<= 53) -> O 55..50; day 4 no
    # move of 3 boxes; day 5 low 44 extends the O; day 6 high 50 (>= 47) -> X 45..50; day 7
    # nothing
    idx = pd.bdate_range("2024-01-01", periods=8)
    close = pd.Series(50.0, index=idx)
    high = pd.Series([50.0, 50.0, 56.0, 50.0, 50.0, 50.0, 50.0, 50.0], index=idx)
    low = pd.Series([50.0, 50.0, 50.0, 50.0, 50.0, 44.0, 50.0, 50.0], index=idx)
    px = pd.DataFrame({"F": close, "M": 100.0, "P2": 30.0}, index=idx)
    hl = open_fund_score(px, "F", market="M", peers=["F", "P2"], high=high, low=low).frame
    np.testing.assert_array_equal(
        hl["pf_col_x"].to_numpy(), [np.nan, np.nan, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0]
    )
    only_close = open_fund_score(px, "F", market="M", peers=["F", "P2"]).frame
    assert only_close["pf_col_x"].isna().all()
    # a high alone is not enough: the close method is used. Closes 50, 56 (X 51..56), 50
    # (O 55..50)
    moving = px.copy()
    moving["F"] = [50.0, 50.0, 56.0, 56.0, 50.0, 50.0, 50.0, 50.0]
    one = open_fund_score(moving, "F", market="M", peers=["F", "P2"], high=moving["F"]).frame
    np.testing.assert_array_equal(
        one["pf_col_x"].to_numpy(), [np.nan, np.nan, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    )


def test_peer_index_ignores_non_positive_closes() -> None:
    idx = pd.bdate_range("2024-01-01", periods=3)
    px = pd.DataFrame({"a": [10.0, 0.0, 12.0], "b": [20.0, 22.0, 22.0]}, index=idx)
    # day 1: a's 0 is no close, so only b (+10 %); day 2: a has no previous close, b flat
    assert peer_index(px).tolist() == pytest.approx([100.0, 110.0, 110.0])


def test_flat_prices_leave_chart_inputs_undefined_and_averages_not_above() -> None:
    # a flat fund and market: no P&F column, no RS column (undefined, NaN); a close equal to
    # its average is not above it; a flat ratio is not rising
    idx = pd.bdate_range("2020-01-01", periods=260)
    px = pd.DataFrame({"F": 50.0, "M": 100.0, "P2": 30.0}, index=idx)
    last = open_fund_score(px, "F", market="M", peers=["F", "P2"]).frame.iloc[-1]
    for name in ("pf_trend_pos", "pf_buy", "pf_col_x", "pfs_trend_pos"):
        assert np.isnan(last[name]), name
    for name in ("rsm65_buy", "rsm65_x", "rsm325_buy", "rsm325_x", "rsp65_buy", "rsp65_x"):
        assert np.isnan(last[name]), name
    assert (last["c_gt_sma50"], last["c_gt_sma150"], last["sma50_gt_sma200"]) == (0.0, 0.0, 0.0)
    assert (last["rs_up_126"], last["rs_up_252"]) == (0.0, 0.0)


def test_market_without_data_leaves_market_inputs_undefined() -> None:
    px = _strong()
    px["M"] = np.nan
    last = open_fund_score(px, "F", market="M", peers=["F", "P2", "P3"]).frame.iloc[-1]
    for name in ("rsm65_buy", "rsm65_x", "rsm325_buy", "rsm325_x", "rs_up_126", "rs_up_252"):
        assert np.isnan(last[name]), name
    assert last["M"] == 0.0
    assert last["missing"] == 6
    assert last["T"] == pytest.approx(2.0) and last["P"] == pytest.approx(2.0)


def test_ratio_below_one_rising() -> None:
    # fund flat at 50, market falling from 200 to 100: the ratio 0.25 -> 0.5 rises
    idx = pd.bdate_range("2020-01-01", periods=300)
    m = np.linspace(200.0, 100.0, 300)
    px = pd.DataFrame({"F": 50.0, "M": m, "P2": 30.0}, index=idx)
    last = open_fund_score(px, "F", market="M", peers=["F", "P2"]).frame.iloc[-1]
    assert (last["rs_up_126"], last["rs_up_252"]) == (1.0, 1.0)


def test_fund_below_one_dollar_and_missing_days() -> None:
    px = _strong() / 100.0  # closes 0.50 .. 0.97 are real closes
    f = open_fund_score(px, "F", market="M", peers=["F", "P2", "P3"]).frame
    assert len(f) == len(px)
    # a day without a fund close is not a row; the 50-close average counts closes, not days
    idx = pd.bdate_range("2020-01-01", periods=61)
    fund = pd.Series(np.linspace(40.0, 70.0, 61), index=idx)
    fund.iloc[10] = np.nan
    px = pd.DataFrame({"F": fund, "M": 100.0, "P2": 30.0}, index=idx)
    f = open_fund_score(px, "F", market="M", peers=["F", "P2"]).frame
    assert idx[10] not in f.index and len(f) == 60
    assert np.isnan(f["c_gt_sma50"].iloc[48])
    assert f["c_gt_sma50"].iloc[49] == 1.0  # the 50th close, above its rising average
    # closes below 1 count in the peer index too
    p = pd.DataFrame({"a": [0.5, 0.55], "b": [10.0, 10.0]}, index=idx[:2])
    assert peer_index(p).tolist() == pytest.approx([100.0, 105.0])


def _peers_with_a_dip(day_from_end: int, fund_growth: float) -> pd.DataFrame:
    # the fund moves smoothly; peer A is flat at 100 except one close of 50, day_from_end
    # rows before the last
    n = 300
    idx = pd.bdate_range("2020-01-01", periods=n)
    t = np.arange(n)
    a = np.full(n, 100.0)
    a[n - 1 - day_from_end] = 50.0
    return pd.DataFrame({"F": 50.0 * fund_growth ** (t / (n - 1)), "A": a, "M": 100.0}, index=idx)


def test_percentile_windows_are_exactly_126_and_21_to_252_rows() -> None:
    # 6-month base 126 rows back is A's dip: A +100 % beats F (+~4 %), so F ranks 0
    px = _peers_with_a_dip(126, 1.10)
    last = open_fund_score(px, "F", market="M", peers=["F", "A"]).frame.iloc[-1]
    assert last["pct_6m"] == 0.0
    # 12-1 base 252 rows back is the dip: A +100 % beats F
    px = _peers_with_a_dip(252, 1.10)
    last = open_fund_score(px, "F", market="M", peers=["F", "A"]).frame.iloc[-1]
    assert last["pct_12_1m"] == 0.0
    assert last["pct_6m"] == 1.0  # A flat over the last 126 rows, F up
    # 12-1 end 21 rows back is the dip: A -50 % is below a falling F (about -7 %)
    px = _peers_with_a_dip(21, 0.90)
    last = open_fund_score(px, "F", market="M", peers=["F", "A"]).frame.iloc[-1]
    assert last["pct_12_1m"] == 1.0


def test_gap_on_record_and_since_the_first_day() -> None:
    a = _hand_score("IWM", [3.0, 3.0, 3.5])
    b = _hand_score("IVV", [4.0, 5.0, 4.0])
    g = fund_score_gap(a, b)
    # gaps 1.0, 2.0, 0.5: day 1 last matched on day 0; day 2 the smallest on record
    assert g.frame["smallest_since"].iloc[1] == g.frame.index[0]
    assert g.frame["days_since"].iloc[1] == 1.0
    assert g.summary() == f"{OFS_LABEL}: IVV - IWM = 0.50 on 2024-01-03 (the smallest on record)"
