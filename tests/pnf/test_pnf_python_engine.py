"""The plain-Python single-chart engine and numba-free scale arithmetic agree with the kernel.

``pnf_chart(..., engine="python")`` must give the numba kernel's chart array for array, and
the scale's plain-Python levels / box indices must equal the numba twins bit for bit.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sizeup.analytics.pnf import (
    FixedScale,
    LevelsScale,
    PercentScale,
    PnfChart,
    TraditionalScale,
    pnf_chart,
    relative_strength_chart,
)
from sizeup.analytics.pnf._codes import price_range
from sizeup.analytics.pnf._scale import PURE_MAX, BoxScale, indices_of, levels_of
from sizeup.analytics.pnf._scale_jit import jit_indices_of, jit_levels_of
from sizeup.errors import ConfigError

FIELDS = (
    "bar_column",
    "bar_direction",
    "bar_box",
    "bar_action",
    "bar_boxes_added",
    "bar_signal",
    "bar_signal_fired",
    "bar_consec_buys",
    "bar_consec_sells",
    "bar_trend",
    "bar_trend_line",
    "col_direction",
    "col_low",
    "col_high",
    "col_first_bar",
    "col_last_bar",
)

SCALES: list[BoxScale] = [
    FixedScale(1.0),
    FixedScale(0.25),
    FixedScale(3.7),
    PercentScale(0.01),
    PercentScale(0.065),
    PercentScale(0.001),
    TraditionalScale("stockcharts"),
    TraditionalScale("stockcharts-2009"),
    TraditionalScale("dwa"),
    LevelsScale.from_array(np.round(np.cumsum(np.linspace(0.5, 3.0, 80)) + 5.0, 2)),
]


def assert_same_chart(a: PnfChart, b: PnfChart) -> None:
    assert a.dates.equals(b.dates)
    assert (a.scale, a.reversal, a.method, a.start_bar) == (
        b.scale,
        b.reversal,
        b.method,
        b.start_bar,
    )
    for name in FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype, name
        assert np.array_equal(x, y), name


# ------------------------------------------------------------------ real series


def _yahoo(shared_data: Path, name: str) -> pd.DataFrame:
    frame = pd.read_csv(shared_data / "yahoo_raw_2000_2022" / name, parse_dates=["Date"])
    return frame.set_index("Date")[["High", "Low", "Close"]].rename(columns=str.lower)


@pytest.mark.parametrize(
    ("name", "box", "reversal", "method", "asof"),
    [
        ("IWM.csv", "traditional", 3, "hl", None),
        ("IWM.csv", "1%", 3, "close", "2020-03-23"),
        ("IWM.csv", "2", 1, "hl", None),
        ("IWM.csv", "atr:14", 3, "hl", None),
        ("SPY.csv", "traditional-dwa", 2, "hl", "2008-10-10"),
        ("IDX_RUT.csv", "traditional", 3, "hl", None),
        ("IDX_RUT.csv", "0.5%", 5, "close", None),
        ("IDX_VIX.csv", "1", 3, "hl", None),
    ],
)
def test_python_engine_equals_kernel_on_real_series(
    shared_data: Path, name: str, box: str, reversal: int, method: str, asof: str | None
) -> None:
    bars = _yahoo(shared_data, name)
    kwargs = {"box": box, "reversal": reversal, "method": method, "asof": asof}
    kernel = pnf_chart(bars, engine="numba", **kwargs)  # type: ignore[arg-type]
    python = pnf_chart(bars, engine="python", **kwargs)  # type: ignore[arg-type]
    assert kernel.n_columns > 20  # a real chart, not an empty one
    assert_same_chart(kernel, python)


def test_python_engine_relative_strength_equals_kernel(shared_data: Path) -> None:
    iwm = _yahoo(shared_data, "IWM.csv")["close"]
    spy = _yahoo(shared_data, "SPY.csv")["close"]
    kernel = relative_strength_chart(iwm, spy, box_pct=0.01, engine="numba")
    python = relative_strength_chart(iwm, spy, box_pct=0.01, engine="python")
    assert kernel.n_columns > 20
    assert_same_chart(kernel, python)


# ------------------------------------------------------------------ random series


@st.composite
def frames(draw: st.DrawFn) -> tuple[pd.DataFrame, BoxScale, int, str, int]:
    n = draw(st.integers(1, 300))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = draw(st.sampled_from(SCALES))
    vol = draw(st.sampled_from([0.005, 0.02, 0.06]))
    close = 30.0 * np.exp(np.cumsum(rng.normal(0.0, vol, n)))
    spread = np.abs(rng.normal(0.0, vol, n)) * close
    high, low = close + spread * rng.random(n), close - spread * rng.random(n)
    if draw(st.booleans()):  # snap to a tick: prices land exactly on levels
        high, low, close = (np.maximum(np.round(a * 4) / 4, 0.25) for a in (high, low, close))
        high, low = np.maximum(high, close), np.minimum(low, close)
    if isinstance(scale, LevelsScale):
        high, low, close = (
            np.clip(a, scale.values[0], scale.values[-1]) for a in (high, low, close)
        )
    gone = rng.random(n) < draw(st.sampled_from([0.0, 0.1]))
    high[gone] = low[gone] = close[gone] = np.nan
    idx = pd.bdate_range("2001-01-01", periods=n)
    frame = pd.DataFrame({"high": high, "low": low, "close": close}, index=idx)
    start = draw(st.integers(0, max(n - 1, 0)))
    return frame, scale, draw(st.integers(1, 5)), draw(st.sampled_from(["hl", "close"])), start


@settings(
    max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(frames())
def test_python_engine_equals_kernel_on_random_series(
    case: tuple[pd.DataFrame, BoxScale, int, str, int],
) -> None:
    frame, scale, reversal, method, start = case
    start_date = frame.index[start]
    kwargs = {"box": scale, "reversal": reversal, "method": method, "start": start_date}
    kernel = pnf_chart(frame, engine="numba", **kwargs)  # type: ignore[arg-type]
    python = pnf_chart(frame, engine="python", **kwargs)  # type: ignore[arg-type]
    assert_same_chart(kernel, python)


def test_unknown_engine_is_a_config_error() -> None:
    close = pd.Series([1.0, 2.0, 3.0], index=pd.bdate_range("2020-01-01", periods=3))
    with pytest.raises(ConfigError, match="engine"):
        pnf_chart(close, box="1", engine="fortran")  # type: ignore[arg-type]


# ------------------------------------------------------------------ scale arithmetic


@pytest.mark.parametrize("scale", SCALES, ids=lambda s: s.name)
def test_levels_and_indices_match_numba_bit_for_bit(scale: BoxScale) -> None:
    params = scale.params()
    idx = np.arange(-3000, 3001, dtype=np.int64)
    pure, jit = levels_of(idx, scale.kind, params), jit_levels_of(idx, scale.kind, params)
    assert np.array_equal(pure.view(np.int64), jit.view(np.int64))
    # the pure levels are the scale's own definition too
    assert [scale.level(int(i)) for i in idx[::37]] == pure[::37].tolist()
    rng = np.random.default_rng(7)
    lo, hi = (0.05, 3000.0)
    if isinstance(scale, LevelsScale):
        lo, hi = scale.values[0], scale.values[-1]
    on_levels = jit[np.isfinite(jit) & (jit >= lo) & (jit <= hi)]
    prices = np.concatenate(
        [np.exp(rng.uniform(math.log(lo), math.log(hi), 4000)), on_levels, on_levels * (1 + 5e-10)]
    )
    prices = np.clip(prices, lo, hi)
    for up in (True, False):
        for eps in (1e-9, 0.0):  # without tolerance, prices on a level hit the equality cases
            got = indices_of(prices, scale.kind, params, up, eps)
            want = jit_indices_of(prices, scale.kind, params, up, eps)
            assert np.array_equal(got, want), (up, eps)


def test_large_arrays_go_through_numba_with_the_same_result() -> None:
    scale = PercentScale(0.01)
    idx = np.arange(-(PURE_MAX // 2) - 10, PURE_MAX // 2 + 10, dtype=np.int64)
    assert idx.shape[0] > PURE_MAX
    big = levels_of(idx, scale.kind, scale.params())
    small = np.concatenate(
        [levels_of(part, scale.kind, scale.params()) for part in np.array_split(idx, 4)]
    )
    assert np.array_equal(big.view(np.int64), small.view(np.int64))


def test_price_range_by_hand() -> None:
    a = np.array([[3.0, np.nan, -2.5], [np.inf, 7.25, -np.inf]])
    assert tuple(price_range(a)) == (-2.5, 7.25, 2)
    assert tuple(price_range(np.asfortranarray(a))) == (-2.5, 7.25, 2)
    assert tuple(price_range(np.array([np.nan, np.nan]))) == (math.inf, -math.inf, 0)
    assert tuple(price_range(np.array([np.inf]))) == (math.inf, -math.inf, 1)
    assert tuple(price_range(np.array([]))) == (math.inf, -math.inf, 0)
    assert tuple(price_range(np.array([4.0]))) == (4.0, 4.0, 0)


def test_one_chart_with_the_python_engine_does_not_import_numba() -> None:
    code = (
        "import sys\n"
        "import pandas as pd\n"
        "from sizeup.analytics.pnf import (detect_patterns, pnf_chart, price_objective,\n"
        "                                  render_text)\n"
        "s = pd.Series([10.0, 11.0, 12.5, 11.0, 9.0, 8.5, 10.0, 12.0, 13.5],\n"
        "              index=pd.bdate_range('2020-01-01', periods=9))\n"
        "ch = pnf_chart(s, box='0.5', engine='python')\n"
        "detect_patterns(ch); price_objective(ch, kind='vertical'); render_text(ch)\n"
        "ch.events(); ch.columns_frame()\n"
        "print('NUMBA' if 'numba' in sys.modules else 'NO NUMBA', ch.n_columns)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.split() == ["NO", "NUMBA", "3"]  # X 10.5-12.5, O 11-8.5, X 9-13.5


def test_sizeup_pnf_draws_without_numba_or_duckdb(tmp_path: Path) -> None:
    from sizeup.data.store import Store

    rng = np.random.default_rng(5)
    days = pd.bdate_range("2021-01-04", periods=300)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.015, len(days))))
    bars = pd.DataFrame(
        {
            "symbol": "IWM",
            "date": days,
            "high": close * 1.01,
            "low": close * 0.99,
            "close": close,
            "adj_close": close * 0.97,  # a source with raw and adjusted closes
            "source": "raw",
        }
    )
    Store.open(tmp_path).upsert("bars", bars)
    code = (
        "import sys\n"
        f"sys.argv = ['sizeup', '--data-dir', {str(tmp_path)!r}, 'pnf', 'IWM', '--box', '1%']\n"
        "from sizeup.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "heavy = sorted(m for m in ('numba', 'duckdb') if m in sys.modules)\n"
        "print('EXIT', code, 'LOADED', heavy)\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    assert "P&F 1% boxes" in res.stdout
    assert res.stdout.strip().splitlines()[-1] == "EXIT 0 LOADED []"
