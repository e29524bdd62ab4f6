"""Backtests of target-weight strategies: numba engine and reference, metrics, strategies, sweeps.

Pure: numpy, pandas, numba and :mod:`sizeup.analytics`; no I/O besides reading strategy
files. The use case that reads the store is :mod:`sizeup.app.backtest`.
"""

from __future__ import annotations

from sizeup.backtest._builtin import builtin_names, builtin_strategy, builtin_text
from sizeup.backtest._engine import prepare_inputs, simulate, simulate_arrays
from sizeup.backtest._metrics import METRIC_MODES, Metrics, compute_metrics, return_metrics
from sizeup.backtest._reference import reference_simulate
from sizeup.backtest._strategy import (
    SCHEDULES,
    SELECTORS,
    SIGNALS,
    WEIGHERS,
    Custom,
    MarketData,
    Schedule,
    Strategy,
    Universe,
    load_strategy,
    parse_strategy,
    strategy_from_dict,
    window_targets,
)
from sizeup.backtest._sweep import (
    Split,
    StrategyTask,
    SweepOutcome,
    evaluate_strategy,
    param_grid,
    run_sweep,
    walk_forward,
    walk_forward_grid,
    walk_forward_summary,
)
from sizeup.backtest._types import EVENT_DTYPE, EngineConfig, EventKind, Simulation

__all__ = [
    "EVENT_DTYPE",
    "METRIC_MODES",
    "SCHEDULES",
    "SELECTORS",
    "SIGNALS",
    "WEIGHERS",
    "Custom",
    "EngineConfig",
    "EventKind",
    "MarketData",
    "Metrics",
    "Schedule",
    "Simulation",
    "Split",
    "Strategy",
    "StrategyTask",
    "SweepOutcome",
    "Universe",
    "builtin_names",
    "builtin_strategy",
    "builtin_text",
    "compute_metrics",
    "evaluate_strategy",
    "load_strategy",
    "param_grid",
    "parse_strategy",
    "prepare_inputs",
    "reference_simulate",
    "return_metrics",
    "run_sweep",
    "simulate",
    "simulate_arrays",
    "strategy_from_dict",
    "walk_forward",
    "walk_forward_grid",
    "walk_forward_summary",
    "window_targets",
]
