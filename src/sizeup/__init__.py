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
    "Store": "sizeup.store",
    "import_paths": "sizeup.importers",
    "read_file": "sizeup.importers",
    "pnf_chart": "sizeup.analytics.pnf",
    "pnf_charts": "sizeup.analytics.pnf",
    "relative_strength_chart": "sizeup.analytics.pnf",
    "detect_patterns": "sizeup.analytics.pnf_patterns",
    "price_objective": "sizeup.analytics.pnf_counts",
    "rs_matrix": "sizeup.analytics.pnf_rs",
    "bullish_percent": "sizeup.analytics.bpi",
    "breadth": "sizeup.analytics.breadth",
    "open_fund_score": "sizeup.analytics.fundscore",
    "scoreboard": "sizeup.analytics.relative",
    "outperformance_streak": "sizeup.analytics.streaks",
    "size_premium": "sizeup.analytics.factors",
    "factor_regression": "sizeup.analytics.factors",
    "conditional_outcomes": "sizeup.analytics.conditional",
    "rate_sensitivity": "sizeup.analytics.rates",
    "run_screen": "sizeup.screens",
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
