"""The engine equals vectorbt (a test-only peer) on a monthly rebalance of 500 symbols."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sizeup.backtest._engine import simulate
from sizeup.backtest._types import EngineConfig

vbt = pytest.importorskip("vectorbt")


def _panel(n_days: int, n_syms: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rets = rng.normal(0.0003, 0.02, size=(n_days, n_syms))
    prices = 50.0 * np.exp(np.cumsum(rets, axis=0))
    idx = pd.bdate_range("2015-01-01", periods=n_days)
    return pd.DataFrame(prices, index=idx, columns=[f"S{i:03d}" for i in range(n_syms)])


def _top_momentum_targets(prices: pd.DataFrame, top: int) -> pd.DataFrame:
    """Top ``top`` by 12-1 month momentum, equal weight, decided on each month's last session."""
    mom = prices.shift(21) / prices.shift(252) - 1.0
    month_end = prices.index.to_series().groupby(prices.index.to_period("M")).transform("max")
    is_end = prices.index == month_end.to_numpy()
    targets = pd.DataFrame(np.nan, index=prices.index, columns=prices.columns)
    for t in np.flatnonzero(is_end):
        row = mom.iloc[t]
        if row.notna().sum() < top:
            continue
        chosen = row.nlargest(top).index
        w = pd.Series(0.0, index=prices.columns)
        w[chosen] = 1.0 / top
        targets.iloc[t] = w.to_numpy()
    return targets


@pytest.mark.parametrize(("fee_bps", "slippage_bps"), [(0.0, 0.0), (10.0, 5.0)])
def test_equals_vectorbt_monthly_500(fee_bps, slippage_bps):
    prices = _panel(756, 500)
    targets = _top_momentum_targets(prices, 50)
    cfg = EngineConfig(init_cash=1e6, fee_bps=fee_bps, slippage_bps=slippage_bps, lag=1)
    sim = simulate(prices, targets, cfg)
    pf = vbt.Portfolio.from_orders(
        close=prices,
        size=targets.shift(1),
        size_type="targetpercent",
        direction="longonly",
        fees=fee_bps / 1e4,
        slippage=slippage_bps / 1e4,
        init_cash=1e6,
        group_by=True,
        cash_sharing=True,
        call_seq="auto",
        freq="1D",
    )
    value = pf.value().to_numpy()
    assert sim.traded.sum() > 10 * 1e6  # it really traded
    np.testing.assert_allclose(sim.value, value, rtol=1e-9)
    np.testing.assert_allclose(sim.cash, pf.cash().to_numpy(), rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(sim.shares, pf.assets().to_numpy(), rtol=1e-9, atol=1e-9)
