"""Engine vs its pure-Python reference, no look-ahead, costs, cash, bands, lots, missing prices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sizeup.backtest._engine import prepare_inputs, simulate, simulate_arrays
from sizeup.backtest._reference import reference_simulate
from sizeup.backtest._types import EngineConfig, EventKind
from sizeup.errors import BacktestError

KEYS = ("shares", "orders", "cash", "value", "fees", "traded", "event_shares")


def _random_case(seed: int, n_rows: int, n_cols: int, p_missing: float, p_decide: float):
    rng = np.random.default_rng(seed)
    rets = rng.normal(0.0, 0.02, size=(n_rows, n_cols))
    prices = 20.0 * np.exp(np.cumsum(rets, axis=0)) * rng.uniform(0.5, 5.0, n_cols)
    prices[rng.random((n_rows, n_cols)) < p_missing] = np.nan
    # a symbol that stops trading (delisted) part-way
    if n_cols > 1 and n_rows > 6:
        prices[n_rows // 2 :, 0] = np.nan
    targets = np.full((n_rows, n_cols), np.nan)
    for t in range(n_rows):
        if rng.random() < p_decide:
            w = rng.random(n_cols) * (rng.random(n_cols) < 0.7)
            s = w.sum()
            if s > 0:
                w = w / s * rng.uniform(0.5, 1.0)
            w[rng.random(n_cols) < 0.1] = np.nan  # leave some symbols alone
            if np.isnan(w).all():
                w[0] = 0.0
            targets[t] = w
    return prices, targets


def _assert_same(a: dict, b: dict) -> None:
    for key in KEYS:
        x = np.asarray(a[key], dtype=float)
        y = np.asarray(b[key], dtype=float)
        scale = np.maximum(1.0, np.abs(y))
        diff = np.where(np.isnan(x) & np.isnan(y), 0.0, np.abs(x - y) / scale)
        assert np.nanmax(diff, initial=0.0) <= 1e-9, key
        assert (np.isnan(x) == np.isnan(y)).all(), key
    assert (np.asarray(a["codes"]) == np.asarray(b["codes"])).all()


configs = st.builds(
    EngineConfig,
    init_cash=st.sampled_from([1_000.0, 100_000.0, 1e6]),
    fee_bps=st.sampled_from([0.0, 1.0, 10.0, 50.0]),
    per_share=st.sampled_from([0.0, 0.005, 0.05]),
    slippage_bps=st.sampled_from([0.0, 5.0, 20.0]),
    lot=st.sampled_from([0.0, 1.0, 10.0]),
    band=st.sampled_from([0.0, 0.01, 0.05]),
    lag=st.integers(0, 3),
    delist_after=st.sampled_from([0, 1, 5]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    n_rows=st.integers(1, 60),
    n_cols=st.integers(1, 8),
    p_missing=st.sampled_from([0.0, 0.05, 0.3]),
    p_decide=st.sampled_from([0.05, 0.3, 1.0]),
    config=configs,
)
def test_engine_equals_reference(seed, n_rows, n_cols, p_missing, p_decide, config):
    prices, targets = _random_case(seed, n_rows, n_cols, p_missing, p_decide)
    decide = ~np.isnan(targets).all(axis=1)
    fast = simulate_arrays(prices, targets, decide, config)
    slow = reference_simulate(prices, targets, config)
    _assert_same(fast, slow)
    # accounting identity: value = cash + holdings at last known prices
    last = pd.DataFrame(prices).ffill().to_numpy()
    held = np.where(fast["shares"] != 0, fast["shares"] * np.nan_to_num(last), 0.0)
    np.testing.assert_allclose(fast["value"], fast["cash"] + held.sum(axis=1), rtol=1e-12)
    assert (fast["cash"] >= -1e-9).all()
    assert (fast["shares"] >= -1e-9).all()


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_rows=st.integers(4, 50),
    n_cols=st.integers(1, 6),
    cut=st.integers(0, 49),
    config=configs,
)
def test_no_look_ahead(seed, n_rows, n_cols, cut, config):
    """Changing any price or target after row t changes nothing at or before t."""
    cut = cut % n_rows
    prices, targets = _random_case(seed, n_rows, n_cols, 0.05, 0.4)
    rng = np.random.default_rng(seed + 1)
    p2, w2 = prices.copy(), targets.copy()
    p2[cut + 1 :] *= rng.uniform(0.5, 2.0, size=p2[cut + 1 :].shape)
    p2[cut + 1 :][rng.random(p2[cut + 1 :].shape) < 0.2] = np.nan
    w2[cut + 1 :] = np.where(rng.random(w2[cut + 1 :].shape) < 0.5, np.nan, 0.1)
    a = simulate_arrays(prices, targets, ~np.isnan(targets).all(axis=1), config)
    b = simulate_arrays(p2, w2, ~np.isnan(w2).all(axis=1), config)
    for key in ("shares", "orders", "cash", "value", "fees", "traded", "codes"):
        assert np.array_equal(a[key][: cut + 1], b[key][: cut + 1], equal_nan=True), key


def _frame(values):
    n = len(next(iter(values.values())))
    idx = pd.date_range("2024-01-01", periods=n, freq="B")
    return pd.DataFrame(values, index=idx)


def test_decision_trades_next_close_with_costs():
    px = _frame({"A": [10.0, 20.0, 30.0], "B": [5.0, 5.0, 5.0]})
    w = _frame({"A": [0.5, np.nan, np.nan], "B": [0.5, np.nan, np.nan]})
    cfg = EngineConfig(init_cash=1000.0, fee_bps=10.0, per_share=0.01, slippage_bps=50.0)
    sim = simulate(px, w, cfg)
    assert sim.shares[0].tolist() == [0.0, 0.0]
    # day 1: value 1000; both are buys, the smaller value first (equal: column order, A then B)
    a_px = 20.0 * 1.005
    a_n = 500.0 / 20.0
    a_cost = a_n * a_px * 0.001 + 0.01 * a_n
    cash = 1000.0 - a_n * a_px - a_cost
    b_px = 5.0 * 1.005
    b_n = cash / (b_px * 1.001 + 0.01)  # not enough left for 100 shares: buys what cash covers
    assert sim.shares[1, 0] == pytest.approx(a_n, rel=1e-12)
    assert sim.shares[1, 1] == pytest.approx(b_n, rel=1e-12)
    assert b_n < 100.0
    assert sim.cash[1] == 0.0
    assert sim.value[2] == pytest.approx(a_n * 30.0 + b_n * 5.0, rel=1e-12)
    assert sim.fees[1] == pytest.approx(a_cost + b_n * b_px * 0.001 + 0.01 * b_n, rel=1e-12)


def test_lot_rounding_and_band():
    px = _frame({"A": [10.0, 10.0, 10.5, 10.5]})
    w = _frame({"A": [0.55, np.nan, 0.56, np.nan]})
    sim = simulate(px, w, EngineConfig(init_cash=1000.0, lot=10.0, band=0.02))
    assert sim.shares[1, 0] == 50.0  # 55 rounded down to a 10-lot
    # at t=3 the weight is 525/1025 = 0.512 -> 0.048 from 0.56 > band: buys 4.67 -> 0 lots
    assert sim.shares[3, 0] == 50.0
    sim2 = simulate(px, w, EngineConfig(init_cash=1000.0, lot=1.0, band=0.05))
    assert sim2.shares[3, 0] == 55.0  # within the 5 % band: no trade
    w3 = _frame({"A": [0.55, np.nan, 0.50, np.nan]})
    sim3 = simulate(px, w3, EngineConfig(init_cash=1000.0, lot=1.0))
    assert sim3.shares[3, 0] == 49.0  # 0.5 * 1027.5 / 10.5 = 48.93: sell 6.07 -> 6 shares


def test_missing_price_is_reported_and_write_off():
    px = _frame({"A": [10.0, 10.0, np.nan, np.nan, np.nan, np.nan], "B": [1.0] * 6})
    w = _frame({"A": [1.0, np.nan, 0.0, np.nan, np.nan, np.nan], "B": [0.0] + [np.nan] * 5})
    sim = simulate(px, w, EngineConfig(init_cash=100.0, delist_after=3))
    ev = sim.event_frame()
    assert ev["kind"].tolist() == [EventKind.NO_PRICE.name, EventKind.WRITTEN_OFF.name]
    assert ev["date"].tolist() == [px.index[3], px.index[4]]
    assert sim.shares[3, 0] == 10.0  # could not sell without a price
    assert sim.shares[4, 0] == 0.0 and sim.cash[4] == 100.0
    no_write_off = simulate(px, w, EngineConfig(init_cash=100.0))
    assert no_write_off.shares[-1, 0] == 10.0


def test_lag_zero_trades_same_close():
    px = _frame({"A": [10.0, 20.0]})
    w = _frame({"A": [1.0, np.nan]})
    assert simulate(px, w, EngineConfig(init_cash=100.0, lag=0)).shares[0, 0] == 10.0


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"fee_bps": -1.0}, "fee_bps"), ({"lag": 1.5}, "lag"), ({"band": 2.0}, "band")],
)
def test_bad_config_names_the_key(kwargs, name):
    with pytest.raises(BacktestError) as err:
        EngineConfig(**kwargs)
    assert err.value.input == name
    assert name in str(err.value)


def test_bad_targets():
    px = _frame({"A": [10.0, 11.0], "B": [1.0, 1.0]})
    with pytest.raises(BacktestError, match="sum to"):
        prepare_inputs(px, _frame({"A": [0.8, np.nan], "B": [0.8, np.nan]}))
    with pytest.raises(BacktestError, match="long only"):
        prepare_inputs(px, _frame({"A": [-0.1, np.nan], "B": [0.8, np.nan]}))
    with pytest.raises(BacktestError, match="same dates"):
        prepare_inputs(px, _frame({"A": [0.1, np.nan]}))
