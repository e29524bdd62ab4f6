"""The crossover sweep kernel equals the general engine run one symbol and one pair at a time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sizeup.backtest import EngineConfig, compute_metrics, simulate
from sizeup.backtest._engine import crossover_sweep
from sizeup.errors import BacktestError


def _panel(n_days=400, n_syms=4, seed=11):
    rng = np.random.default_rng(seed)
    px = 30 * np.exp(np.cumsum(rng.normal(0, 0.015, (n_days, n_syms)), axis=0))
    idx = pd.bdate_range("2018-01-01", periods=n_days)
    return pd.DataFrame(px, index=idx, columns=[f"S{i}" for i in range(n_syms)])


@pytest.mark.parametrize("lag", [0, 1, 2])
def test_crossover_kernel_equals_engine(lag):
    px = _panel()
    pairs = [(3, 10), (5, 40), (20, 60)]
    cfg = EngineConfig(init_cash=1.0, fee_bps=10.0, slippage_bps=5.0, lag=lag)
    out = crossover_sweep(px, pairs, cfg, threads=2)
    for c, (f, s) in enumerate(pairs):
        fast = px.rolling(f, min_periods=f).mean()
        slow = px.rolling(s, min_periods=s).mean()
        for j, sym in enumerate(px.columns):
            w = (fast[sym] > slow[sym]).astype(float).to_frame()
            sim = simulate(px[[sym]], w, cfg)
            assert out["final"][c, j] == pytest.approx(sim.value[-1], rel=1e-9)
            m = compute_metrics(sim.equity())
            assert out["sharpe"][c, j] == pytest.approx(m.sharpe, rel=1e-7)
            assert out["trades"][c, j] == int((sim.orders[:, 0] != 0).sum())
    assert (out["trades"] > 0).all()


def test_crossover_bad_input():
    px = _panel(50, 2)
    with pytest.raises(BacktestError, match="fast < slow"):
        crossover_sweep(px, [(10, 5)])
    bad = px.copy()
    bad.iloc[3, 0] = np.nan
    with pytest.raises(BacktestError, match="positive closes"):
        crossover_sweep(bad, [(2, 5)])
