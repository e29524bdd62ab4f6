"""Backtests of target-weight strategies: numba engine and reference, metrics, strategies, sweeps.

Pure: numpy, pandas, numba and :mod:`sizeup.analytics`; no I/O. The use case that reads the
store is :mod:`sizeup.app.backtest`.
"""

from __future__ import annotations

from sizeup.backtest._engine import prepare_inputs, simulate, simulate_arrays
from sizeup.backtest._reference import reference_simulate
from sizeup.backtest._types import EVENT_DTYPE, EngineConfig, EventKind, Simulation

__all__ = [
    "EVENT_DTYPE",
    "EngineConfig",
    "EventKind",
    "Simulation",
    "prepare_inputs",
    "reference_simulate",
    "simulate",
    "simulate_arrays",
]
