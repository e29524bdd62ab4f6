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
