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
    "MonitorRequest": "sizeup.app.monitor",
    "run_monitor": "sizeup.app.monitor",
    "PnfRequest": "sizeup.app.pnf",
    "run_pnf": "sizeup.app.pnf",
    "ReportRequest": "sizeup.app.reports",
    "StoreRef": "sizeup.app",
    "Result": "sizeup.app",
    "Provenance": "sizeup.app",
    "PriceBasis": "sizeup.app",
    "Store": "sizeup.data.store",
    "import_paths": "sizeup.data.ingest",
    "read_file": "sizeup.data.ingest",
    "pnf_chart": "sizeup.analytics.pnf",
    "pnf_charts": "sizeup.analytics.pnf",
    "relative_strength_chart": "sizeup.analytics.pnf",
    "detect_patterns": "sizeup.analytics.pnf",
    "price_objective": "sizeup.analytics.pnf",
    "rs_matrix": "sizeup.analytics.pnf",
    "bullish_percent": "sizeup.analytics.breadth",
    "breadth": "sizeup.analytics.breadth",
    "open_fund_score": "sizeup.analytics.performance",
    "scoreboard": "sizeup.analytics.performance",
    "outperformance_streak": "sizeup.analytics.performance",
    "size_premium": "sizeup.analytics.stats",
    "factor_regression": "sizeup.analytics.stats",
    "conditional_outcomes": "sizeup.analytics.stats",
    "rate_sensitivity": "sizeup.analytics.stats",
    "run_screen": "sizeup.fundamentals",
}

__all__ = [
    "BacktestError",
    "ClaimSpecError",
    "ConfigError",
    "DataError",
    "ImportFormatError",
    "MonitorRequest",
    "PnfRequest",
    "PriceBasis",
    "Provenance",
    "ProviderError",
    "ProviderResponseError",
    "RateLimitError",
    "ReportRequest",
    "Result",
    "SchemaError",
    "Settings",
    "SizeupError",
    "StaleDataError",
    "Store",
    "StoreError",
    "StoreRef",
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
    "run_monitor",
    "run_pnf",
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
