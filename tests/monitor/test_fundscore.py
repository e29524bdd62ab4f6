"""OpenFundScore: peer helpers and gap by hand, score structure on synthetic prices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sizeup.analytics.performance import (
    OFS_INPUTS,
    OFS_LABEL,
    FundScore,
    fund_score_gap,
    open_fund_score,
    peer_index,
    peer_percentile,
)
from sizeup.errors import DataError


def test_weights_three_segments_of_two_points():
    assert len(OFS_INPUTS) == 19
    for seg in "TMP":
        assert sum(w for _, s, w in OFS_INPUTS if s == seg) == pytest.approx(2.0)
    assert "not a vendor" in OFS_LABEL


def test_peer_percentile_hand_computed():
    r = pd.DataFrame({"a": [0.1, 0.2, np.nan], "b": [0.3, 0.2, 0.1], "c": [0.2, 0.2, np.nan]})
    p = peer_percentile(r)
    assert p.iloc[0].tolist() == pytest.approx([0.0, 1.0, 0.5])
    assert p.iloc[1].tolist() == pytest.approx([0.5, 0.5, 0.5])  # three-way tie
    assert p.iloc[2].isna().all()  # one value only


def test_peer_index_equal_weight_daily_rebalanced():
    idx = pd.bdate_range("2024-01-01", periods=3)
    px = pd.DataFrame(
        {"a": [10.0, 11.0, 11.0], "b": [20.0, 20.0, 18.0], "c": [np.nan, 5.0, 6.0]}, index=idx
    )
    ix = peer_index(px)
    # day 1: mean(+10 %, 0 %) = +5 %; day 2: mean(0 %, -10 %, +20 %) = +3.333 %
    assert ix.tolist() == pytest.approx([100.0, 105.0, 105.0 * (1 + 0.1 / 3)])


def _score(name: str, values: list[float]) -> FundScore:
    idx = pd.bdate_range("2024-01-01", periods=len(values))
    return FundScore(name, "M", (name,), pd.DataFrame({"ofs": values}, index=idx))


def test_fund_score_gap_smallest_since():
    a = _score("IWM", [3.0, 3.5, 3.0, 3.2, 3.6])
    b = _score("IVV", [5.0, 4.5, 5.0, 4.6, 4.5])
    g = fund_score_gap(a, b)
    # gaps 2.0, 1.0, 2.0, 1.4, 0.9 -> the last is smaller than every earlier gap
    assert g.frame["gap"].tolist() == pytest.approx([2.0, 1.0, 2.0, 1.4, 0.9])
    assert pd.isna(g.frame["smallest_since"].iloc[-1])
    # day 3 (1.4): last day with gap <= 1.4 is day 1 (1.0), two sessions earlier
    assert g.frame["smallest_since"].iloc[3] == g.frame.index[1]
    assert g.frame["days_since"].iloc[3] == 2
    assert "smallest on record" in g.summary() and "not a vendor" in g.summary()


def _synthetic(n: int = 700, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2018-01-01", periods=n)
    t = np.arange(n)
    out = {
        "FUND": 50 * np.exp(0.0015 * t + np.cumsum(rng.normal(0, 0.012, n))),
        "MKT": 50 * np.exp(np.cumsum(rng.normal(0, 0.01, n))),
        "P1": 40 * np.exp(np.cumsum(rng.normal(0, 0.012, n))),
        "P2": 30 * np.exp(np.cumsum(rng.normal(0, 0.012, n))),
    }
    return pd.DataFrame(out, index=idx)


def test_open_fund_score_structure_and_identities():
    px = _synthetic()
    fs = open_fund_score(px, "FUND", market="MKT", peers=["FUND", "P1", "P2"])
    f = fs.frame
    names = [n for n, _, _ in OFS_INPUTS]
    assert set(names) <= set(f.columns)
    x = f[names]
    assert ((x.fillna(0) >= 0) & (x.fillna(0) <= 1)).all().all()
    for seg in "TMP":
        w = {n: wt for n, s, wt in OFS_INPUTS if s == seg}
        recomputed = sum(wt * f[n].fillna(0.0) for n, wt in w.items())
        np.testing.assert_allclose(f[seg], recomputed)
    np.testing.assert_allclose(f["ofs"], f["T"] + f["M"] + f["P"])
    assert f["ofs"].between(0, 6).all()
    assert f["missing"].tolist() == x.isna().sum(axis=1).tolist()
    assert f["dir_126"].iloc[-1] == pytest.approx(f["ofs"].iloc[-1] - f["ofs"].iloc[-127])
    # hand-checkable inputs from their definitions
    c = px["FUND"]
    sma50 = c.rolling(50).mean()
    last = px.index[-1]
    assert f.loc[last, "c_gt_sma50"] == float(c[last] > sma50[last])
    ratio = px["FUND"] / px["MKT"]
    assert f.loc[last, "rs_up_252"] == float(ratio.iloc[-1] > ratio.iloc[-253])
    six = px[["FUND", "P1", "P2"]].iloc[-1] / px[["FUND", "P1", "P2"]].iloc[-127] - 1
    expect = float((six < six["FUND"]).sum()) / 2
    assert f.loc[last, "pct_6m"] == pytest.approx(expect)
    # early days: SMA200 and 252-day RS are undefined -> counted missing
    assert np.isnan(f["sma50_gt_sma200"].iloc[10]) and f["missing"].iloc[10] >= 4
    assert fs.label == OFS_LABEL and "OpenFundScore" in fs.summary()


def test_open_fund_score_errors():
    px = _synthetic(100)
    with pytest.raises(DataError, match="needs columns"):
        open_fund_score(px, "FUND", market="NOPE", peers=["FUND"])
