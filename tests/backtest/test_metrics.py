"""Metrics: empyrical compatibility on real return series, native definitions on hand cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sizeup.backtest._metrics import compute_metrics, return_metrics
from sizeup.errors import BacktestError

empyrical = pytest.importorskip("empyrical")


def _closes(shared_data, sym: str) -> pd.Series:
    frame = pd.read_csv(shared_data / "etf_adjclose_dsturdy" / f"{sym}.csv", parse_dates=["Date"])
    return frame.set_index("Date")["Close"].astype(float)


PAIRS = [("IWM", "SPY"), ("IWN", "IWO"), ("TLT", "SPY"), ("KRE", "IWM")]


@pytest.mark.shared_data
@pytest.mark.parametrize(("sym", "bench"), PAIRS)
@pytest.mark.parametrize("rf", [0.0, 0.0001])
def test_empyrical_mode_matches_empyrical(shared_data, sym, bench, rf):
    both = pd.concat(
        [_closes(shared_data, sym), _closes(shared_data, bench)], axis=1, sort=True
    ).dropna()
    rets = both.pct_change().iloc[1:]
    r, b = rets.iloc[:, 0], rets.iloc[:, 1]
    m = return_metrics(r.to_numpy(), b.to_numpy(), risk_free=rf, mode="empyrical")
    expected = {
        "cagr": empyrical.annual_return(r),
        "volatility": empyrical.annual_volatility(r),
        "sharpe": empyrical.sharpe_ratio(r, risk_free=rf),
        "sortino": empyrical.sortino_ratio(r, required_return=rf),
        "max_drawdown": empyrical.max_drawdown(r),
        "calmar": empyrical.calmar_ratio(r),
        "alpha": empyrical.alpha(r, b, risk_free=rf),
        "beta": empyrical.beta(r, b, risk_free=rf),
        "information_ratio": empyrical.excess_sharpe(r, b),
        "up_capture": empyrical.up_capture(r, b),
        "down_capture": empyrical.down_capture(r, b),
    }
    for key, value in expected.items():
        assert getattr(m, key) == pytest.approx(float(value), rel=1e-9, abs=1e-12), key


@pytest.mark.shared_data
def test_empyrical_mode_monthly(shared_data):
    px = _closes(shared_data, "IWM").resample("ME").last()
    bx = _closes(shared_data, "SPY").reindex(px.index, method="ffill")
    r, b = px.pct_change().iloc[1:], bx.pct_change().iloc[1:]
    m = return_metrics(r.to_numpy(), b.to_numpy(), periods_per_year=12, mode="empyrical")
    assert m.sharpe == pytest.approx(empyrical.sharpe_ratio(r, period="monthly"), rel=1e-9)
    assert m.cagr == pytest.approx(empyrical.annual_return(r, period="monthly"), rel=1e-9)
    assert m.alpha == pytest.approx(empyrical.alpha(r, b, period="monthly"), rel=1e-9)


def test_native_cagr_on_calendar_time_and_drawdown():
    idx = pd.to_datetime(["2020-01-01", "2020-06-01", "2021-01-01", "2021-06-01", "2022-01-01"])
    eq = pd.Series([100.0, 80.0, 120.0, 90.0, 200.0], index=idx)
    m = compute_metrics(eq)
    days = (idx[-1] - idx[0]).days  # 731
    assert m.cagr == pytest.approx(2.0 ** (365.25 / days) - 1.0, rel=1e-12)
    assert m.total_return == pytest.approx(1.0)
    assert m.max_drawdown == pytest.approx(90.0 / 120.0 - 1.0)
    # spells: 100 -> (80) -> 120 is 2 sessions; 120 -> (90) -> 200 is 2 sessions: first kept
    assert m.max_drawdown_sessions == 2
    assert m.max_drawdown_days == (idx[2] - idx[0]).days
    assert m.calmar == pytest.approx(m.cagr / 0.25)
    r = np.array([-0.2, 0.5, -0.25, 200.0 / 90.0 - 1.0])
    assert m.volatility == pytest.approx(np.std(r, ddof=1) * math.sqrt(252))
    assert m.hit_rate == 0.5


def test_ongoing_drawdown_counts_to_the_end():
    idx = pd.bdate_range("2024-01-01", periods=6)
    m = compute_metrics(pd.Series([1.0, 2.0, 1.5, 1.9, 1.2, 1.8], index=idx))
    assert m.max_drawdown_sessions == 4
    assert m.max_drawdown == pytest.approx(-0.4)


def test_native_benchmark_metrics_by_hand():
    r = np.array([0.01, -0.02, 0.03, 0.0, -0.01, 0.02])
    b = np.array([0.02, -0.01, 0.01, -0.02, 0.01, 0.01])
    m = return_metrics(r, b)
    # beta from the sample covariance, written out
    rm, bm = r.mean(), b.mean()
    cov = sum((x - rm) * (y - bm) for x, y in zip(r, b, strict=True)) / 5
    var = sum((y - bm) ** 2 for y in b) / 5
    assert m.beta == pytest.approx(cov / var, rel=1e-12)
    assert m.alpha == pytest.approx((rm - cov / var * bm) * 252, rel=1e-12)
    up = [i for i in range(6) if b[i] > 0]
    down = [i for i in range(6) if b[i] < 0]
    assert m.up_capture == pytest.approx(np.mean(r[up]) / np.mean(b[up]), rel=1e-12)
    assert m.down_capture == pytest.approx(np.mean(r[down]) / np.mean(b[down]), rel=1e-12)
    d = r - b
    assert m.information_ratio == pytest.approx(d.mean() / d.std(ddof=1) * math.sqrt(252))
    neg = np.minimum(r, 0.0)
    assert m.sortino == pytest.approx(r.mean() * 252 / (math.sqrt((neg**2).mean() * 252)))


def test_turnover_and_exposure():
    idx = pd.bdate_range("2024-01-01", periods=3)
    eq = pd.Series([100.0, 100.0, 110.0], index=idx)
    traded = pd.Series([0.0, 100.0, 20.0], index=idx)
    cash = pd.Series([100.0, 0.0, 55.0], index=idx)
    m = compute_metrics(eq, traded=traded, cash=cash)
    years = 2 / 365.25
    assert m.turnover == pytest.approx((1.0 + 0.2) / 2 / years)
    assert m.exposure == pytest.approx((1.0 + 0.5) / 2)


def test_bad_inputs():
    with pytest.raises(BacktestError, match="mode"):
        return_metrics([0.1, 0.2], mode="pyfolio")
    with pytest.raises(BacktestError, match="periods"):
        return_metrics([0.1, 0.2], [0.1])
    with pytest.raises(BacktestError, match="NaN"):
        return_metrics([0.1, float("nan")])


def test_rising_equity_has_no_drawdown_spell():
    idx = pd.bdate_range("2024-01-01", periods=4)
    m = compute_metrics(pd.Series([1.0, 1.1, 1.2, 1.3], index=idx))
    assert m.max_drawdown_sessions == 0
    assert m.max_drawdown == 0.0
    assert math.isnan(m.calmar)
