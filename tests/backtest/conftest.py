"""Real closes for backtest tests, read from ../shared/data (never copied)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from _sweep_helpers import read_closes


@pytest.fixture(scope="session")
def etf_closes(shared_data: Path) -> pd.DataFrame:
    return read_closes(shared_data)
