"""Factor regressions, size-premium tables and rate tools on hand-made data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from sizeup.analytics.stats import (
    canonical_factor_columns,
    cumulative_change,
    cutting_cycles,
    decile_spread,
    drawdowns,
    factor_regression,
    infer_periods_per_year,
    rate_regimes,
    rate_sensitivity,
    rolling_betas,
    rolling_premium,
    size_premium,
    yield_changes,
)
from sizeup.errors import DataError


def _factors(n: int, freq: str, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2000-01-31", periods=n, freq=freq)
    return pd.DataFrame(
        {
            "Mkt-RF": rng.normal(0.005, 0.04, n),
            "SMB": rng.normal(0.001, 0.03, n),
            "HML": rng.normal(0.002, 0.03, n),
            "RF": np.full(n, 0.001),
        },
        index=idx,
    )


def test_factor_regression_recovers_betas_and_matches_statsmodels() -> None:
    f = _factors(600, "ME")
    noise = np.random.default_rng(1).normal(0, 0.005, 600)
    y = f["RF"] + 0.002 + 1.2 * f["Mkt-RF"] + 0.5 * f["SMB"] - 0.3 * f["HML"] + noise
    res = factor_regression(y, f, model="ff3", hac_lags=4)
    assert res.periods_per_year == 12
    assert res.beta("MKT-RF") == pytest.approx(1.2, abs=0.02)
    assert res.beta("SMB") == pytest.approx(0.5, abs=0.03)
    assert res.beta("HML") == pytest.approx(-0.3, abs=0.03)
    assert res.alpha_annualised == pytest.approx(12 * res.alpha)
    ref = sm.OLS(
        (y - f["RF"]).to_numpy(), sm.add_constant(f[["Mkt-RF", "SMB", "HML"]].to_numpy())
    ).fit(cov_type="HAC", cov_kwds={"maxlags": 4, "use_correction": True})
    assert res.table["t_stat"].to_numpy() == pytest.approx(np.asarray(ref.tvalues), rel=1e-10)
    assert res.r_squared == pytest.approx(ref.rsquared)
    assert "SMB" in res.summary()
    capm = factor_regression(y, f, model="capm")
    assert list(capm.table.index) == ["alpha", "MKT-RF"]
    with pytest.raises(DataError, match="RMW"):
        factor_regression(y, f, model="ff5")
    with pytest.raises(DataError, match="unknown"):
        factor_regression(y, f, model="ff7")


def test_rolling_betas_last_window_equals_ols() -> None:
    f = _factors(300, "B", seed=3)
    y = f["RF"] + 0.9 * f["Mkt-RF"] + 0.4 * f["SMB"]
    rb = rolling_betas(y, f, model="ff3", window=100)
    tail = f.iloc[-100:]
    ref = sm.OLS(
        (y - f["RF"]).iloc[-100:].to_numpy(),
        sm.add_constant(tail[["Mkt-RF", "SMB", "HML"]].to_numpy()),
    ).fit()
    assert rb.iloc[-1].to_numpy() == pytest.approx(np.asarray(ref.params), abs=1e-10)
    assert len(rb) == 201


def test_canonical_columns_and_frequency() -> None:
    f = pd.DataFrame(columns=["FF:MKT-RF:M", "FF:SMB:M", "mkt_rf2", "Mom", "rf"])
    assert list(canonical_factor_columns(f).columns) == ["MKT-RF", "SMB", "mkt_rf2", "MOM", "RF"]
    with pytest.raises(DataError, match="two columns"):
        canonical_factor_columns(pd.DataFrame(columns=["UMD", "Mom"]))
    assert infer_periods_per_year(pd.bdate_range("2020-01-01", periods=10)) == 252
    assert infer_periods_per_year(pd.date_range("2020-01-31", periods=10, freq="ME")) == 12
    assert infer_periods_per_year(pd.date_range("2020-01-03", periods=10, freq="W-FRI")) == 52


def test_size_premium_by_hand() -> None:
    idx = pd.date_range("1990-01-31", periods=24, freq="ME")
    smb = pd.Series(np.where(idx.month == 1, 0.05, -0.001), index=idx)
    sp = size_premium(smb, subperiods={"1991": ("1991-01", "1991-12")}, reps=200)
    assert sp.table.loc["january", "mean"] == pytest.approx(0.05)
    assert sp.table.loc["feb_dec", "mean"] == pytest.approx(-0.001)
    assert sp.table.loc["full", "annualised"] == pytest.approx(12 * smb.mean())
    assert sp.table.loc["1991", "n"] == 12
    assert sp.january_share == pytest.approx(0.10 / smb.sum())
    assert len(rolling_premium(smb, window=12)) == 13


def test_decile_spread_by_hand() -> None:
    idx = pd.date_range("1990-01-31", periods=24, freq="ME")
    small = pd.Series(np.where(idx.month == 1, 0.10, 0.01), index=idx)
    large = pd.Series(0.01, index=idx)
    ds = decile_spread(small, large, reps=200)
    assert ds.geometric_large == pytest.approx(1.01**12 - 1)
    assert ds.geometric_small == pytest.approx((1.10 * 1.01**11) - 1)
    assert ds.january.mean == pytest.approx(0.09)
    assert ds.other_months.mean == pytest.approx(0.0)


def test_drawdowns_by_hand() -> None:
    idx = pd.date_range("2000-01-31", periods=6, freq="ME")
    r = pd.Series([0.10, -0.20, 0.05, 0.25, -0.10, 0.0], index=idx)
    dd = drawdowns(r)
    # wealth 1.1, 0.88, 0.924, 1.155 (new high), 1.0395, 1.0395
    assert dd.loc[0, "depth"] == pytest.approx(0.88 / 1.1 - 1)
    assert dd.loc[0, "peak"] == idx[0] and dd.loc[0, "trough"] == idx[1]
    assert dd.loc[0, "recovery"] == idx[3]
    assert dd.loc[1, "depth"] == pytest.approx(-0.10)
    assert pd.isna(dd.loc[1, "recovery"])


def test_yield_changes_and_cumulative_change() -> None:
    idx = pd.to_datetime(["2024-01-02", "2024-01-05", "2024-01-08", "2024-01-12"])
    y = pd.Series([4.00, 4.10, 3.95, 4.20], index=idx, name="DGS10")
    assert yield_changes(y).to_numpy() == pytest.approx([0.001, -0.0015, 0.0025])
    assert yield_changes(y, freq="W").to_numpy() == pytest.approx([0.001])
    assert cumulative_change(y, "2024-01-03", asof="2024-01-10") == pytest.approx(-0.0005)
    with pytest.raises(DataError, match="starts"):
        cumulative_change(y, "2023-12-01")


def test_rate_sensitivity_matches_direct_computation() -> None:
    idx = pd.bdate_range("2020-01-01", periods=400)
    rng = np.random.default_rng(5)
    dy = rng.normal(0, 0.0005, 400)
    y = pd.Series(2.0 + 100 * np.cumsum(dy), index=idx)
    r = -3.0 * dy + rng.normal(0, 0.01, 400)
    px = pd.DataFrame({"A": 100 * np.cumprod(1 + r)}, index=idx)
    rs = rate_sensitivity(px, y, window=100)
    ret = px["A"].pct_change().iloc[1:]
    chg = (y / 100).diff().iloc[1:]
    assert rs.table.loc["A", "correlation"] == pytest.approx(np.corrcoef(ret, chg)[0, 1])
    assert rs.table.loc["A", "beta"] == pytest.approx(np.cov(ret, chg)[0, 1] / chg.var())
    assert rs.rolling_beta["A"].iloc[-1] == pytest.approx(
        np.cov(ret.iloc[-100:], chg.iloc[-100:])[0, 1] / chg.iloc[-100:].var()
    )
    reg = rate_regimes(px, y, freq="M", reps=200)
    assert set(reg.index.get_level_values("regime")) <= {"rising", "falling", "flat"}


def test_cutting_cycles_zigzag_by_hand() -> None:
    idx = pd.date_range("2000-01-01", periods=12, freq="MS")
    ff = pd.Series([5.0, 5.2, 5.25, 5.2, 4.7, 4.0, 3.0, 3.2, 3.6, 3.7, 3.5, 3.4], index=idx)
    cyc = cutting_cycles(ff)
    # peak 5.25 (Mar), first month >= 15 bp below: May (4.70); trough 3.00 (Jul); +50 bp by Sep
    assert len(cyc) == 1
    row = cyc.iloc[0]
    assert (
        row["peak_date"] == idx[2] and row["first_cut"] == idx[4] and row["trough_date"] == idx[6]
    )
    assert row["decline"] == pytest.approx(0.0225)
    assert not row["ongoing"]
    small = pd.Series([5.0, 4.6, 4.4, 4.9], index=idx[:4])
    assert cutting_cycles(small).empty  # 0.60 pp decline < 0.75 pp
