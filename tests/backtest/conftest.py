"""Real closes for backtest tests, read from ../shared/data (never copied)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

ETFS = (
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
)


def read_closes(shared_data: Path, symbols: tuple[str, ...] = ETFS) -> pd.DataFrame:
    """Total-return closes of ETFs from the dsturdy adjusted-close files, dates x symbols."""
    cols = {}
    for sym in symbols:
        f = pd.read_csv(shared_data / "etf_adjclose_dsturdy" / f"{sym}.csv", parse_dates=["Date"])
        cols[sym] = f.set_index("Date")["Close"].astype(float)
    return pd.concat(cols, axis=1, sort=True).sort_index()


@pytest.fixture(scope="session")
def etf_closes(shared_data: Path) -> pd.DataFrame:
    return read_closes(shared_data)
