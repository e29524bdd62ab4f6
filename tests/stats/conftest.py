"""Fixtures of the statistics tests: shared-data access objects (see stats_shared_readers)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from stats_shared_readers import FACTOR_FILE, SharedData, read_french_monthly_block


@pytest.fixture(scope="session")
def shared(shared_data: Path) -> SharedData:
    """Shared-data access object (session-scoped so files are parsed once)."""
    return SharedData(shared_data)


@pytest.fixture(scope="session")
def ff_monthly(shared_data: Path) -> pd.DataFrame:
    """Monthly Fama-French 3 factors of the December-2024 vintage, decimals, month-end dates."""
    return read_french_monthly_block(shared_data / FACTOR_FILE)
