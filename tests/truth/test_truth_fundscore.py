"""OpenFundScore: each of the 19 inputs against hand-built states (METHODS.md §4.2).

The prices are designed so that every input has a known value on the last day:

- ``strong``: the fund is in a P&F up-trend (higher tops and bottoms, last leg up), above its
  moving averages, and rising against the market and the peers in large swings;
- ``weak``: the reciprocal of every price of ``strong`` (every comparison flips);
- ``mixed``: the fund rises in absolute terms but falls against the market and still rises
  against the peers; ``mixed_inverse`` is its reciprocal.

The weights are the published ones (METHODS.md §4.2 table), typed in here, not read from the code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from truth_paths import FUND_UP, RATIO_UP, zigzag

from sizeup.analytics.performance import open_fund_score

# METHODS.md §4.2: (input, segment, weight)
WEIGHTS = {
    "pf_trend_pos": ("T", 0.60),
    "pf_buy": ("T", 0.40),
    "pf_col_x": ("T", 0.20),
    "c_gt_sma50": ("T", 0.20),
    "c_gt_sma150": ("T", 0.20),
    "sma50_gt_sma200": ("T", 0.20),
    "pfs_trend_pos": ("T", 0.20),
    "rsm65_buy": ("M", 0.60),
    "rsm65_x": ("M", 0.40),
    "rsm325_buy": ("M", 0.30),
    "rsm325_x": ("M", 0.20),
    "rs_up_126": ("M", 0.25),
    "rs_up_252": ("M", 0.25),
    "rsp65_buy": ("P", 0.60),
    "rsp65_x": ("P", 0.40),
    "rsp325_buy": ("P", 0.30),
    "rsp325_x": ("P", 0.20),
    "pct_6m": ("P", 0.25),
    "pct_12_1m": ("P", 0.25),
}


def _frame(fund: np.ndarray, market: np.ndarray, peer: np.ndarray) -> pd.DataFrame:
    idx = pd.bdate_range("2015-01-02", periods=len(fund))
    return pd.DataFrame({"F": fund, "M": market, "P2": peer, "P3": peer * 1.01}, index=idx)


def _scenario(name: str) -> pd.DataFrame:
    f = zigzag(FUND_UP)
    r = zigzag(RATIO_UP)
    if name in ("strong", "weak"):
        px = _frame(f, f / r * 100.0, f / r * 100.0)  # fund beats market and peers
    else:
        px = _frame(f, f * r / 100.0, f / r * 100.0)  # fund lags the market, beats peers
    return 10_000.0 / px if name in ("weak", "mixed_inverse") else px


EXPECTED_SEGMENTS = {
    "strong": {"T": 1.0, "M": 1.0, "P": 1.0},
    "weak": {"T": 0.0, "M": 0.0, "P": 0.0},
    "mixed": {"T": 1.0, "M": 0.0, "P": 1.0},
    "mixed_inverse": {"T": 0.0, "M": 1.0, "P": 0.0},
}


@pytest.mark.parametrize("name", list(EXPECTED_SEGMENTS))
def test_every_input_on_the_last_day(name: str) -> None:
    score = open_fund_score(_scenario(name), "F", market="M", peers=["F", "P2", "P3"])
    last = score.frame.iloc[-1]
    want = EXPECTED_SEGMENTS[name]
    for inp, (seg, _) in WEIGHTS.items():
        assert last[inp] == want[seg], f"{name}: input {inp} = {last[inp]}, want {want[seg]}"
    for seg in ("T", "M", "P"):
        assert last[seg] == pytest.approx(2.0 * want[seg])
    assert last["ofs"] == pytest.approx(2.0 * sum(want.values()))
    assert last["missing"] == 0


def test_weighted_sum_of_inputs_every_day() -> None:
    """T, M, P and ofs are the METHODS weights times the inputs (NaN counts 0, and as missing)."""
    score = open_fund_score(_scenario("mixed"), "F", market="M", peers=["F", "P2", "P3"])
    f = score.frame
    for i in range(0, len(f), 37):
        row = f.iloc[i]
        seg = {"T": 0.0, "M": 0.0, "P": 0.0}
        nan = 0
        for inp, (s, w) in WEIGHTS.items():
            v = row[inp]
            if np.isnan(v):
                nan += 1
            else:
                assert 0.0 <= v <= 1.0
                seg[s] += w * v
        for s, total in seg.items():
            assert row[s] == pytest.approx(total, abs=1e-12)
        assert row["ofs"] == pytest.approx(sum(seg.values()), abs=1e-12)
        assert row["missing"] == nan


def test_inputs_undefined_before_their_history() -> None:
    """On row 100 the 150/200-day averages and the 126/252-day looks back do not exist yet."""
    score = open_fund_score(_scenario("strong"), "F", market="M", peers=["F", "P2", "P3"])
    row = score.frame.iloc[100]
    for inp in ("c_gt_sma150", "sma50_gt_sma200", "rs_up_126", "rs_up_252", "pct_6m", "pct_12_1m"):
        assert np.isnan(row[inp]), inp
    assert row["c_gt_sma50"] in (0.0, 1.0)
    assert row["missing"] >= 6
    # the 126-day inputs start exactly on row 126, the 200-day average on row 199
    f = score.frame
    assert np.isnan(f["rs_up_126"].iloc[125])
    assert not np.isnan(f["rs_up_126"].iloc[126])
    assert np.isnan(f["sma50_gt_sma200"].iloc[198])
    assert not np.isnan(f["sma50_gt_sma200"].iloc[199])


def test_pullback_keeps_buy_and_trend_but_column_turns_o() -> None:
    """A 4-point dip after a new high: O column, still on a buy signal, trend still positive."""
    f = zigzag([*FUND_UP, 93])
    r = zigzag([*RATIO_UP, 2400])  # -27 %: an O column on the 6.5 % chart, no sell signal
    px = _frame(f, f / r * 100.0, f / r * 100.0)
    last = open_fund_score(px, "F", market="M", peers=["F", "P2", "P3"]).frame.iloc[-1]
    assert (last["pf_trend_pos"], last["pf_buy"], last["pf_col_x"]) == (1.0, 1.0, 0.0)
    assert (last["rsm65_buy"], last["rsm65_x"]) == (1.0, 0.0)
    assert (last["rsp325_buy"], last["rsp325_x"]) == (1.0, 0.0)


def test_peer_percentile_by_hand() -> None:
    """pct_6m with five peers: (#below + 0.5 #ties) / (n - 1) of the 126-day returns."""
    idx = pd.bdate_range("2020-01-01", periods=300)
    t = np.arange(300)
    # 126-day returns on the last row: F 20 %, A 10 %, B 20 %, C 30 %, D -5 %
    growth = {"F": 1.20, "A": 1.10, "B": 1.20, "C": 1.30, "D": 0.95}
    px = pd.DataFrame({k: 50.0 * g ** (t / 126.0) for k, g in growth.items()}, index=idx)
    px["M"] = 50.0
    last = open_fund_score(px, "F", market="M", peers=list(growth)).frame.iloc[-1]
    # below F: A, D (2); ties: B (1); n - 1 = 4  ->  (2 + 0.5) / 4
    assert last["pct_6m"] == pytest.approx(2.5 / 4)
