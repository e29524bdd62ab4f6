"""Test helpers: real closes from ../shared/data, and picklable sweep helpers (module-level so
Dask worker processes can import them)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sizeup.backtest import MarketData, Strategy
from sizeup.backtest._sweep import StrategyTask, evaluate_strategy

ETFS = tuple(
    [
        "IWM",
        "SPY",
        "IWN",
        "IWO",
        "IJR",
        "IJS",
        "IJT",
        "VB",
        "VBR",
        "VBK",
        "SLYV",
        "SLYG",
        "RSP",
        "TLT",
    ]
)


def read_closes(shared_data: Path, symbols: tuple[str, ...] = ETFS) -> pd.DataFrame:
    """Total-return closes of ETFs from the dsturdy adjusted-close files, dates x symbols."""
    cols = {}
    for sym in symbols:
        f = pd.read_csv(shared_data / "etf_adjclose_dsturdy" / f"{sym}.csv", parse_dates=["Date"])
        cols[sym] = f.set_index("Date")["Close"].astype(float)
    return pd.concat(cols, axis=1, sort=True).sort_index()


@dataclass(frozen=True)
class CsvLoader:
    """Loads total-return closes from the shared adjusted-close files: a reference, not data."""

    folder: str

    def __call__(self, strategy: Strategy) -> MarketData:
        cols = {}
        for sym in strategy.symbols():
            f = pd.read_csv(Path(self.folder) / f"{sym}.csv", parse_dates=["Date"])
            cols[sym] = f.set_index("Date")["Close"].astype(float)
        return MarketData(pd.concat(cols, axis=1, sort=True).sort_index())


def slow_evaluate(task: StrategyTask, params: Mapping[str, object]) -> dict[str, object]:
    """evaluate_strategy with a pause, so a test can interrupt a sweep part-way."""
    time.sleep(0.25)
    return evaluate_strategy(task, params)
