"""Benchmark of the backtest engine and sweeps, side by side with vectorbt and bt (issue 13).

Workload (seeded random walks, daily sigma 2 %): 500 symbols x 2,520 sessions (``--quick``:
100 x 1,260). Strategy: monthly rebalance into the top 50 (quick: 10) by 12-1 momentum, equal
weight, decided at a month's last close and traded at the next close; 10 bps fees, 5 bps
slippage, 1,000,000 cash.

Side by side, simulation only (targets computed once beforehand), warm (compiled and run once
before timing):

- sizeup engine, without and with a 1 % drift band;
- vectorbt ``Portfolio.from_orders`` (target percent, cash sharing, sells first) - same rules
  without the band (vectorbt has none);
- bt (``WeighTarget`` + ``Rebalance``, commission = fees + slippage as a cost) - its own
  order rules, so its values differ by the cost model; the difference is reported.

Sweep: moving-average crossover, every symbol its own long/flat portfolio, 1,000 (fast, slow)
pairs (quick: 100) over the same closes: sizeup's crossover kernel on 1 and 2 threads, and
through :func:`sizeup.backtest.run_sweep` (chunks of runs on 2 threads); vectorbt
``from_signals`` on a subset of pairs, extrapolated per bar-combination.

Usage: ``python benchmarks/bench_backtest.py [--quick]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from sizeup.backtest import EngineConfig, prepare_inputs, run_sweep, simulate_arrays
from sizeup.backtest._engine import CrossoverPanel, crossover_sweep

FEES = 0.001
SLIP = 0.0005


def _panel(n_days: int, n_syms: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rets = rng.normal(0.0003, 0.02, size=(n_days, n_syms))
    px = 50.0 * np.exp(np.cumsum(rets, axis=0))
    idx = pd.bdate_range("2010-01-01", periods=n_days)
    return pd.DataFrame(px, index=idx, columns=[f"S{i:03d}" for i in range(n_syms)])


def _targets(prices: pd.DataFrame, top: int) -> pd.DataFrame:
    mom = (prices.shift(21) / prices.shift(252) - 1.0).to_numpy()
    months = prices.index.year * 12 + prices.index.month
    is_end = np.zeros(len(prices), dtype=bool)
    is_end[:-1] = months[1:] != months[:-1]
    out = np.full(prices.shape, np.nan)
    for t in np.flatnonzero(is_end):
        row = mom[t]
        if np.isnan(row).sum() > len(row) - top:
            continue
        order = np.argsort(-np.nan_to_num(row, nan=-np.inf), kind="stable")[:top]
        w = np.zeros(len(row))
        w[order] = 1.0 / top
        out[t] = w
    return pd.DataFrame(out, index=prices.index, columns=prices.columns)


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), result


def _vectorbt_orders(prices: pd.DataFrame, targets: pd.DataFrame) -> Callable[[], np.ndarray]:
    import vectorbt as vbt

    size = targets.shift(1)

    def run() -> np.ndarray:
        pf = vbt.Portfolio.from_orders(
            close=prices,
            size=size,
            size_type="targetpercent",
            direction="longonly",
            fees=FEES,
            slippage=SLIP,
            init_cash=1e6,
            group_by=True,
            cash_sharing=True,
            call_seq="auto",
            freq="1D",
        )
        return np.asarray(pf.value().to_numpy())

    return run


def _bt_run(prices: pd.DataFrame, targets: pd.DataFrame) -> Callable[[], np.ndarray]:
    import bt

    weights = targets.shift(1).dropna(how="all")

    def run() -> np.ndarray:
        strat = bt.Strategy(
            "top",
            [bt.algos.WeighTarget(weights), bt.algos.Rebalance()],
        )
        test = bt.Backtest(
            strat,
            prices,
            initial_capital=1e6,
            commissions=lambda q, p: abs(q) * p * (FEES + SLIP),
            integer_positions=False,
            progress_bar=False,
        )
        res = bt.run(test)
        return np.asarray(res.prices.iloc[1:, 0].to_numpy()) / 100.0 * 1e6

    return run


def _crossover_eval(context: Mapping[str, Any], params: Mapping[str, object]) -> dict[str, object]:
    out = crossover_sweep(
        context["prices"],
        [(int(params["fast"]), int(params["slow"]))],  # type: ignore[call-overload]
        context["config"],
        threads=1,
    )
    return {
        "mean_final": float(out["final"].mean()),
        "mean_sharpe": float(np.nanmean(out["sharpe"])),
    }


def _pairs(n: int) -> list[tuple[int, int]]:
    fast = list(range(5, 105, 5))  # 20
    slow = list(range(110, 110 + 5 * (n // len(fast)), 5))
    return [(f, s) for f in fast for s in slow][:n]


def run(quick: bool = False) -> dict[str, Any]:
    n_days, n_syms, top = (1260, 100, 10) if quick else (2520, 500, 50)
    n_pairs = 100 if quick else 1000
    prices = _panel(n_days, n_syms)
    targets = _targets(prices, top)
    cfg = EngineConfig(init_cash=1e6, fee_bps=FEES * 1e4, slippage_bps=SLIP * 1e4, lag=1)
    cfg_band = EngineConfig(
        init_cash=1e6, fee_bps=FEES * 1e4, slippage_bps=SLIP * 1e4, lag=1, band=0.01
    )
    p, w, decide = prepare_inputs(prices, targets)
    ours = lambda: simulate_arrays(p, w, decide, cfg)["value"]  # noqa: E731
    ours_band = lambda: simulate_arrays(p, w, decide, cfg_band)["value"]  # noqa: E731
    ours()  # compile
    t_ours, v_ours = _best(ours, 20)
    t_band, _ = _best(ours_band, 20)
    res: dict[str, Any] = {
        "title": "Backtest engine and sweeps vs vectorbt and bt (issue 13)",
        "workload": f"{n_syms} symbols x {n_days} sessions, top {top} by 12-1 momentum, monthly",
        "sizeup_s": t_ours,
        "sizeup_band_s": t_band,
    }
    try:
        vbt_run = _vectorbt_orders(prices, targets)
        vbt_run()
        t_vbt, v_vbt = _best(vbt_run, 5)
        res["vectorbt_s"] = t_vbt
        res["vectorbt_max_rel_diff"] = float(np.max(np.abs(v_ours / v_vbt - 1.0)))
    except ImportError:
        res["vectorbt_s"] = None
    try:
        bt_run = _bt_run(prices, targets)
        t_bt, v_bt = _best(bt_run, 1 if not quick else 2)
        res["bt_s"] = t_bt
        n = min(len(v_bt), len(v_ours))
        res["bt_final_rel_diff"] = float(v_ours[-1] / v_bt[n - 1] - 1.0)
    except ImportError:
        res["bt_s"] = None
    # sweep
    pairs = _pairs(n_pairs)
    sweep_cfg = EngineConfig(init_cash=1.0, fee_bps=FEES * 1e4, slippage_bps=SLIP * 1e4)
    crossover_sweep(prices.iloc[:300, :2], [(5, 20)], sweep_cfg)  # compile
    t1, _ = _best(lambda: crossover_sweep(prices, pairs, sweep_cfg, threads=1), 1)
    t2, _ = _best(lambda: crossover_sweep(prices, pairs, sweep_cfg, threads=2), 1)
    bars = float(n_days) * n_syms * len(pairs)
    ctx = {"prices": CrossoverPanel.of(prices), "config": sweep_cfg}
    runs = [{"fast": f, "slow": s} for f, s in pairs]
    t_sw, outcome = _best(
        lambda: run_sweep(_crossover_eval, ctx, runs, chunk_size=25, threads=2), 1
    )
    res.update(
        sweep_pairs=len(pairs),
        sweep_1thread_s=t1,
        sweep_2threads_s=t2,
        sweep_run_sweep_2threads_s=t_sw,
        sweep_failed=int((outcome.table["status"] != "ok").sum()),
        sweep_bar_combos_per_s=bars / t2,
        sweep_run_sweep_bar_combos_per_s=bars / t_sw,
    )
    try:
        import vectorbt as vbt

        sub = pairs[:: max(1, len(pairs) // 10)][:10]

        def vbt_sweep() -> None:
            for f, s in sub:
                fast = vbt.MA.run(prices, f).ma.to_numpy()
                slow = vbt.MA.run(prices, s).ma.to_numpy()
                above = fast > slow
                entries = pd.DataFrame(above, index=prices.index, columns=prices.columns)
                vbt.Portfolio.from_signals(
                    prices,
                    entries=entries,
                    exits=~entries,
                    fees=FEES,
                    slippage=SLIP,
                    init_cash=1.0,
                    freq="1D",
                ).final_value()

        vbt_sweep()
        t_v, _ = _best(vbt_sweep, 1)
        res["vectorbt_sweep_bar_combos_per_s"] = float(n_days) * n_syms * len(sub) / t_v
    except ImportError:
        res["vectorbt_sweep_bar_combos_per_s"] = None
    res["markdown"] = markdown(res)
    return res


def markdown(res: Mapping[str, Any]) -> str:
    def s(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.4f} s"

    lines = [
        f"Workload: {res['workload']}; 10 bps fees, 5 bps slippage, all cash invested; "
        "simulation only, warm (median of repeats).",
        "",
        "| simulator | time | vs sizeup | agreement |",
        "|---|---|---|---|",
        f"| sizeup engine | {s(res['sizeup_s'])} | 1x | - |",
        f"| sizeup engine, 1 % drift band | {s(res['sizeup_band_s'])} | "
        f"{res['sizeup_band_s'] / res['sizeup_s']:.2f}x | (band: different trades) |",
    ]
    if res.get("vectorbt_s"):
        lines.append(
            f"| vectorbt from_orders | {s(res['vectorbt_s'])} | "
            f"{res['vectorbt_s'] / res['sizeup_s']:.1f}x | max rel. diff of daily value "
            f"{res['vectorbt_max_rel_diff']:.1e} |"
        )
    if res.get("bt_s"):
        lines.append(
            f"| bt | {s(res['bt_s'])} | {res['bt_s'] / res['sizeup_s']:.0f}x | final value "
            f"differs by {res['bt_final_rel_diff'] * 100:+.3f} % (bt's own order and cost rules) |"
        )
    lines += [
        "",
        f"Sweep: moving-average crossover, each symbol long/flat, {res['sweep_pairs']} "
        "(fast, slow) pairs over the same closes.",
        "",
        "| sweep | time | bar-combinations / s |",
        "|---|---|---|",
        f"| crossover kernel, 1 thread | {s(res['sweep_1thread_s'])} | "
        f"{res['sweep_bar_combos_per_s'] * res['sweep_2threads_s'] / res['sweep_1thread_s']:,.0f}"
        " |",
        f"| crossover kernel, 2 threads | {s(res['sweep_2threads_s'])} | "
        f"{res['sweep_bar_combos_per_s']:,.0f} |",
        f"| run_sweep (chunks of 25 runs, 2 threads, results table) | "
        f"{s(res['sweep_run_sweep_2threads_s'])} | "
        f"{res['sweep_run_sweep_bar_combos_per_s']:,.0f} |",
    ]
    if res.get("vectorbt_sweep_bar_combos_per_s"):
        v = res["vectorbt_sweep_bar_combos_per_s"]
        lines.append(
            f"| vectorbt from_signals (10 pairs, extrapolated) | - | {v:,.0f} "
            f"(sizeup {res['sweep_bar_combos_per_s'] / v:.0f}x) |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(run(quick=args.quick)["markdown"])


if __name__ == "__main__":
    main()
