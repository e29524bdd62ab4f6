"""Strategies: steps on real closes, no look-ahead, TOML errors naming key/value/valid."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sizeup.analytics.pnf import relative_strength_chart
from sizeup.backtest import simulate
from sizeup.backtest._builtin import builtin_names, builtin_strategy, builtin_text
from sizeup.backtest._strategy import (
    Custom,
    MarketData,
    load_strategy,
    parse_strategy,
    strategy_from_dict,
)
from sizeup.errors import BacktestError

BASE = {
    "name": "t",
    "universe": {"symbols": ["A", "B", "C", "D"]},
    "signal": {"kind": "momentum", "lookback": 5, "skip": 1},
    "select": {"kind": "top", "n": 2},
    "weigh": {"kind": "equal"},
    "schedule": {"every": "month"},
}


def _toy(n_days: int = 90, seed: int = 3) -> MarketData:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2023-01-02", periods=n_days)
    px = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, (n_days, 4)), axis=0))
    return MarketData(pd.DataFrame(px, index=idx, columns=list("ABCD")))


def test_top_n_momentum_monthly_by_hand():
    data = _toy()
    s = strategy_from_dict(BASE)
    w = s.targets(data)
    px = data.prices
    decided = w.dropna(how="all")
    # decisions on each month's last session (the next session is in another month)
    months = px.index.to_period("M")
    expect_rows = [px.index[i] for i in range(len(px) - 1) if months[i] != months[i + 1]]
    assert list(decided.index) == expect_rows
    for day, row in decided.iterrows():
        t = px.index.get_loc(day)
        if t < 5:
            continue
        mom = {c: px[c].iloc[t - 1] / px[c].iloc[t - 5] - 1 for c in px.columns}
        best = sorted(mom, key=lambda c: -mom[c])[:2]
        assert sorted(row[row > 0].index) == sorted(best)
        assert row.sum() == pytest.approx(1.0)


def test_inverse_vol_threshold_and_fixed():
    data = _toy()
    spec = dict(BASE, select={"kind": "threshold", "min": 0.0})
    spec["weigh"] = {"kind": "inverse_vol", "lookback": 10}
    w = strategy_from_dict(spec).targets(data).dropna(how="all")
    px = data.prices
    rets = px.pct_change()
    for day, row in w.iloc[1:].iterrows():
        t = px.index.get_loc(day)
        mom = px.iloc[t - 1] / px.iloc[t - 5] - 1
        keep = mom[mom > 0].index
        vol = rets.iloc[t - 9 : t + 1].std()
        inv = 1 / vol[keep]
        expect = (inv / inv.sum()).reindex(px.columns).fillna(0.0)
        np.testing.assert_allclose(row.to_numpy(), expect.to_numpy(), rtol=1e-10, atol=1e-14)
    spec["weigh"] = {"kind": "fixed", "weights": {"A": 0.5, "B": 0.2}}
    spec["select"] = {"kind": "all"}
    w = strategy_from_dict(spec).targets(data).dropna(how="all")
    row = w.iloc[-1]
    assert row.to_dict() == {"A": 0.5, "B": 0.2, "C": 0.0, "D": 0.0}


def test_custom_weigher_sees_only_the_past():
    data = _toy()
    seen = []

    def fn(selected, scores, prices):
        seen.append(prices.index[-1])
        return selected / max(selected.sum(), 1)

    s = strategy_from_dict(BASE)
    s = type(s)(**{**s.__dict__, "weigh": Custom(fn)})
    w = s.targets(data).dropna(how="all")
    assert seen == list(w.index)


def test_change_schedule_decides_only_on_changes():
    data = _toy()
    spec = dict(BASE, schedule={"every": "change"})
    w = strategy_from_dict(spec).targets(data)
    sel = w.dropna(how="all") > 0
    assert len(sel) > 1
    assert not (sel.iloc[1:].to_numpy() == sel.iloc[:-1].to_numpy()).all(axis=1).any()


@pytest.mark.shared_data
@pytest.mark.parametrize(
    "name", ["size-rs", "size-pnf-trend", "small-caps-nov-jan", "etf-fund-score"]
)
def test_builtins_have_no_look_ahead(etf_closes, name):
    """Targets computed on data cut at t equal the full run's targets before t."""
    s = builtin_strategy(name)
    if name == "size-rs":  # a finer box so the signal changes often within the test window
        s = s.with_params({"signal.box_pct": 0.01})
    px = etf_closes.loc["2004":"2012", list(s.symbols())]
    full = s.targets(MarketData(px))
    for cut in (700, 1500, 2100):
        part = s.targets(MarketData(px.iloc[:cut]))
        a = full.iloc[: cut - 1].to_numpy()
        b = part.iloc[: cut - 1].to_numpy()
        assert np.array_equal(a, b, equal_nan=True), cut
    assert full.notna().any(axis=1).sum() >= 3


@pytest.mark.shared_data
def test_size_rs_holds_iwm_on_rs_buy(etf_closes):
    s = builtin_strategy("size-rs").with_params({"signal.box_pct": 0.01})
    px = etf_closes.loc["2001":, ["IWM", "SPY"]].dropna()
    sim = simulate(px, s.targets(MarketData(px)), s.engine)
    w = sim.weights()
    chart = relative_strength_chart(px["IWM"], px["SPY"], box_pct=0.01)
    sig = pd.Series(chart.bar_signal, index=chart.dates).reindex(px.index).ffill()
    held_iwm = w["IWM"] > 0.99
    # the position on day t reflects the signal at t-1 (decided at a close, traded the next)
    expect = (sig.shift(1) == 1).to_numpy()
    started = int(np.argmax(sig.to_numpy() != 0)) + 2
    assert (held_iwm.to_numpy()[started:] == expect[started:]).mean() == 1.0
    assert (np.diff(held_iwm.to_numpy()[started:].astype(int)) != 0).sum() >= 5


@pytest.mark.shared_data
def test_nov_jan_holds_small_caps_exactly_in_season(etf_closes):
    s = builtin_strategy("small-caps-nov-jan")
    px = etf_closes.loc["2001":"2020", ["IWM", "SPY"]].dropna()
    sim = simulate(px, s.targets(MarketData(px)), s.engine)
    w = sim.weights()
    month = px.index.month
    in_season = np.isin(month, [11, 12, 1])
    first = 1
    assert ((w["IWM"] > 0.99).to_numpy()[first:] == in_season[first:]).all()
    assert ((w["SPY"] > 0.99).to_numpy()[first:] == ~in_season[first:]).all()


def test_every_builtin_parses():
    assert set(builtin_names()) >= {
        "size-rs",
        "size-pnf-trend",
        "size-bpi",
        "etf-fund-score",
        "small-caps-nov-jan",
        "small-cap-quality-value",
    }
    for name in builtin_names():
        assert builtin_strategy(name).name == name
        assert "[signal]" in builtin_text(name)


BAD = [
    ({"signal": {"kind": "magic"}}, "signal.kind", "momentum"),
    ({"signal": {"kind": "momentum", "lookback": 5, "skip": 9}}, "signal.skip", "fewer"),
    ({"signal": {"kind": "ma_cross", "fast": 50, "slow": 20}}, "signal.fast", "fewer"),
    ({"signal": {"kind": "momentum", "lookbak": 5}}, "signal.lookbak", "lookback"),
    ({"select": {"kind": "top", "n": 0}}, "select.n", "[1, 4]"),
    ({"select": {"kind": "top", "n": "3"}}, "select.n", "integer"),
    ({"weigh": {"kind": "fixed", "weights": {"Z": 0.5}}}, "weigh.weights.Z", "universe"),
    ({"weigh": {"kind": "fixed", "weights": {"A": 0.7, "B": 0.7}}}, "weigh.weights", "at most 1"),
    ({"schedule": {"every": "fortnight"}}, "schedule.every", "month"),
    ({"schedule": {"band": 1.5}}, "schedule.band", "[0.0, 1.0]"),
    ({"costs": {"fee_bps": -2}}, "costs.fee_bps", "[0.0"),
    ({"costs": {"lag": 1.5}}, "costs.lag", "integer"),
    ({"universe": {"symbols": []}}, "universe.symbols", "non-empty"),
    ({"run": {"start": "soon"}}, "run.start", "YYYY-MM-DD"),
    ({"signal": {"kind": "seasonality", "months": [13]}}, "signal.months", "1-12"),
    ({"signal": {"kind": "bpi_state"}}, "signal.fallback", "defensive"),
    ({"colour": "red"}, "strategy.colour", "universe"),
]


@pytest.mark.parametrize(("patch", "key", "valid"), BAD)
def test_bad_spec_names_key_value_valid(patch, key, valid):
    with pytest.raises(BacktestError) as err:
        strategy_from_dict({**BASE, **patch})
    assert err.value.input == key
    assert key in str(err.value)
    assert valid in str(err.value)


def test_with_params_revalidates():
    s = strategy_from_dict(BASE)
    assert s.with_params({"select.n": 3}).select[1]["n"] == 3
    with pytest.raises(BacktestError) as err:
        s.with_params({"signal.lookback": -1})
    assert err.value.input == "signal.lookback"


def test_toml_errors(tmp_path):
    with pytest.raises(BacktestError, match="not valid TOML"):
        parse_strategy("name = ", source="x.toml")
    with pytest.raises(BacktestError, match="cannot read"):
        load_strategy(tmp_path / "missing.toml")
    with pytest.raises(BacktestError, match="not a built-in"):
        builtin_strategy("nope")


@pytest.mark.parametrize(
    "patch",
    [
        {},
        {"signal": {"kind": "ma_cross", "fast": 3, "slow": 8}, "select": {"kind": "threshold"}},
        {"weigh": {"kind": "inverse_vol", "lookback": 7}, "schedule": {"every": "week"}},
        {"weigh": {"kind": "score"}, "schedule": {"every": "change"}},
        {"schedule": {"every": "quarter"}},
    ],
)
def test_steps_have_no_look_ahead(patch):
    data = _toy(160)
    s = strategy_from_dict({**BASE, **patch})
    full = s.targets(data)
    assert full.notna().any(axis=1).sum() >= 2
    for cut in range(10, 160, 7):
        part = s.targets(MarketData(data.prices.iloc[:cut]))
        assert np.array_equal(
            full.iloc[: cut - 1].to_numpy(), part.iloc[: cut - 1].to_numpy(), equal_nan=True
        ), cut


def test_bpi_state_goes_defensive_only_in_bear_confirmed():
    idx = pd.bdate_range("2024-01-01", periods=6)
    px = pd.DataFrame({"IWM": 100.0, "SPY": 200.0}, index=idx)
    states = pd.Series(
        [
            "NONE",
            "BULL_CONFIRMED",
            "BEAR_CONFIRMED",
            "BEAR_CONFIRMED",
            "BEAR_CORRECTION",
            "BULL_ALERT",
        ],
        index=idx,
    )
    s = builtin_strategy("size-bpi")
    w = s.targets(MarketData(px, series={"bpi_state": states}))
    # "change" schedule: a decision only when the holding flips (NONE holds the fallback)
    expect = [0.0, 1.0, 0.0, np.nan, 1.0, np.nan]
    assert np.array_equal(w["IWM"].to_numpy(), expect, equal_nan=True)
    assert np.array_equal(w["SPY"].to_numpy(), [1.0, 0.0, 1.0, np.nan, 0.0, np.nan], equal_nan=True)
    with pytest.raises(BacktestError, match="bpi_state"):
        s.targets(MarketData(px))


def test_screen_signal_holds_the_passing_names():
    idx = pd.bdate_range("2024-01-29", periods=6)  # crosses a month end
    px = pd.DataFrame(10.0, index=idx, columns=["A", "B", "C"])
    passed = pd.DataFrame(False, index=idx, columns=["A", "B", "C"])
    passed.loc[:, "A"] = True
    passed.loc[idx[2] :, "C"] = True
    spec = {
        "name": "scr",
        "universe": {"symbols": ["A", "B", "C"]},
        "signal": {"kind": "screen"},
        "schedule": {"every": "day"},
    }
    w = strategy_from_dict(spec).targets(MarketData(px, series={"screen": passed}))
    assert w.iloc[0].tolist() == [1.0, 0.0, 0.0]
    assert w.iloc[3].tolist() == [0.5, 0.0, 0.5]


def test_example_strategies_parse():
    folder = Path(__file__).resolve().parents[2] / "examples" / "strategies"
    files = sorted(folder.glob("*.toml"))
    assert len(files) >= 2
    for f in files:
        assert load_strategy(f).name == f.stem
