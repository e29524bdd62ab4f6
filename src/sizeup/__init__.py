"""sizeup: small-cap vs large-cap rotation research on real data.

The names below are the curated public API. Heavy modules (the store, analytics) are imported
on first use, so ``import sizeup`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

from sizeup.config import Settings, load_settings
from sizeup.errors import (
    BacktestError,
    ClaimSpecError,
    ConfigError,
    DataError,
    ImportFormatError,
    ProviderError,
    ProviderResponseError,
    RateLimitError,
    SchemaError,
    SizeupError,
    StaleDataError,
    StoreError,
    SymbolNotFoundError,
)

__version__ = "0.1.0"

_LAZY = {
    "Store": "sizeup.data.store._store",
    "import_paths": "sizeup.data.ingest",
    "read_file": "sizeup.data.ingest",
    "pnf_chart": "sizeup.analytics.pnf._chart",
    "pnf_charts": "sizeup.analytics.pnf._chart",
    "relative_strength_chart": "sizeup.analytics.pnf._chart",
    "detect_patterns": "sizeup.analytics.pnf._patterns",
    "price_objective": "sizeup.analytics.pnf._counts",
    "rs_matrix": "sizeup.analytics.pnf._rs",
    "bullish_percent": "sizeup.analytics.breadth._bpi",
    "breadth": "sizeup.analytics.breadth._breadth",
    "open_fund_score": "sizeup.analytics.performance._fundscore",
    "scoreboard": "sizeup.analytics.performance._relative",
    "outperformance_streak": "sizeup.analytics.performance._streaks",
    "size_premium": "sizeup.analytics.stats._factors",
    "factor_regression": "sizeup.analytics.stats._factors",
    "conditional_outcomes": "sizeup.analytics.stats._conditional",
    "rate_sensitivity": "sizeup.analytics.stats._rates",
    "run_screen": "sizeup.fundamentals._screens",
}

__all__ = [
    "BacktestError",
    "ClaimSpecError",
    "ConfigError",
    "DataError",
    "ImportFormatError",
    "ProviderError",
    "ProviderResponseError",
    "RateLimitError",
    "SchemaError",
    "Settings",
    "SizeupError",
    "StaleDataError",
    "Store",
    "StoreError",
    "SymbolNotFoundError",
    "__version__",
    "breadth",
    "bullish_percent",
    "conditional_outcomes",
    "detect_patterns",
    "factor_regression",
    "import_paths",
    "load_settings",
    "open_fund_score",
    "outperformance_streak",
    "pnf_chart",
    "pnf_charts",
    "price_objective",
    "rate_sensitivity",
    "read_file",
    "relative_strength_chart",
    "rs_matrix",
    "run_screen",
    "scoreboard",
    "size_premium",
]


def __getattr__(name: str) -> Any:
    """Import the public names of heavy modules on first access."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sizeup' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
